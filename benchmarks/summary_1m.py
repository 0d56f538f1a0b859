"""`remedycoder summary` end to end over 1M stored codings: store -> frame -> tables.

Fills a project's store with N codings (N/3 comments, 3 codings each, two coders), then times
the summary the way the command builds it (`Project.codings_frame`: five columns, four of them
categories) against the baseline of reading full Coding models from the store, in the same run.
Target (DESIGN.md): summary over 1M codings < 3 s.

    python benchmarks/summary_1m.py              # 1,000,000 codings
    python benchmarks/summary_1m.py --n 300000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from remedycoder.cli.summary import SUMMARY_FIELDS
from remedycoder.exporters.summary import build_summary
from remedycoder.models import Coding, Comment
from remedycoder.project import Project

ROOT = Path(__file__).resolve().parents[1]
EFFECTS = ["helped", "partial", "no_effect", "worsened", "not_stated"]


def fill(project: Project, n: int) -> None:
    codebook = project.codebook
    remedies = [r.id for r in codebook.remedies if r.codable]
    rng = random.Random(3)
    comments = (
        Comment(id=f"c{i}", text="x" * 40, author=f"a{i % 9000}") for i in range(n // 3 + 1)
    )
    project.store.add_comments(comments)

    def codings():
        for i in range(n):
            yield Coding.model_construct(
                id=f"k{i}", comment_id=f"c{i // 3}", remedy=rng.choice(remedies),
                effect=rng.choice(EFFECTS), coder=("ann", "bob")[i % 2], status="confirmed",
                start=0, end=5, quote="xxxxx", note="", created_at=Coding.model_fields[
                    "created_at"].default_factory(), codebook_hash="", suggestion_id=None,
                reason="", spans=[],
            )  # fmt: skip

    project.store.put_codings(codings())


def timed(label: str, build) -> float:
    start = time.perf_counter()
    table = build()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s ({len(table)} summary rows)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "p", ROOT / "codebook.yaml")
        fill(project, args.n)
        print(f"{args.n:,} codings stored")
        fast = timed(
            "summary (the command's path)",
            lambda: build_summary(project.authors_frame(), project.codings_frame(SUMMARY_FIELDS),
                                  project.codebook),
        )  # fmt: skip
        slow = timed(
            "baseline (Coding models from the store)",
            lambda: build_summary(project.store.iter_comments(), project.store.iter_codings(),
                                  project.codebook),
        )  # fmt: skip
        project.close()
    print(f"ratio baseline / summary: {slow / fast:.1f}x; target < 3 s: "
          f"{'met' if fast < 3 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
