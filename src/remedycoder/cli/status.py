"""`remedycoder status [--json]`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from remedycoder.cli.app import app, open_project


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable counts.")] = False,
) -> None:
    """Counts: comments, suggestions, and per coder the comments reviewed and codings made.

    Example: remedycoder status --json
    """
    project = open_project(ctx)
    store = project.store
    counts = store.coder_counts()
    data = {
        "comments": store.count_comments(),
        "suggested": store.count_suggestions(),
        "coders": {
            name: {"reviewed": c.reviewed, "codings": c.codings} for name, c in counts.items()
        },
    }
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"Project:     {project.root}")
    typer.echo(f"Comments:    {data['comments']}")
    typer.echo(f"Suggestions: {data['suggested']}")
    if not counts:
        typer.echo("Coders:      none yet (start with `remedycoder code`)")
    for name, c in counts.items():
        typer.echo(f"  {name}: {c.reviewed} of {data['comments']} reviewed, {c.codings} codings")
