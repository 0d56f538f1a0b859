"""`remedycoder summary`: tables printed and written, stable CSV, suggestions named."""

from __future__ import annotations

import csv
import io

import openpyxl
from test_export import invoke, project  # noqa: F401  (the fixture)


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_summary_writes_xlsx_csv_and_png_and_prints_the_table(project):  # noqa: F811
    result = invoke(project, "summary")
    assert result.exit_code == 0, result.output
    exports = project / "exports"
    for name in ("summary.xlsx", "summary.csv", "summary.png"):
        assert (exports / name).exists(), name
    assert "Comments per remedy and effect (unit: comment; confirmed codings), coder alice" in (
        result.output
    )
    assert "Ginger" in result.output and "Herbs" in result.output
    assert openpyxl.load_workbook(exports / "summary.xlsx").sheetnames == ["Summary", "Notes"]


def test_summary_counts_comments_with_parents_rolled_up(project):  # noqa: F811
    assert invoke(project, "summary", "--no-chart").exit_code == 0
    rows = {(r["coder"], r["remedy"]): r for r in read_csv(project / "exports" / "summary.csv")}
    herbs = rows[("alice", "herbs")]
    assert herbs["any effect (comments)"] == "3"  # ginger on h1 and h4, mint on h2
    assert herbs["helped (comments)"] == "2" and herbs["not_stated (comments)"] == "1"
    assert herbs["share helped or partial (of comments with effect stated)"] == "1.0000"
    assert rows[("bob", "sauna")]["helped (comments)"] == "1"  # the rejection is not counted
    assert not (project / "exports" / "summary.png").exists()


def test_summary_csv_is_byte_identical_when_run_again(project):  # noqa: F811
    assert invoke(project, "summary", "--no-chart").exit_code == 0
    first = (project / "exports" / "summary.csv").read_bytes()
    assert invoke(project, "summary", "--no-chart").exit_code == 0
    assert (project / "exports" / "summary.csv").read_bytes() == first


def test_summary_for_one_coder_to_a_chosen_path(project, tmp_path):  # noqa: F811
    out = tmp_path / "report" / "bob.xlsx"
    result = invoke(project, "summary", "--coder", "bob", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {r["coder"] for r in read_csv(out.with_suffix(".csv"))} == {"bob"}
    assert out.with_suffix(".png").exists()


def test_include_suggestions_says_so_in_titles_and_rows(project):  # noqa: F811
    result = invoke(project, "summary", "--include-suggestions", "--no-chart")
    assert result.exit_code == 0, result.output
    assert "machine suggestions" in result.output
    rows = read_csv(project / "exports" / "summary.csv")
    assert all("machine suggestions" in r["counted"] for r in rows)


def test_unknown_coder_is_an_input_error(project):  # noqa: F811
    result = invoke(project, "summary", "--coder", "zed")
    assert result.exit_code == 2
    assert "Error: No codings by coder 'zed'." in result.output


def test_the_summary_frame_holds_the_stored_values(project):  # noqa: F811
    from remedycoder.cli.summary import SUMMARY_FIELDS
    from remedycoder.project import Project

    opened = Project.find(project)
    fast = opened.codings_frame(SUMMARY_FIELDS)
    full = opened.codings_frame()[list(SUMMARY_FIELDS)]
    as_rows = sorted(map(tuple, fast.astype(str).to_numpy().tolist()))
    assert as_rows == sorted(map(tuple, full.astype(str).to_numpy().tolist()))
    assert len(as_rows) == 6
    opened.close()


def test_a_value_holding_the_packing_separator_is_still_read(project):  # noqa: F811
    from remedycoder.cli.summary import SUMMARY_FIELDS
    from remedycoder.models import Coding
    from remedycoder.project import Project
    from remedycoder.store import PACK_SEP

    odd = f"carol{PACK_SEP}x"  # no longer accepted as a name, but a store may hold one
    opened = Project.find(project)
    row = opened.store.codings(coders=["alice"])[0].model_dump()
    opened.store.put_codings([Coding.model_construct(**{**row, "id": "odd", "coder": odd})])
    frame = opened.codings_frame(SUMMARY_FIELDS)
    assert (frame["coder"] == odd).sum() == 1 and len(frame) == 7
    opened.close()
