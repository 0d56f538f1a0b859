"""A small coding project on disk for the session, plain, TUI and CLI tests (migraine codebook)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from remedycoder.models import AUTO_CODER, Coding, Comment, Span
from remedycoder.project import Project

MIGRAINE = Path(__file__).parent / "data" / "migraine_codebook.yaml"

COMMENTS = [
    Comment(
        id="c1",
        text="Sumatriptan works for me every time.",
        author="Ann",
        posted_at=datetime(2011, 4, 2, 16, 3, tzinfo=UTC),
        attributes={"forum": "head"},
    ),
    Comment(
        id="c2",
        text="Coffee helped a bit for a while, then nothing.",
        author="Meryt",
        parent_id="c1",
        attributes={"forum": "head"},
    ),
    Comment(id="c3", text="I tried feverfew but it was useless.", author="Bob"),
    Comment(id="c4", text="Hello all, just saying hi.", author="Cy"),
]


def suggestion(comment_id: str, remedy: str, effect: str, start: int, end: int) -> Coding:
    """A machine suggestion as the suggester would store it."""
    text = next(c.text for c in COMMENTS if c.id == comment_id)
    return Coding(
        comment_id=comment_id,
        remedy=remedy,
        effect=effect,
        coder=AUTO_CODER,
        status="suggested",
        start=start,
        end=end,
        quote=text[start:end],
        reason=f"term `{text[start:end]}`",
        spans=[Span(start=start, end=end, kind="remedy")],
    )


SUGGESTIONS = [
    suggestion("c1", "triptans", "helped", 0, 11),
    suggestion("c2", "caffeine", "partial", 0, 6),
    suggestion("c3", "feverfew", "no_effect", 8, 16),
]


def make_project(root: Path) -> Project:
    """A project with four comments (one a reply) and three suggestions."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MIGRAINE, root / "codebook.yaml")
    project = Project(Project.init(root).root)
    project.store.add_comments(COMMENTS)
    project.store.replace_suggestions([s.model_copy() for s in SUGGESTIONS])
    return project
