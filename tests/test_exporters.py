"""Exports: text stays text and exact, the workbook's sheets, golden summary, atomic writes."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.writer.excel import ExcelWriter

from export_helpers import AUTHORS, TEXTS, codebook, codings, comments
from remedycoder import tallies
from remedycoder.exporters import export_codings, rows
from remedycoder.exporters.atomic import atomic_path
from remedycoder.exporters.sanitize import (
    REPLACEMENT_CHAR,
    XLSX_MAX_CELL_CHARS,
    Sanitizer,
    unescape_csv,
)
from remedycoder.exporters.summary import (
    build_summary,
    summary_csv_text,
    write_summary_files,
)
from remedycoder.exporters.xlsx import ExportInfo, export_workbook

GOLDEN = Path(__file__).parent / "data" / "golden_summary.csv"
SHEETS = ["Comments", "Codings", "Matrix", "Summary", "Codebook", "About"]


def export(tmp_path: Path, fmt: str, **options) -> Path:
    names = {"xlsx": "coded.xlsx", "csv": "codings.csv", "jsonl": "codings.jsonl"}
    path = tmp_path / names[fmt]
    export_codings(fmt, path, comments(), codings(), codebook(), **options)
    return path


def sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        }


def records(ws) -> list[dict]:
    values = list(ws.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.fixture
def workbook_path(tmp_path) -> Path:
    return export(tmp_path, "xlsx", include_suggestions=True)


# --- the sanitizer ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(1)", "\tx", "\rx", "'quoted"])
def test_csv_guard_prefixes_and_is_reversible(text):
    clean = Sanitizer().csv_text(text)
    assert clean == "'" + text
    assert unescape_csv(clean) == text


def test_csv_guard_leaves_ordinary_text_alone():
    assert Sanitizer().csv_text("magnesium helped") == "magnesium helped"
    assert unescape_csv("magnesium helped") == "magnesium helped"


def test_xlsx_text_replaces_control_characters_one_for_one_and_counts():
    sanitizer = Sanitizer()
    assert (
        sanitizer.xlsx_text("a\x07b\x00c\nd\te") == f"a{REPLACEMENT_CHAR}b{REPLACEMENT_CHAR}c\nd\te"
    )
    assert sanitizer.report.control_chars_replaced == 2
    assert sanitizer.report.cells_with_control_chars == 1


def test_xlsx_text_cuts_long_cells_with_a_visible_marker():
    sanitizer = Sanitizer()
    cut = sanitizer.xlsx_text("x" * 40_000)
    assert len(cut) == XLSX_MAX_CELL_CHARS
    assert cut.endswith("full text: the JSONL export, comment_text]")
    assert "40,000 characters" in cut
    assert sanitizer.report.cells_truncated == 1


# --- the workbook -----------------------------------------------------------------------------


def test_workbook_has_the_sheets_in_order(workbook_path):
    assert openpyxl.load_workbook(workbook_path).sheetnames == SHEETS


def test_agreement_sheet_only_when_a_table_is_given(tmp_path):
    table = pd.DataFrame(
        {
            "variable": ["zinc", "iron"],
            "kappa": [0.5, float("nan")],
            "alpha": [0.4, None],
            "n": [4, 4],
        }
    )
    path = export(tmp_path, "xlsx", agreement=table)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [*SHEETS[:-1], "Agreement", "About"]
    assert records(book["Agreement"]) == [  # undefined statistics read n/a, never blank or 1.0
        {"variable": "zinc", "kappa": 0.5, "alpha": 0.4, "n": 4},
        {"variable": "iron", "kappa": "n/a", "alpha": "n/a", "n": 4},
    ]


def test_no_formula_anywhere_in_the_workbook(workbook_path):
    for name, xml in sheet_xml(workbook_path).items():
        assert "<f>" not in xml and "<f " not in xml, name
    book = openpyxl.load_workbook(workbook_path)
    for ws in book.worksheets:
        for line in ws.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_comment_text_reads_back_exactly_apart_from_control_characters(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    texts = {r["id"]: r["text"] for r in records(book["Comments"])}
    for key in ("c1", "c2", "c4", "c5"):
        assert texts[key] == TEXTS[key]
    assert texts["c3"] == TEXTS["c3"].replace("\x07", REPLACEMENT_CHAR)
    assert len(texts["c3"]) == len(TEXTS["c3"])  # evidence positions still line up
    assert len(texts["c6"]) == XLSX_MAX_CELL_CHARS and "[... cut: 44,012 characters" in texts["c6"]
    authors = {r["id"]: r["author"] for r in records(book["Comments"])}
    assert authors["c6"] == AUTHORS["c6"]


def test_attributes_are_columns_and_dates_are_dates(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    first = records(book["Comments"])[0]
    assert first["age"] == 40 and first["forum"] == "=forum"
    posted = book["Comments"]["D2"]
    assert posted.is_date and posted.value.isoformat() == "2026-11-24T09:30:00"
    assert book["Comments"]["D1"].value == "posted_at (UTC)"


def test_codings_sheet_is_long_with_quotes_and_code_colours(workbook_path):
    ws = openpyxl.load_workbook(workbook_path)["Codings"]
    rows_read = records(ws)
    assert len(rows_read) == 13  # confirmed + suggestions, not the rejection
    assert list(rows_read[0])[:10] == [*rows.CONTRACT_COLUMNS[:9], "created_at (UTC)"]
    assert rows_read[0]["quote"] == "=HYPER" and rows_read[0]["note"] == "=note"
    zinc = next(c for c in ws["B"] if c.value == "zinc")
    assert zinc.fill.start_color.rgb == "FF7E57C2"


def test_sheets_have_frozen_headers_filters_and_widths(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    for name in SHEETS:
        ws = book[name]
        assert ws.freeze_panes == "A2", name
        assert len(ws.tables) == 1, name
    assert book["Comments"].column_dimensions["I"].width == 80  # the text column, wrapped
    assert book["Comments"]["I2"].alignment.wrap_text


def test_summary_sheet_has_percentages_and_a_chart(workbook_path):
    ws = openpyxl.load_workbook(workbook_path)["Summary"]
    header = [c.value for c in ws[1]]
    share = header.index(tallies.SHARE) + 1
    assert ws.cell(row=2, column=share).number_format == "0.0%"
    with zipfile.ZipFile(workbook_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # one per coder: alice, auto, bob


def test_summary_sheet_counts_equal_a_pandas_recount_from_the_jsonl(tmp_path):
    workbook = export(tmp_path, "xlsx", include_suggestions=True)
    lines = export(tmp_path, "jsonl", include_suggestions=True).read_text(encoding="utf-8")
    data = pd.DataFrame([json.loads(line) for line in lines.splitlines()])
    groups = {"zinc": "supplements", "fish_oil": "supplements", "ibuprofen": "painkillers"}
    rolled = pd.concat([data, data[data["remedy"].isin(groups)].assign(
        remedy=lambda d: d["remedy"].map(groups)
    )])  # fmt: skip
    expected = rolled.groupby(["coder", "remedy", "effect"])["comment_id"].nunique()
    summary = pd.read_excel(workbook, sheet_name="Summary")
    for (coder, remedy, effect), count in expected.items():
        got = summary[(summary["coder"] == coder) & (summary["remedy"] == remedy)]
        assert got[f"{effect} (comments)"].item() == count, (coder, remedy, effect)
    effects = [f"{e} (comments)" for e in ("helped", "partial", "no_effect", "worsened")]
    assert summary[effects].to_numpy().sum() + summary["not_stated (comments)"].sum() == sum(
        expected
    )


def test_workbook_loads_in_pandas_with_headers_in_the_first_row(workbook_path):
    sheets = pd.read_excel(workbook_path, sheet_name=None)
    assert list(sheets) == SHEETS
    assert list(sheets["Codebook"].columns[:4]) == ["kind", "id", "label", "parent"]
    assert set(sheets["Codebook"]["id"]) >= {"supplements", "zinc", "helped"}
    about = dict(zip(sheets["About"]["item"], sheets["About"]["value"], strict=True))
    assert about["codebook hash (sha256)"] == "f" * 64
    assert "1 control character(s)" in about["text changes"]
    matrix = sheets["Matrix"]
    assert {"comment_id", "coder", "zinc", "has_zinc"} <= set(matrix.columns)


def test_rows_beyond_a_sheet_continue_on_the_next(tmp_path):
    path = tmp_path / "split.xlsx"
    export_workbook(path, comments(), codings(), codebook(), rows_per_sheet=5)
    book = openpyxl.load_workbook(path)
    parts = [n for n in book.sheetnames if n.startswith("Codings")]
    assert parts == ["Codings", "Codings (2)", "Codings (3)"]
    ids = [r["id"] for name in parts for r in records(book[name])]
    assert sorted(ids) == sorted(c.id for c in codings() if c.status == "confirmed")


def test_only_the_chosen_coders_are_exported(tmp_path):
    path = export(tmp_path, "xlsx", coders=["bob"])
    coders = {r["coder"] for r in records(openpyxl.load_workbook(path)["Codings"])}
    assert coders == {"bob"}


# --- CSV and JSONL ----------------------------------------------------------------------------


def test_csv_rows_have_the_contract_columns_and_guarded_text(tmp_path):
    path = export(tmp_path, "csv", include_suggestions=True)
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert list(read[0])[:10] == rows.CONTRACT_COLUMNS
    first = read[0]
    assert first["quote"] == "'=HYPER" and unescape_csv(first["quote"]) == "=HYPER"
    assert first["note"] == "'=note"
    assert {r["status"] for r in read} == {"confirmed", "suggested"}
    quotes = {r["comment_id"]: unescape_csv(r["quote"]) for r in read}
    assert quotes == {key: TEXTS[key][:6] for key in quotes}


def test_jsonl_is_exact_and_carries_the_full_comment_text(tmp_path):
    path = export(tmp_path, "jsonl", include_rejected=True)
    data = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {d["status"] for d in data} == {"confirmed", "rejected"}
    by_comment = {d["comment_id"]: d for d in data}
    assert by_comment["c6"]["comment_text"] == TEXTS["c6"]  # never cut
    assert by_comment["c3"]["comment_text"] == TEXTS["c3"]  # bell kept
    assert by_comment["c1"]["quote"] == "=HYPER" and by_comment["c1"]["start"] == 0
    assert by_comment["c1"]["created_at"].startswith("2026-11-24T09:30:00")
    assert by_comment["c6"]["author"] == AUTHORS["c6"]
    assert by_comment["c1"]["remedy_group"] == "supplements"


def test_rows_follow_the_comment_order(tmp_path):
    path = export(tmp_path, "jsonl")
    order = [json.loads(x)["comment_id"] for x in path.read_text().splitlines()]
    assert order == sorted(order, key=list(TEXTS).index)


# --- atomic writes ----------------------------------------------------------------------------


def test_a_failed_csv_export_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = export(tmp_path, "csv")
    before = path.read_bytes()

    def broken(frame):
        yield {"comment_id": "half a row"}
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(rows, "iter_records", broken)
    with pytest.raises(RuntimeError):
        export(tmp_path, "csv")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codings.csv"]


def test_a_failed_workbook_save_leaves_the_old_file(tmp_path, monkeypatch):
    path = export(tmp_path, "xlsx")
    before = path.read_bytes()

    def half_save(self):
        self._archive.writestr("xl/half.xml", "<half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ExcelWriter, "write_data", half_save)
    with pytest.raises(OSError):
        export(tmp_path, "xlsx")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["coded.xlsx"]


def test_atomic_path_keeps_the_old_permissions(tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o640


# --- summary files ----------------------------------------------------------------------------


def fixture_summary(**options) -> pd.DataFrame:
    return build_summary(comments(), codings(), codebook(), **options)


def test_summary_csv_matches_the_golden_file():
    assert summary_csv_text(fixture_summary()) == GOLDEN.read_text(encoding="utf-8")


def test_summary_csv_is_byte_identical_whatever_the_order_of_codings(tmp_path):
    shuffled = list(reversed(codings()))
    again = build_summary(list(reversed(comments())), shuffled, codebook())
    assert summary_csv_text(again) == summary_csv_text(fixture_summary())


def test_summary_with_suggestions_says_so_in_every_row():
    table = fixture_summary(include_suggestions=True)
    assert set(table["counted"]) == {
        "confirmed codings + machine suggestions (coder auto, unreviewed)"
    }
    assert "auto" in set(table["coder"])


def test_summary_files_are_written_beside_the_workbook(tmp_path):
    info = ExportInfo(command_line="remedycoder summary")
    written = write_summary_files(fixture_summary(), tmp_path / "s.xlsx", codebook(), info)
    assert [p.name for p in written] == ["s.xlsx", "s.csv", "s.png"]
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames == ["Summary", "Notes"]
    assert (tmp_path / "s.csv").read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")


def test_summary_without_chart_writes_no_png(tmp_path):
    info = ExportInfo()
    written = write_summary_files(fixture_summary(), tmp_path / "s.xlsx", codebook(), info, False)
    assert [p.name for p in written] == ["s.xlsx", "s.csv"]
