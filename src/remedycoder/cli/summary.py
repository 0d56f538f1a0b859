"""`remedycoder summary [--out PATH] [--coder NAME] [--include-suggestions] [--no-chart]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from remedycoder.cli.app import app, open_project
from remedycoder.cli.export import _shown, command_line, split_coders, writing

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_FIELDS = ("comment_id", "remedy", "effect", "coder", "status")
"""All the summary reads of a coding."""


@app.command()
def summary(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The summary workbook (default exports/summary.xlsx); "
            "the .csv and .png are written beside it.",
        ),
    ] = None,
    coder: Annotated[
        list[str] | None,
        typer.Option(
            "--coder",
            help="Only these coders (repeat it or give a comma list; default: all). "
            "A consensus is a coder too, e.g. --coder consensus.",
        ),
    ] = None,
    include_suggestions: Annotated[
        bool, typer.Option(help="Also tally machine suggestions (as the coder `auto`).")
    ] = False,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Write summary.png.")] = True,
) -> None:
    """Regenerate the summary tables from the stored codings: print them and write files.

    Unit: the comment. Per coder and remedy (parent codes include their sub-codes): comments
    per effect, comments and distinct authors, and the share reporting a benefit (helped or
    partial, of the comments with an effect stated) with a Wilson 95% interval. Confirmed
    codings only unless --include-suggestions. Same data in, byte-identical CSV out.
    Example: remedycoder summary --coder alice --no-chart
    """
    from remedycoder.exporters.summary import build_summary, write_summary_files
    from remedycoder.exporters.xlsx import ExportInfo

    project = open_project(ctx)
    coders = split_coders(coder)
    table = build_summary(
        project.authors_frame(),
        project.codings_frame(SUMMARY_FIELDS),
        project.codebook,
        coders=coders,
        include_suggestions=include_suggestions,
    )
    info = ExportInfo(
        command_line=command_line(), coders=coders or [], include_suggestions=include_suggestions
    )
    path = out or project.exports_dir / "summary.xlsx"
    with writing(path):
        written = write_summary_files(table, path, project.codebook, info, chart=chart)
    print_summary(table, include_suggestions)
    typer.echo("Wrote " + ", ".join(_shown(p) for p in written))


def print_summary(table: pd.DataFrame, include_suggestions: bool) -> None:
    """One rich table per coder with the remedies that coder coded."""
    from rich.console import Console

    from remedycoder import tallies
    from remedycoder.exporters.summary import chart_title

    console = Console(width=None if sys.stdout.isatty() else 120)  # files/pipes: no squeeze
    shown = table[table[f"any effect ({tallies.UNIT})"] > 0]
    if shown.empty:
        console.print(f"{chart_title(include_suggestions)}: nothing coded yet.")
        return
    for coder, rows in shown.groupby("coder", sort=False):
        console.print(_coder_table(rows, f"{chart_title(include_suggestions)}, coder {coder}"))
    console.print(
        f"Counts are {tallies.UNIT}: a comment counts once per remedy and effect. Benefit = "
        "helped or partial, of the comments with an effect stated (Wilson 95% CI)."
    )


def _coder_table(rows: pd.DataFrame, title: str):
    from rich import box
    from rich.table import Table

    from remedycoder import tallies

    counts = [c for c in rows.columns if c.endswith(f"({tallies.UNIT})")][:-2]
    grid = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))
    grid.add_column("remedy", max_width=30, no_wrap=True, overflow="ellipsis")
    for name in counts:
        header = name.removesuffix(f" ({tallies.UNIT})").replace("any effect", "all")
        grid.add_column(header.replace("_", " "), justify="right", min_width=3)
    grid.add_column("benefit", justify="right", min_width=4, no_wrap=True)
    grid.add_column("95% CI", justify="right", min_width=8, no_wrap=True)
    grid.add_column("authors", justify="right", min_width=3)
    for row in rows.to_dict("records"):
        label = "  " * int(row["level"]) + str(row["remedy label"])
        grid.add_row(label, *(str(row[c]) for c in counts), *_share(row), str(row[tallies.AUTHORS]))
    return grid


def _share(row: dict) -> tuple[str, str]:
    from remedycoder import tallies

    share = row[tallies.SHARE]
    if share != share:  # NaN: no comment stated an effect
        return "n/a", ""
    return f"{share:.0%}", f"{100 * row[tallies.SHARE_LOW]:.0f}-{row[tallies.SHARE_HIGH]:.0%}"
