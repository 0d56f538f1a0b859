"""`remedycoder export`: hostile comments imported, exported, read back as text, no formulas."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from remedycoder.cli import app
from remedycoder.exporters.sanitize import REPLACEMENT_CHAR, unescape_csv

CODEBOOK_YAML = """\
name: export test
remedies:
  - {id: herbs, label: Herbs, codable: false, color: "#2E7D32"}
  - {id: ginger, label: Ginger, parent: herbs, terms: [ginger]}
  - {id: mint, label: Mint, parent: herbs, terms: [mint]}
  - {id: sauna, label: Sauna, terms: [sauna], color: "c62828"}
effects:
  - {id: helped, label: Helped, cues: [helped]}
  - {id: partial, label: Partial}
  - {id: no_effect, label: No effect}
  - {id: worsened, label: Worsened}
  - {id: not_stated, label: Not stated}
rules:
  default_effect: not_stated
"""
TEXTS = {
    "h1": '=HYPERLINK("http://example.invalid/x","ginger") ginger helped',
    "h2": "+1 mint helped me too",
    "h3": "@SUM(1) sauna did nothing",
    "h4": "ginger tea\x07 with a bell",
    "h5": "-3 degrees and the sauna helped",
}


def invoke(project: Path, *args: str):
    return CliRunner().invoke(app, ["--project", str(project), *args])


def coding(cid: str, remedy: str, effect: str, coder: str, status: str = "confirmed") -> dict:
    text = TEXTS[cid]
    return {
        "comment_id": cid, "remedy": remedy, "effect": effect, "coder": coder,
        "status": status, "start": 0, "end": 8, "quote": text[:8], "note": "",
        "created_at": "2026-11-24T09:00:00+00:00",
    }  # fmt: skip


@pytest.fixture
def project(tmp_path) -> Path:
    """A project made by `remedycoder init`, comments and codings added through the CLI."""
    book = tmp_path / "book.yaml"
    book.write_text(CODEBOOK_YAML, encoding="utf-8")
    root = tmp_path / "study"
    assert CliRunner().invoke(app, ["init", str(root), "--codebook", str(book)]).exit_code == 0
    corpus = tmp_path / "comments.jsonl"
    lines = [json.dumps({"id": k, "text": v, "author": f"a{k}"}) for k, v in TEXTS.items()]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert invoke(root, "import", str(corpus)).exit_code == 0
    codings = [
        coding("h1", "ginger", "helped", "alice"),
        coding("h2", "mint", "helped", "alice"),
        coding("h3", "sauna", "no_effect", "alice"),
        coding("h4", "ginger", "not_stated", "alice"),
        coding("h5", "sauna", "helped", "bob"),
        coding("h3", "sauna", "helped", "bob", "rejected"),
    ]
    rows = tmp_path / "codings.jsonl"
    rows.write_text("\n".join(json.dumps(c) for c in codings) + "\n", encoding="utf-8")
    result = invoke(root, "import-codings", str(rows))
    assert result.exit_code == 0, result.output
    return root


def test_xlsx_export_writes_the_default_file_with_text_cells_only(project):
    result = invoke(project, "export")
    assert result.exit_code == 0, result.output
    path = project / "exports" / "coded.xlsx"
    assert "exports/coded.xlsx" in result.output or str(path) in result.output
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:
            assert "<f>" not in archive.read(name).decode("utf-8")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Comments", "Codings", "Matrix", "Summary", "Codebook", "Agreement", "About",
    ]  # fmt: skip
    agreement = list(book["Agreement"].values)
    assert agreement[0] == ("variable", "kappa", "alpha", "percent_agreement", "n")
    assert {row[0] for row in agreement[1:]} >= {"ginger", "mint", "sauna"}
    values = list(book["Comments"].values)
    texts = {row[0]: row[values[0].index("text")] for row in values[1:]}
    for key, text in TEXTS.items():
        assert texts[key] == text.replace("\x07", REPLACEMENT_CHAR)


def test_csv_export_prefixes_formula_text_and_reads_back_exactly(project):
    result = invoke(project, "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    with (project / "exports" / "codings.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["status"] for r in rows] == ["confirmed"] * 5
    quotes = {r["comment_id"]: r["quote"] for r in rows}
    assert quotes["h1"] == "'=HYPERLI" and quotes["h2"] == "'+1 mint " and quotes["h3"][0] == "'"
    assert {k: unescape_csv(v) for k, v in quotes.items()} == {k: TEXTS[k][:8] for k in quotes}
    assert "Note: 4 CSV value(s)" in result.output


def test_jsonl_export_with_suggestions_and_rejections_to_a_chosen_path(project, tmp_path):
    out = tmp_path / "elsewhere" / "all.jsonl"
    result = invoke(project, "export", "-f", "jsonl", "--out", str(out), "--include-rejected")
    assert result.exit_code == 0, result.output
    data = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    decisions = [d for d in data if d["status"] != "reviewed"]
    assert sorted(d["status"] for d in decisions) == ["confirmed"] * 5 + ["rejected"]
    assert {d["comment_id"]: d["comment_text"] for d in data}["h4"] == TEXTS["h4"]
    coded = {(d["comment_id"], d["coder"]) for d in decisions}
    for row in (d for d in data if d["status"] == "reviewed"):  # reviewed with nothing coded
        assert (row["comment_id"], row["coder"]) not in coded
        assert row["remedy"] == row["effect"] == ""


def test_one_coder_gets_no_agreement_sheet(project):
    assert invoke(project, "export", "--coder", "alice").exit_code == 0
    book = openpyxl.load_workbook(project / "exports" / "coded.xlsx")
    assert "Agreement" not in book.sheetnames


def test_coder_option_takes_repeats_and_comma_lists(project):
    for args in (
        ["--coder", "bob"],
        ["--coder", "bob,alice"],
        ["--coder", "bob", "--coder", "alice"],
    ):
        result = invoke(project, "export", "-f", "jsonl", *args)
        assert result.exit_code == 0, result.output
    lines = (project / "exports" / "codings.jsonl").read_text().splitlines()
    assert {json.loads(x)["coder"] for x in lines} == {"alice", "bob"}


def test_unknown_coder_is_an_input_error(project):
    result = invoke(project, "export", "--coder", "carol")
    assert result.exit_code == 2
    assert "Error: No codings by coder 'carol'." in result.output
    assert not (project / "exports" / "coded.xlsx").exists()


def test_unknown_format_is_an_input_error(project):
    result = invoke(project, "export", "--format", "pdf")
    assert result.exit_code == 2
    assert "--format pdf: not an export format." in result.output


def test_exported_rows_import_back_as_the_same_codings(project, tmp_path):
    assert invoke(project, "export", "-f", "jsonl").exit_code == 0
    result = invoke(project, "import-codings", str(project / "exports" / "codings.jsonl"))
    assert result.exit_code == 0, result.output
    assert (
        invoke(project, "export", "-f", "csv", "--out", str(tmp_path / "again.csv")).exit_code == 0
    )
    with (tmp_path / "again.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 5  # nothing doubled


def test_csv_rows_import_back_unchanged(project):
    assert invoke(project, "export", "-f", "csv").exit_code == 0
    result = invoke(project, "import-codings", str(project / "exports" / "codings.csv"))
    assert result.exit_code == 0, result.output
    assert "0 new, 0 updated, 5 already stored" in result.output


def test_an_unwritable_path_is_an_input_error(project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = invoke(project, "export", "--out", str(blocker / "coded.xlsx"))
    assert result.exit_code == 2
    assert "cannot write" in result.output and "--out" in result.output
