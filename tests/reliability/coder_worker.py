"""A scripted coder for the crash and concurrency tests, run as its own process.

    python coder_worker.py PROJECT CODER LIMIT

Works through the coder's queue the way a person at the keyboard would (CodingSession, one
transaction per decision): accepts each comment's first suggestion, rejects the others, moves on
(which marks the comment reviewed). Prints each comment id once its decisions are stored.
"""

from __future__ import annotations

import sys

from remedycoder.project import Project
from remedycoder.session import CodingSession


def code(root: str, coder: str, limit: int) -> int:
    project = Project.find(root)
    session = CodingSession.open(project.store, project.codebook, coder)
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
    code(sys.argv[1], sys.argv[2], int(sys.argv[3]))
