"""`remedycoder import FILE...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remedycoder.cli.app import app, echo_err, open_project


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Corpus files or directories of them.")],
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="thread|jsonl|csv|xlsx|qdpx (default: from the name)."),
    ] = None,
    text_col: Annotated[str | None, typer.Option(help="CSV/XLSX column with the text.")] = None,
    id_col: Annotated[str | None, typer.Option(help="CSV/XLSX column with the comment id.")] = None,
    author_col: Annotated[str | None, typer.Option(help="CSV/XLSX author column.")] = None,
    date_col: Annotated[str | None, typer.Option(help="CSV/XLSX date column.")] = None,
    parent_col: Annotated[str | None, typer.Option(help="CSV/XLSX reply-to column.")] = None,
    url_col: Annotated[str | None, typer.Option(help="CSV/XLSX link column.")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    update: Annotated[
        bool, typer.Option(help="Replace stored comments whose text changed under the same id.")
    ] = False,
) -> None:
    """Add comments to the project. Re-importing the same file adds nothing.

    All files are imported in one transaction: on any error nothing is stored.
    Example: remedycoder import forum.csv --text-col body --id-col post_id
    """
    from remedycoder.importers.tabular import Columns

    project = open_project(ctx)
    columns = Columns(text_col, id_col, author_col, date_col, parent_col, url_col)
    results = project.import_files(files, fmt=format, columns=columns, update=update, sheet=sheet)
    for result in results:
        for warning in result.warnings:
            echo_err(f"Warning: {warning}")
        r = result.report
        line = f"{result.path}: {r.added} new, {r.unchanged} already stored"
        if r.updated:
            line += f", {r.updated} updated"
        if result.codings_added:
            line += f", {result.codings_added} codings"
        typer.echo(line + f" ({result.format})")
        if result.copied_to:
            typer.echo(f"  kept a copy in {result.copied_to}")
    typer.echo(f"{project.store.count_comments()} comments in the project.")
