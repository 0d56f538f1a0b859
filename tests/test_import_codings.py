"""Reading coding rows (JSONL/CSV) from another copy of the project."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from remedycoder.errors import ImportFormatError
from remedycoder.importers.codings import (
    implied_reviews,
    plan_merge,
    read_codings,
    read_codings_file,
)
from remedycoder.models import Codebook, EffectCode, RemedyCode

CODEBOOK = Codebook(
    remedies=[
        RemedyCode(id="minerals", label="Minerals", codable=False),
        RemedyCode(id="magnesium", label="Magnesium", parent="minerals"),
        RemedyCode(id="tea", label="Tea"),
    ],
    effects=[EffectCode(id=e, label=e) for e in ("helped", "no_effect", "not_stated")],
)
COMMENTS = {"c1", "c2"}

ROW = {
    "comment_id": "c1",
    "remedy": "magnesium",
    "effect": "helped",
    "coder": "alice",
    "status": "confirmed",
    "start": 0,
    "end": 9,
    "quote": "Magnesium",
    "note": "",
    "created_at": "2024-03-01T12:30:00+00:00",
}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        names = list(dict.fromkeys(k for r in rows for k in r))
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_jsonl_rows_become_codings_with_deterministic_ids(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "a.jsonl", [ROW, {**ROW, "remedy": "tea", "start": None, "end": None}]
    )
    first = read_codings(path, COMMENTS, CODEBOOK)
    again = read_codings(path, COMMENTS, CODEBOOK)
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == 2
    mg = first[0]
    assert (mg.remedy, mg.effect, mg.coder, mg.start, mg.end, mg.quote) == (
        "magnesium",
        "helped",
        "alice",
        0,
        9,
        "Magnesium",
    )
    assert mg.created_at == datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    assert first[1].start is None and first[1].end is None


def test_csv_and_jsonl_of_the_same_rows_give_the_same_codings(tmp_path: Path):
    rows = [ROW, {**ROW, "comment_id": "c2", "note": "multi\nline note", "id": "keep-me"}]
    from_csv = read_codings(write_csv(tmp_path / "a.csv", rows), COMMENTS, CODEBOOK)
    from_jsonl = read_codings(write_jsonl(tmp_path / "a.jsonl", rows), COMMENTS, CODEBOOK)
    assert from_csv == from_jsonl
    assert from_csv[1].id == "keep-me"
    assert from_csv[1].note == "multi\nline note"


def test_csv_formula_escapes_of_the_export_are_undone(tmp_path: Path):
    rows = [{**ROW, "quote": "'=SUM(A1)", "note": "''quoted"}]
    (coding,) = read_codings(write_csv(tmp_path / "a.csv", rows), COMMENTS, CODEBOOK)
    assert (coding.quote, coding.note) == ("=SUM(A1)", "'quoted")


def test_same_row_twice_in_a_file_counts_once(tmp_path: Path):
    path = write_jsonl(tmp_path / "a.jsonl", [ROW, ROW])
    assert len(read_codings(path, COMMENTS, CODEBOOK)) == 1


def test_bad_rows_are_all_named_and_nothing_is_returned(tmp_path: Path):
    rows = [
        ROW,
        {**ROW, "comment_id": "c9"},
        {**ROW, "remedy": "ginger", "effect": "cured"},
        {**ROW, "remedy": "minerals", "status": "maybe", "start": "x"},
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportFormatError) as info:
        read_codings(path, COMMENTS, CODEBOOK)
    message = info.value.message
    assert message.startswith(f"{path}: 3 bad rows; nothing was imported from this file:")
    assert f"{path}:3: field `comment_id`: no comment `c9` in this project" in message
    assert f"{path}:4: field `remedy`: `ginger` is not a remedy code of the codebook." in message
    assert f"{path}:4: field `effect`: `cured` is not an effect code" in message
    assert f"{path}:5: field `remedy`: `minerals` is a group" in message
    assert f"{path}:5: field `status`: `maybe` must be one of" in message
    assert f"{path}:5: field `start`: `x` is not a whole number." in message


def test_csv_line_numbers_count_multiline_cells(tmp_path: Path):
    rows = [{**ROW, "note": "one\ntwo\nthree"}, {**ROW, "coder": ""}]
    path = write_csv(tmp_path / "a.csv", rows)
    with pytest.raises(ImportFormatError, match=r"a\.csv:5: field `coder` is empty"):
        read_codings(path, COMMENTS, CODEBOOK)


def test_missing_columns_and_bad_json(tmp_path: Path):
    path = tmp_path / "cols.csv"
    path.write_text("comment_id,remedy\nc1,tea\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"cols\.csv:1: missing columns effect, coder"):
        read_codings(path, COMMENTS, CODEBOOK)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(ROW) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"bad\.jsonl:2: not valid JSON"):
        read_codings(bad, COMMENTS, CODEBOOK)
    with pytest.raises(ImportFormatError, match="cannot tell the format"):
        read_codings(tmp_path / "x.xlsx", COMMENTS, CODEBOOK)


def test_plan_merge_and_reviewed(tmp_path: Path):
    codings = read_codings(
        write_jsonl(tmp_path / "a.jsonl", [ROW, {**ROW, "remedy": "tea", "coder": "bob"}]),
        COMMENTS,
        CODEBOOK,
    )
    stored = {codings[0].id: codings[0]}
    plan = plan_merge(codings, stored)
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (1, 0, 1)
    edited = codings[0].model_copy(update={"effect": "no_effect"})
    assert plan_merge([edited], stored).changed == [(codings[0], edited)]


def test_review_rows_and_implied_reviews(tmp_path: Path):
    review = {"comment_id": "c2", "coder": "bob", "status": "reviewed", "remedy": "", "effect": ""}
    both = read_codings_file(
        write_jsonl(tmp_path / "a.jsonl", [ROW, {**ROW, "coder": "bob"}, review]),
        COMMENTS,
        CODEBOOK,
    )
    assert len(both.codings) == 2
    assert both.reviews == {"bob": {"c2"}}
    # bob said which comments he reviewed; alice did not, so she gets every comment in the files
    assert implied_reviews([both]) == {"alice": {"c1", "c2"}, "bob": {"c1", "c2"}}
    only_alice = read_codings_file(write_jsonl(tmp_path / "b.jsonl", [ROW]), COMMENTS, CODEBOOK)
    assert implied_reviews([only_alice]) == {"alice": {"c1"}}
    bad = write_jsonl(tmp_path / "c.jsonl", [{**review, "comment_id": "c7", "coder": ""}])
    with pytest.raises(ImportFormatError) as info:
        read_codings_file(bad, COMMENTS, CODEBOOK)
    assert "c.jsonl:1: field `coder` is empty; a `reviewed` row needs" in info.value.message
    assert "c.jsonl:1: field `comment_id`: no comment `c7`" in info.value.message


def test_many_bad_rows_stop_early_and_say_so(tmp_path: Path):
    path = write_jsonl(tmp_path / "a.jsonl", [{**ROW, "comment_id": f"x{i}"} for i in range(50)])
    with pytest.raises(ImportFormatError) as info:
        read_codings(path, COMMENTS, CODEBOOK)
    assert info.value.message.startswith(f"{path}: at least 20 bad rows;")
    assert info.value.message.count("no comment") == 20
