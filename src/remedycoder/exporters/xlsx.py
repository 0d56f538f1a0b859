"""The coded workbook (`exports/coded.xlsx`), streamed with openpyxl's write-only mode.

Sheets: Comments, Codings, Matrix, Summary (with a bar chart), Codebook, Agreement (when
a table is given), About. Memory stays flat: rows are generated as they are written, and
the file appears atomically when complete.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter

import remedycoder
from remedycoder import tallies
from remedycoder.exporters.atomic import atomic_path
from remedycoder.exporters.rows import ROW_COLUMNS, coding_rows
from remedycoder.exporters.sanitize import XLSX_MAX_ROWS, Sanitizer, SanitizeReport
from remedycoder.exporters.sheets import Column, SheetWriter, discard, hex_fill, save_workbook
from remedycoder.models import Codebook, Coding, Comment

MAX_CHARTS = 4
"""Summary charts: one per coder, for at most this many coders."""


@dataclass
class ExportInfo:
    """What the About sheet records besides the data itself."""

    command_line: str = field(default_factory=lambda: " ".join(sys.argv))
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    coders: Sequence[str] = ()
    include_suggestions: bool = False


@dataclass
class ExportResult:
    """Where the file went and what the sanitizer had to change."""

    path: Path
    comments: int
    codings: int
    report: SanitizeReport
    sheets: list[str]


def export_workbook(
    path: str | Path,
    comments: Iterable[Comment],
    codings: Iterable[Coding] | pd.DataFrame,
    codebook: Codebook,
    *,
    coders: Sequence[str] | None = None,
    include_suggestions: bool = False,
    agreement: pd.DataFrame | None = None,
    info: ExportInfo | None = None,
    rows_per_sheet: int = XLSX_MAX_ROWS,
) -> ExportResult:
    """Select the codings (confirmed; + suggestions if asked; only `coders` if given), write."""
    frame = tallies.select_codings(
        tallies.codings_frame(codings), coders=coders, include_suggestions=include_suggestions
    )
    info = info or ExportInfo(coders=list(coders or []), include_suggestions=include_suggestions)
    return write_workbook(
        path, list(comments), frame, codebook, agreement=agreement, info=info,
        rows_per_sheet=rows_per_sheet,
    )  # fmt: skip


def write_workbook(
    path: str | Path,
    comments: Sequence[Comment],
    codings: pd.DataFrame,
    codebook: Codebook,
    *,
    agreement: pd.DataFrame | None = None,
    info: ExportInfo | None = None,
    rows_per_sheet: int = XLSX_MAX_ROWS,
) -> ExportResult:
    """Write the workbook from already selected codings (a `tallies.codings_frame`)."""
    info = info or ExportInfo()
    sanitizer = Sanitizer()
    workbook = Workbook(write_only=True)
    writer = SheetWriter(workbook, sanitizer, rows_per_sheet=rows_per_sheet)
    try:
        rows = _write_sheets(writer, comments, codings, codebook, agreement, info)
        with atomic_path(path) as tmp:
            save_workbook(workbook, tmp)
    except BaseException:
        discard(workbook)
        raise
    names = [ws.title for ws in workbook.worksheets]
    return ExportResult(Path(path), len(comments), len(rows), sanitizer.report, names)


def _write_sheets(writer, comments, codings, codebook, agreement, info) -> pd.DataFrame:
    """Every sheet in order; returns the coding rows written."""
    authors = tallies.comments_frame(comments)
    rows = coding_rows(codings, codebook, authors)
    _comments_sheet(writer, comments, codings)
    _codings_sheet(writer, rows, codebook)
    _matrix_sheet(writer, codings, codebook)
    _summary_sheet(writer, codings, codebook, authors, info)
    _codebook_sheet(writer, codebook)
    if agreement is not None and len(agreement):
        _agreement_sheet(writer, agreement)
    _about_sheet(writer, codebook, comments, rows, info)
    return rows


def _comments_sheet(writer: SheetWriter, comments: Sequence[Comment], codings) -> None:
    """One row per comment: fields, the number of codings, the text, then attributes."""
    keys = _attribute_keys(comments)
    per_comment = codings["comment_id"].value_counts().to_dict()
    columns = [
        Column("id"),
        Column("author"),
        Column("author_url"),
        Column("posted_at (UTC)", "date", 20),
        Column("parent_id"),
        Column("source"),
        Column("url"),
        Column("codings", "int", 10),
        Column("text", "wrap", 80),
        *(Column(k) for k in keys),
    ]

    def rows():
        for c in comments:
            base = [c.id, c.author, c.author_url, c.posted_at, c.parent_id, c.source, c.url]
            yield [*base, per_comment.get(c.id, 0), c.text, *(c.attributes.get(k) for k in keys)]

    sample = list(_take(rows(), 50))
    writer.write("Comments", columns, rows(), len(comments), sample=sample)


def _attribute_keys(comments: Sequence[Comment]) -> list[str]:
    """Attribute names in first-seen order."""
    keys: dict[str, None] = {}
    for comment in comments:
        keys.update(dict.fromkeys(comment.attributes))
    return list(keys)


def _codings_sheet(writer: SheetWriter, rows: pd.DataFrame, codebook: Codebook) -> None:
    """Long format: one row per coding with its quote; remedy cells in the code's colour."""
    fills = _remedy_fills(codebook)
    kinds = {"start": "int", "end": "int", "created_at": "date", "quote": "wrap", "note": "wrap"}
    widths = {"quote": 50, "note": 30, "created_at": 20, "reason": 30}
    columns = [
        Column(
            name if name != "created_at" else "created_at (UTC)",
            kinds.get(name, "text"),
            widths.get(name),
            fill=fills.get if name == "remedy" and fills else None,
        )
        for name in ROW_COLUMNS
    ]
    data = frame_rows(rows)
    writer.write("Codings", columns, data, len(rows), sample=list(_take(frame_rows(rows), 50)))


def _matrix_sheet(writer: SheetWriter, codings: pd.DataFrame, codebook: Codebook) -> None:
    """Comment x remedy with the effect in each cell, then 0/1 columns for R and SPSS."""
    table = tallies.matrix(codings, codebook)
    columns = [
        Column(name, "int", 10) if name.startswith("has_") else Column(name)
        for name in table.columns
    ]
    sample = list(_take(frame_rows(table), 50))
    writer.write("Matrix", columns, frame_rows(table), len(table), sample=sample)


def summary_columns(table: pd.DataFrame) -> list[Column]:
    """Column kinds for a `tallies.summary_table`: counts as ints, shares as percentages."""
    out = []
    for name in table.columns:
        if name.startswith("share"):
            out.append(Column(name, "percent", 14))
        elif name in ("level",) or name.endswith(f"({tallies.UNIT})") or "authors" in name:
            out.append(Column(name, "int", 14))
        elif name == "includes sub-codes":
            out.append(Column(name, "bool", 12))
        else:
            out.append(Column(name, "text", 18 if name != "coder" else 12))
    return out


def counted_label(include_suggestions: bool) -> str:
    """What a tally counted, for the `counted` column, titles and the About sheet."""
    if include_suggestions:
        return "confirmed codings + machine suggestions (coder auto, unreviewed)"
    return "confirmed codings"


def summary_notes(info: ExportInfo) -> list[str]:
    """Sentences that explain the summary: unit, what was counted, from whom."""
    who = ", ".join(info.coders) if info.coders else "all coders"
    return [
        "Unit: comment. A comment counts once per remedy and effect however often it mentions "
        "them; each coder is counted separately, never pooled.",
        f"Counted: {counted_label(info.include_suggestions)}; coders: {who}.",
        "Parent codes include their sub-codes. Share = helped or partial / comments with an "
        "effect stated (every effect but not_stated), with a Wilson 95% interval.",
    ]


def with_counted(table: pd.DataFrame, include_suggestions: bool) -> pd.DataFrame:
    """The summary table with a last column saying what was counted."""
    return table.assign(counted=counted_label(include_suggestions))


def _summary_sheet(writer, codings, codebook, authors, info: ExportInfo) -> None:
    table = tallies.summary_table(codings, codebook, authors)
    table = with_counted(table, info.include_suggestions)
    sheets = writer.write("Summary", summary_columns(table), frame_rows(table), len(table))
    if len(sheets) == 1 and len(table):
        add_charts(sheets[0], table, codebook, header_row=1, info=info)


def add_charts(ws, table: pd.DataFrame, codebook: Codebook, header_row: int, info) -> None:
    """A stacked bar chart of remedy x effect per coder, beside the table."""
    effects = tallies.effect_order(codebook, [])
    columns = list(table.columns)
    label_col = columns.index("remedy label") + 1
    anchor_col, anchor_row = len(columns) + 2, header_row
    for n, (coder, block) in enumerate(table.groupby("coder", sort=False)):
        if n >= MAX_CHARTS:
            break
        first = header_row + 1 + int(block.index[0])
        last = header_row + 1 + int(block.index[-1])
        chart = _bar_chart(ws, columns, effects, label_col, header_row, first, last, codebook)
        suffix = " (incl. machine suggestions)" if info.include_suggestions else ""
        chart.title = f"Comments per remedy and effect: {coder}{suffix}"
        ws.add_chart(chart, f"{_letter(anchor_col)}{anchor_row}")
        anchor_row += int(chart.height / 0.5) + 2  # a default row is about 0.5 cm


def _bar_chart(ws, columns, effects, label_col, header_row, first, last, codebook) -> BarChart:
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.y_axis.title, chart.x_axis.title = "comments", "remedy"
    chart.height, chart.width = max(8.0, 0.45 * (last - first + 1)), 18.0
    for effect in effects:
        col = columns.index(f"{effect} ({tallies.UNIT})") + 1
        chart.add_data(Reference(ws, min_col=col, min_row=first, max_row=last))
        chart.series[-1].tx = _series_title(ws, col, header_row)
        color = _effect_color(codebook, effect)
        if color:
            chart.series[-1].graphicalProperties.solidFill = color
    chart.set_categories(Reference(ws, min_col=label_col, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # codebook order top to bottom
    return chart


def _series_title(ws, col: int, row: int) -> SeriesLabel:
    """The series is named by its header cell (the table block need not touch the header)."""
    return SeriesLabel(strRef=StrRef(f"'{ws.title}'!${_letter(col)}${row}"))


def _effect_color(codebook: Codebook, effect: str) -> str | None:
    code = codebook.effect(effect)
    fill = hex_fill(code.color) if code else None
    return fill.start_color.rgb[2:] if fill else None


def _letter(col: int) -> str:
    return get_column_letter(col)


def _codebook_sheet(writer: SheetWriter, codebook: Codebook) -> None:
    """Every code with its definition and terms, remedies in tree order, then effects."""
    tree = tallies.remedy_tree(codebook)
    fills = _remedy_fills(codebook) | {
        e.id: f for e in codebook.effects if (f := hex_fill(e.color)) is not None
    }
    columns = [
        Column("kind", width=8),
        Column("id", fill=fills.get if fills else None),
        Column("label"),
        Column("parent"),
        Column("level", "int", 7),
        Column("codable", "bool", 9),
        Column("definition", "wrap", 50),
        Column("terms", "wrap", 40),
        Column("misspellings", "wrap", 30),
        Column("exclude", "wrap", 25),
        Column("hotkey", width=8),
        Column("color", width=10),
    ]
    rows = [_remedy_row(codebook, code, depth) for code, depth in zip(
        tree["remedy"], tree["depth"], strict=True
    )] + [
        ["effect", e.id, e.label, None, 0, True, e.definition, "; ".join(e.cues), None, None,
         e.hotkey, e.color]
        for e in codebook.effects
    ]  # fmt: skip
    writer.write("Codebook", columns, rows, len(rows), sample=rows[:50])


def _remedy_row(codebook: Codebook, code_id: str, depth: int) -> list:
    r = codebook.remedy(code_id)
    return [
        "remedy", r.id, r.label, r.parent, depth, r.codable, r.definition, "; ".join(r.terms),
        "; ".join(r.misspellings), "; ".join(r.exclude), r.hotkey, r.color,
    ]  # fmt: skip


def _remedy_fills(codebook: Codebook) -> dict:
    return {r.id: f for r in codebook.remedies if (f := hex_fill(r.color)) is not None}


def _agreement_sheet(writer: SheetWriter, agreement: pd.DataFrame) -> None:
    """The agreement table as given (index written as columns when it carries names)."""
    table = agreement.reset_index() if any(agreement.index.names) else agreement.copy()
    for name in table.columns:  # undefined statistics (a code nobody used) read "n/a"
        column = table[name]
        if pd.api.types.is_float_dtype(column) and column.isna().any():
            table[name] = column.astype(object).where(column.notna(), "n/a")
    columns = [Column(str(name), _kind(table[name])) for name in table.columns]
    sample = list(_take(frame_rows(table), 50))
    writer.write("Agreement", columns, frame_rows(table), len(table), sample=sample)


def _kind(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "bool"
    if pd.api.types.is_integer_dtype(column):
        return "int"
    if pd.api.types.is_float_dtype(column):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(column):
        return "date"
    return "text"


def _about_sheet(writer, codebook: Codebook, comments, rows: pd.DataFrame, info) -> None:
    notes = writer.sanitizer.report.notes()
    items = [
        ("tool", "remedycoder"),
        ("version", remedycoder.__version__),
        ("generated at (UTC)", info.generated_at),
        ("command line", info.command_line),
        ("codebook", _codebook_name(codebook)),
        ("codebook hash (sha256)", codebook.content_hash or "(not from a file)"),
        ("data hash (sha256 of comments and exported codings)", data_hash(comments, rows)),
        ("comments", len(comments)),
        ("codings", len(rows)),
        ("coders", ", ".join(sorted(set(rows["coder"]))) or "(none)"),
        *(("summary", note) for note in summary_notes(info)),
        ("text changes", " ".join(notes) or "none: all text is exactly as stored"),
    ]
    columns = [Column("item", width=45), Column("value", "wrap", 90)]
    rows_out = [[k, _about_value(v)] for k, v in items]
    writer.write("About", columns, rows_out, len(rows_out))


def _codebook_name(codebook: Codebook) -> str:
    version = f" (version {codebook.version})" if codebook.version is not None else ""
    return codebook.name + version


def _about_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return value


def data_hash(comments: Sequence[Comment], rows: pd.DataFrame) -> str:
    """sha256 over every comment (id and content) and every exported coding row."""
    digest = hashlib.sha256()
    for comment in comments:
        digest.update(f"{comment.id}\x1f{comment.text}\x1e".encode("utf-8", "surrogatepass"))
    cols = ["id", "comment_id", "remedy", "effect", "coder", "status", "start", "end", "quote"]
    for values in zip(*(rows[c].astype(str).tolist() for c in cols), strict=True):
        digest.update(("\x1f".join(values) + "\x1e").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def frame_rows(frame: pd.DataFrame, chunk: int = 20_000):
    """Rows of a DataFrame as lists of Python values (NaN/NaT/NA -> None), chunk by chunk.

    Converting a chunk at a time keeps memory flat however long the frame is.
    """
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start : start + chunk]
        columns = [_python_values(part[name]) for name in part.columns]
        yield from (list(values) for values in zip(*columns, strict=True))


def _python_values(column: pd.Series) -> list:
    if pd.api.types.is_datetime64_any_dtype(column):
        if column.dt.tz is not None:
            column = column.dt.tz_convert("UTC").dt.tz_localize(None)
        values = column.dt.to_pydatetime().tolist()
        return [None if pd.isna(v) else v for v in values]
    values = column.astype(object)
    return values.where(column.notna(), None).tolist()


def _take(iterator, n: int):
    for _, item in zip(range(n), iterator, strict=False):
        yield item
