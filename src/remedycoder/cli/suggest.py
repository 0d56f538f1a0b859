"""`remedycoder suggest [--only-new] [--explain ID] [--jobs N]`."""

from __future__ import annotations

from typing import Annotated

import typer

from remedycoder.cli.app import app, open_project


@app.command()
def suggest(
    ctx: typer.Context,
    only_new: Annotated[bool, typer.Option(help="Only comments with no suggestions yet.")] = False,
    explain: Annotated[
        str | None, typer.Option(metavar="COMMENT_ID", help="Explain one comment's suggestions.")
    ] = None,
    jobs: Annotated[
        int, typer.Option(min=1, help="Worker processes (each builds its own matcher).")
    ] = 1,
) -> None:
    """Run the codebook over the comments and store remedy + effect suggestions.

    Idempotent: suggestions a coder already decided are kept, coders' codings are never
    touched. Example: remedycoder suggest --explain rls-orgasm-thread-2011:12
    """
    project = open_project(ctx)
    if explain is not None:
        from remedycoder.suggest import Suggester

        typer.echo(Suggester(project.codebook).explain(project.comment(explain)))
        return
    total = project.store.count_comments()
    with _progress(total) as tick:
        read, stored, kept = project.suggest(only_new=only_new, progress=tick, jobs=jobs)
    typer.echo(f"{read} comments read, {stored} suggestions stored", nl=False)
    typer.echo(f", {kept} already decided and kept." if kept else ".")


def _progress(total: int):
    """A progress bar on long runs (on a terminal); otherwise a no-op."""
    import contextlib

    if total < 5000:
        return contextlib.nullcontext(None)

    @contextlib.contextmanager
    def bar():
        with typer.progressbar(length=total, label="Suggesting", file=None) as progress:
            last = [0]

            def tick(done: int) -> None:
                if done - last[0] >= 1000 or done == total:
                    progress.update(done - last[0])
                    last[0] = done

            yield tick

    return bar()
