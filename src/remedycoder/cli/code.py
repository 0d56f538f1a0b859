"""`remedycoder code [--coder NAME] [--queue Q] [--sample N --seed S] [--filter F] [--plain]`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from remedycoder.cli.app import app, open_project
from remedycoder.errors import InputError


@app.command()
def code(
    ctx: typer.Context,
    coder: Annotated[
        str | None,
        typer.Option(help="Your name (default: the last coder here, else your login name)."),
    ] = None,
    queue: Annotated[
        str, typer.Option(help="Which comments: unreviewed | suggested | flagged | all.")
    ] = "unreviewed",
    sample: Annotated[
        int | None,
        typer.Option(help="Code a reproducible random sample of N comments (same for everyone)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the --sample.")] = 0,
    filter_: Annotated[
        str | None,
        typer.Option(
            "--filter", help="Only comments whose text contains this, or FIELD=VALUE (author=Ann)."
        ),
    ] = None,
    show_others: Annotated[
        bool, typer.Option(help="Also show other coders' codings (default: blind).")
    ] = False,
    plain: Annotated[
        bool, typer.Option(help="A line-based prompt (pipes, screen readers, no terminal).")
    ] = False,
) -> None:
    """Code comments at the keyboard: accept, reject, change or add remedy + effect codings.

    Every decision is stored at once; quitting and coming back resumes where you stopped.
    Example: remedycoder code --coder ann --queue suggested
    """
    if not plain and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(
            "stdin/stdout is not a terminal; use --plain",
            "Example: remedycoder code --plain < commands.txt",
        )
    from remedycoder.session import CodingSession, QueueSpec

    project = open_project(ctx)
    spec = QueueSpec(kind=queue, sample=sample, seed=seed, filter=filter_)
    session = CodingSession.open(
        project.store,
        project.codebook,
        coder or project.default_coder(),
        spec,
        show_others=show_others,
    )
    if plain:
        from remedycoder.plain import run_plain

        raise typer.Exit(run_plain(session, sys.stdin, sys.stdout))
    from remedycoder.tui.app import CodingApp

    CodingApp(session).run()
