"""`remedycoder adjudicate --coders A,B [--as consensus] [--coder NAME] [--plain]`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from remedycoder.cli.agreement import parse_coders
from remedycoder.cli.app import app, open_project
from remedycoder.errors import InputError

if TYPE_CHECKING:
    from remedycoder.adjudicate import Adjudication
    from remedycoder.agreement import Disagreement

TEXT_LIMIT = 600


@app.command()
def adjudicate(
    ctx: typer.Context,
    coders: Annotated[str, typer.Option("--coders", help="The coders whose codings differ.")],
    consensus: Annotated[
        str, typer.Option("--as", help="Store the decisions as this coder's codings.")
    ] = "consensus",
    coder: Annotated[
        str | None, typer.Option("--coder", help="Who decides (recorded in the event log).")
    ] = None,
    plain: Annotated[
        bool,
        typer.Option("--plain", help="A line-based prompt (pipes, screen readers, no terminal)."),
    ] = False,
    redo: Annotated[bool, typer.Option(help="Show disagreements decided before too.")] = False,
) -> None:
    """Step through the coders' disagreements and settle each one as consensus codings.

    For each remedy the coders disagree on in a comment, choose one coder's codings, both,
    or neither: on a terminal a screen shows the comment with each coder's evidence (keys
    1-9 choose, `s` skips, `n`/`p` move, `?` help, `q` quits); `--plain` asks on stdin.
    Every decision is stored at once. Where the coders agreed, their codings are copied to
    the consensus coder, so `remedycoder export --coder consensus` gives the complete
    settled set. Running it again continues with what is left.
    Example: remedycoder adjudicate --coders alice,bob
    """
    if not plain and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(
            "stdin/stdout is not a terminal; use --plain",
            "Example: remedycoder adjudicate --coders alice,bob --plain < choices.txt",
        )
    from remedycoder.adjudicate import Adjudication

    project = open_project(ctx)
    names = parse_coders(coders, project)
    adjudication = Adjudication.open(
        project.store,
        project.codebook,
        names,
        consensus=consensus,
        adjudicator=coder or project.default_coder(),
        redo=redo,
    )
    progress = adjudication.progress()
    typer.echo(
        f"{progress.disagreements} disagreements between {', '.join(names)}; "
        f"{progress.total} to decide. {adjudication.seeded} agreed codings copied to "
        f"`{consensus}`."
    )
    if plain:
        run_plain(adjudication, sys.stdin)
    else:
        from remedycoder.tui.adjudicate import AdjudicationApp

        AdjudicationApp(adjudication).run()
    progress = adjudication.progress()
    typer.echo(f"{progress.decided} decided, {progress.left} left.")


# --- the line-mode loop ------------------------------------------------------------------------


def run_plain(adjudication: Adjudication, stdin: TextIO) -> None:
    """Ask about each disagreement of the pass on stdin; each choice is stored at once."""
    from remedycoder.adjudicate import options

    while (disagreement := adjudication.current) is not None:
        _show(adjudication, disagreement)
        for option in options(disagreement):
            typer.echo(f"  {option.key}) {option.label}")
        answer = _ask(stdin, disagreement)
        if answer == "q":
            break
        if answer == "s":
            adjudication.skip()
            continue
        adjudication.choose(answer)
        typer.echo(f"  -> {answer}")


def _show(adjudication: Adjudication, disagreement: Disagreement) -> None:
    comment = adjudication.comment(disagreement)
    text = comment.text if comment else ""
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    progress = adjudication.progress()
    typer.echo("")
    typer.echo(
        f"[{progress.position + 1}/{progress.total}] comment {disagreement.comment_id}, "
        f"remedy {disagreement.remedy} ({disagreement.kind})"
    )
    if comment and comment.author:
        typer.echo(f"  by {comment.author}")
    for line in text.splitlines() or [""]:
        typer.echo(f"  | {line}")


def _ask(stdin: TextIO, disagreement: Disagreement) -> str:
    """A choice, `s` or `q`; end of input counts as `q`."""
    from remedycoder.adjudicate import parse_choice

    count = len(disagreement.values) + 2
    while True:
        typer.echo(f"choice [1-{count}, s skip, q quit]: ", nl=False)
        line = stdin.readline()
        if not line:
            typer.echo("")
            return "q"
        answer = line.strip()
        if answer.lower() in ("q", "s"):
            return answer.lower()
        choice = parse_choice(disagreement, answer)
        if choice is not None:
            return choice
        typer.echo(f"`{answer}` is not a choice.")
