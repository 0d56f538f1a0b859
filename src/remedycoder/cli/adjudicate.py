"""`remedycoder adjudicate --coders A,B [--as consensus] [--coder NAME] [--plain]`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from remedycoder.cli.agreement import compute_for, parse_coders
from remedycoder.cli.app import app, open_project
from remedycoder.errors import InputError

if TYPE_CHECKING:
    from remedycoder.adjudicate import Resolution
    from remedycoder.agreement import Disagreement
    from remedycoder.project import Project

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
        typer.Option(
            "--plain", help="Line mode: numbered choices on stdin (so far the only mode)."
        ),
    ] = False,
    redo: Annotated[bool, typer.Option(help="Show disagreements decided before too.")] = False,
) -> None:
    """Step through the coders' disagreements and settle each one as consensus codings.

    For each remedy the coders disagree on in a comment, choose one coder's codings, both,
    or neither (type the number; `s` skips, `q` quits; every decision is stored at once).
    Where the coders agreed, their codings are copied to the consensus coder, so
    `remedycoder export --coder consensus` gives the complete settled set. Running it again
    continues with what is left. Example: remedycoder adjudicate --coders alice,bob --plain
    """
    project = open_project(ctx)
    names = parse_coders(coders, project)
    adjudicator = coder or project.default_coder()
    _check_consensus(consensus, names)
    result = compute_for(project, names)
    seeded = _seed_agreed(project, names, consensus, adjudicator, result.disagreements)
    todo = _pending(project, result.disagreements, consensus, redo)
    typer.echo(
        f"{len(result.disagreements)} disagreements between {', '.join(names)}; "
        f"{len(todo)} to decide. {seeded} agreed codings copied to `{consensus}`."
    )
    decided = run_plain(project, todo, consensus, adjudicator, sys.stdin)
    typer.echo(f"{decided} decided, {len(todo) - decided} left.")


def _check_consensus(consensus: str, coders: list[str]) -> None:
    from remedycoder.models import AUTO_CODER

    if consensus in coders or consensus == AUTO_CODER or not consensus.strip():
        raise InputError(
            f"--as {consensus}: the consensus must be a coder name of its own, not one of the "
            f"coders compared or `{AUTO_CODER}`.",
            "Example: --as consensus",
        )


def _seed_agreed(project: Project, coders, consensus, adjudicator, disagreements) -> int:
    """Copy agreed codings to the consensus coder; mark comments with nothing to settle."""
    from remedycoder.adjudicate import agreed_codings
    from remedycoder.models import Event

    store = project.store
    units = set.intersection(*(store.reviewed(c) for c in coders))
    codings = {c: store.codings(coders=[c], statuses=["confirmed"]) for c in coders}
    seeds = agreed_codings(codings, units, coders, consensus=consensus, adjudicator=adjudicator)
    fresh = [s for s in seeds if store.get_coding(s.id) is None]
    open_comments = {d.comment_id for d in disagreements}
    with store.transaction():
        store.put_codings(fresh)
        for seed in fresh:
            store.append_event(
                Event(
                    coder=adjudicator,
                    action="adjudicate",
                    comment_id=seed.comment_id,
                    coding_id=seed.id,
                    after=seed.model_dump(mode="json"),
                    detail=f"{consensus}/{seed.remedy}: agreed",
                )
            )
        for comment_id in sorted(units - open_comments):
            if not store.is_reviewed(comment_id, consensus):
                store.set_reviewed(comment_id, consensus)
    return len(fresh)


def _pending(project: Project, disagreements, consensus: str, redo: bool) -> list[Disagreement]:
    from remedycoder.adjudicate import decided, pending

    if redo:
        return list(disagreements)
    return pending(disagreements, decided(project.store.events(), consensus))


# --- the line-mode loop ------------------------------------------------------------------------


def run_plain(project: Project, todo, consensus: str, adjudicator: str, stdin: TextIO) -> int:
    """Ask about each disagreement on stdin; store each decision at once. Returns how many."""
    from remedycoder.adjudicate import options, parse_choice

    done = 0
    skipped: set[str] = set()
    for i, disagreement in enumerate(todo, start=1):
        _show(project, disagreement, i, len(todo))
        for option in options(disagreement):
            typer.echo(f"  {option.key}) {option.label}")
        answer = _ask(stdin, disagreement, parse_choice)
        if answer == "q":
            break
        if answer == "s":
            skipped.add(disagreement.comment_id)
            continue
        _store(project, disagreement, answer, consensus, adjudicator)
        done += 1
        later = any(d.comment_id == disagreement.comment_id for d in todo[i:])
        if not later and disagreement.comment_id not in skipped:
            project.store.set_reviewed(disagreement.comment_id, consensus)
    return done


def _show(project: Project, disagreement: Disagreement, index: int, total: int) -> None:
    comment = project.store.get_comment(disagreement.comment_id)
    text = comment.text if comment else ""
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    typer.echo("")
    typer.echo(
        f"[{index}/{total}] comment {disagreement.comment_id}, remedy {disagreement.remedy} "
        f"({disagreement.kind})"
    )
    if comment and comment.author:
        typer.echo(f"  by {comment.author}")
    for line in text.splitlines() or [""]:
        typer.echo(f"  | {line}")


def _ask(stdin: TextIO, disagreement: Disagreement, parse_choice) -> str:
    """A choice, `s` or `q`; end of input counts as `q`."""
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


def _store(project: Project, disagreement, choice: str, consensus: str, adjudicator: str) -> None:
    from remedycoder.adjudicate import resolve

    store = project.store
    existing = [
        c
        for c in store.codings(coders=[consensus], comment_id=disagreement.comment_id)
        if c.remedy == disagreement.remedy
    ]
    resolution: Resolution = resolve(
        disagreement, choice, consensus=consensus, adjudicator=adjudicator, existing=existing
    )
    with store.transaction():
        for coding in resolution.remove:
            store.delete_coding(coding.id)
        store.put_codings(resolution.add)
        for event in resolution.events:
            store.append_event(event)
    typer.echo(f"  -> {choice}")
