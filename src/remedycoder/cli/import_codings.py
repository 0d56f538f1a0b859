"""`remedycoder import-codings FILE...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remedycoder.cli.app import app, open_project


@app.command("import-codings")
def import_codings(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="JSONL or CSV coding rows from another copy.")
    ],
) -> None:
    """Merge codings exported from another copy of the project (a coder working elsewhere).

    Rows need comment_id, remedy, effect, coder, status, start, end, quote, note, created_at
    (as `remedycoder export --format jsonl|csv` writes them). Importing the same rows twice
    adds nothing; a row for an unknown comment or code rejects its whole file (exit 2) and
    nothing is stored. Rows with status `reviewed` (remedy and effect empty) record that a
    coder reviewed a comment and found nothing to code; a coder without such rows counts as
    having reviewed every comment in the files imported together (agreement's units).
    Example: remedycoder import-codings exports/codings-bob.jsonl
    """
    from remedycoder.importers.codings import implied_reviews, plan_merge, read_codings_file

    project = open_project(ctx)
    store = project.store
    comment_ids = set(store.comment_ids())
    parsed = [read_codings_file(path, comment_ids, project.codebook) for path in files]
    with store.transaction():
        for file in parsed:
            plan = plan_merge(file.codings, {c.id: store.get_coding(c.id) for c in file.codings})
            _store_plan(store, file.path, plan)
            typer.echo(
                f"{file.path}: {len(plan.new)} new, {len(plan.changed)} updated, "
                f"{plan.unchanged} already stored"
            )
        added = _store_reviews(store, implied_reviews(parsed))
    if added:
        typer.echo(f"{added} comments newly marked as reviewed by their coders.")


def _store_plan(store, path: Path, plan) -> None:
    """Write one file's new and changed codings, with an event for each."""
    from remedycoder.models import Event

    store.put_codings(plan.new)
    for _, incoming in plan.changed:
        store.put_coding(incoming)
    detail = f"import-codings {path.name}"
    for before, after in [(None, c) for c in plan.new] + plan.changed:
        store.append_event(
            Event(
                coder=after.coder,
                action="import",
                comment_id=after.comment_id,
                coding_id=after.id,
                before=before.model_dump(mode="json") if before else None,
                after=after.model_dump(mode="json"),
                detail=detail,
            )
        )


def _store_reviews(store, reviews: dict[str, set[str]]) -> int:
    added = 0
    for coder, comment_ids in sorted(reviews.items()):
        for comment_id in sorted(comment_ids - store.reviewed(coder)):
            store.set_reviewed(comment_id, coder)
            added += 1
    return added
