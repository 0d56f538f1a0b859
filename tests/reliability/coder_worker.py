"""A scripted coder for the crash and concurrency tests, run as its own process.

    python coder_worker.py PROJECT CODER LIMIT [GO_FILE]

Works through the coder's queue the way a person at the keyboard would (CodingSession, one
transaction per decision): accepts each comment's first suggestion, rejects the others, moves on
(which marks the comment reviewed). Prints each comment id once its decisions are stored.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from remedycoder.project import Project
from remedycoder.session import CodingSession


def wait_for(go: Path | None, coder: str) -> None:
    """With a GO_FILE: say ready, then start only when it exists (so coders really overlap)."""
    if go is None:
        return
    go.with_name(f"{go.name}.{coder}.ready").touch()
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def code(root: str, coder: str, limit: int, go: Path | None = None) -> int:
    project = Project.find(root)
    session = CodingSession.open(project.store, project.codebook, coder)
    wait_for(go, coder)
    done = 0
    while done < limit and session.comment_id is not None:
        view = session.view()
        for index, item in enumerate(view.items):
            if item.status == "suggested":
                (session.accept if index == 0 else session.reject)(index)
        moved = session.next()
        done += 1
        print(view.comment.id, flush=True)
        if not moved:
            break
    project.close()
    return done


if __name__ == "__main__":
    code(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]) if sys.argv[4:] else None)
