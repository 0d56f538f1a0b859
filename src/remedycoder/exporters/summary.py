"""Summary outputs: `summary.csv` (byte-stable), `summary.xlsx` (with a chart), `summary.png`.

The table itself comes from `tallies.summary_table`; these functions only write it. The
CSV is deterministic: rows as the table orders them (coders sorted, codebook tree order),
floats with four decimals, empty cells for undefined shares, LF line ends.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from remedycoder import tallies
from remedycoder.exporters.atomic import atomic_open, atomic_path
from remedycoder.exporters.sanitize import Sanitizer
from remedycoder.exporters.sheets import Column, SheetWriter, discard, save_workbook
from remedycoder.exporters.xlsx import (
    ExportInfo,
    add_charts,
    counted_label,
    frame_rows,
    summary_columns,
    summary_notes,
    with_counted,
)
from remedycoder.models import Codebook, Coding, Comment

FLOAT_FORMAT = "%.4f"
MAX_PLOTS = 4
"""The PNG shows at most this many coders, one panel each."""


def build_summary(
    comments: Iterable[Comment] | pd.DataFrame,
    codings: Iterable[Coding] | pd.DataFrame,
    codebook: Codebook,
    *,
    coders: Sequence[str] | None = None,
    include_suggestions: bool = False,
) -> pd.DataFrame:
    """The summary table from stored codings: select, tally, say what was counted."""
    frame = tallies.select_codings(
        tallies.codings_frame(codings), coders=coders, include_suggestions=include_suggestions
    )
    table = tallies.summary_table(frame, codebook, tallies.comments_frame(comments))
    return with_counted(table, include_suggestions)


def write_summary_files(
    table: pd.DataFrame,
    xlsx_path: str | Path,
    codebook: Codebook,
    info: ExportInfo,
    chart: bool = True,
) -> list[Path]:
    """summary.xlsx, summary.csv beside it, and summary.png unless `chart` is False."""
    xlsx_path = Path(xlsx_path)
    written = [
        write_summary_xlsx(table, xlsx_path, codebook, info),
        write_summary_csv(table, xlsx_path.with_suffix(".csv")),
    ]
    if chart:
        png_path = xlsx_path.with_suffix(".png")
        png = write_summary_png(table, png_path, codebook, info.include_suggestions)
        if png is None:
            png_path.unlink(missing_ok=True)  # nothing to plot: no stale chart beside new tables
        written += [png] if png else []
    return written


def summary_csv_text(table: pd.DataFrame, sanitizer: Sanitizer | None = None) -> str:
    """The summary as CSV text: fixed float format, text through the CSV guard."""
    sanitizer = sanitizer or Sanitizer()
    out = table.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = [_csv_cell(v, sanitizer) for v in out[name]]
    return out.to_csv(index=False, float_format=FLOAT_FORMAT, na_rep="", lineterminator="\n")


def _csv_cell(value, sanitizer: Sanitizer) -> str | None:
    if value is None or value != value:  # None or NaN
        return None
    return sanitizer.csv_text(str(value))


def write_summary_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write `summary_csv_text` atomically (UTF-8, no BOM)."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(summary_csv_text(table))
    return Path(path)


def write_summary_xlsx(
    table: pd.DataFrame, path: str | Path, codebook: Codebook, info: ExportInfo
) -> Path:
    """A small workbook: the Summary sheet with its chart, and Notes saying what was counted."""
    workbook = Workbook(write_only=True)
    writer = SheetWriter(workbook, Sanitizer())
    try:
        sheets = writer.write("Summary", summary_columns(table), frame_rows(table), len(table))
        if len(table):
            add_charts(sheets[0], table, codebook, header_row=1, info=info)
        notes = [[line] for line in summary_notes(info)]
        writer.write("Notes", [Column("note", "wrap", 120)], notes, len(notes))
        with atomic_path(path) as tmp:
            save_workbook(workbook, tmp)
    except BaseException:
        discard(workbook)
        raise
    return Path(path)


def chart_title(include_suggestions: bool) -> str:
    """The title of every summary chart and printed table."""
    return f"Comments per remedy and effect (unit: comment; {counted_label(include_suggestions)})"


def write_summary_png(
    table: pd.DataFrame, path: str | Path, codebook: Codebook, include_suggestions: bool
) -> Path | None:
    """A stacked bar chart per coder (remedies with any comments); None if nothing to plot."""
    rows = table[table[f"any effect ({tallies.UNIT})"] > 0]
    coders = list(dict.fromkeys(rows["coder"]))[:MAX_PLOTS]
    if not coders:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    effects = tallies.effect_order(codebook, [])
    tallest = max((rows["coder"] == c).sum() for c in coders)
    fig, axes = plt.subplots(
        1, len(coders), figsize=(7 * len(coders), 1.2 + 0.3 * tallest), squeeze=False
    )
    for ax, coder in zip(axes[0], coders, strict=True):
        _plot_coder(ax, rows[rows["coder"] == coder], effects, codebook, coder)
    title = textwrap.fill(chart_title(include_suggestions), width=60 * len(coders))
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return Path(path)


def _plot_coder(ax, rows: pd.DataFrame, effects: list[str], codebook: Codebook, coder) -> None:
    labels = [f"{'· ' * int(level)}{label}" for level, label in zip(
        rows["level"], rows["remedy label"], strict=True
    )]  # fmt: skip
    left = [0] * len(rows)
    for effect in effects:
        values = rows[f"{effect} ({tallies.UNIT})"].tolist()
        code = codebook.effect(effect)
        color = _plot_color(code.color if code else None)
        ax.barh(labels, values, left=left, label=code.label if code else effect, color=color)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    for tick, group in zip(ax.get_yticklabels(), rows["includes sub-codes"], strict=True):
        tick.set_fontweight("bold" if group else "normal")  # parents include their sub-codes
    ax.set_xlabel("comments")
    ax.set_title(f"coder: {coder}", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")


def _plot_color(color: str | None) -> str | None:
    """A matplotlib colour from a codebook colour; None (the default cycle) if unusable."""
    if not color:
        return None
    from matplotlib.colors import is_color_like

    for candidate in (color, "#" + color.lstrip("#")):
        if is_color_like(candidate):
            return candidate
    return None
