"""`remedycoder init [DIR]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remedycoder.cli.app import app


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to make the project.")] = Path("."),
    codebook: Annotated[
        Path | None, typer.Option(help="Start from this codebook instead of the default.")
    ] = None,
) -> None:
    """Make a new project: codebook.yaml, corpus/, exports/ and the store.

    An existing codebook or store is kept. Example: remedycoder init rls-study
    """
    from remedycoder.project import Project

    project = Project.init(directory, codebook)
    typer.echo(f"Project ready in {project.root}")
    typer.echo(f"  codebook: {project.codebook_path}")
    typer.echo(f"  store:    {project.store_path}")
    typer.echo("Next: remedycoder import FILE... (thread text, JSONL, CSV, XLSX or QDPX)")
