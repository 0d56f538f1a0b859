"""Suggestion speed: the engine vs a naive per-term regex loop over the same codebook.

Usage: python benchmarks/suggest_speed.py [--comments 200000] [--naive 2000] [--jobs N]

The synthetic corpus is streamed (a generator, never a list): sentences of the bundled thread's
comments drawn at random and joined to ~500 characters, every tenth comment with misspellings
(about 3.8 remedy mentions per comment, as dense as the thread). Only the suggest calls are
timed. Peak memory is printed for two corpus sizes to show it is flat. With --jobs N, the
same stream also goes through `suggest_in_processes` (N worker processes, what
`remedycoder suggest --jobs N` uses), timed by the wall clock including pool start-up.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from remedycoder.codebook import load_codebook
from remedycoder.models import Codebook, Comment
from remedycoder.suggest import Suggester, suggest_in_processes

ROOT = Path(__file__).resolve().parent.parent
THREAD = ROOT / "corpus" / "rls-orgasm-thread-2011.txt"
TYPOS = {"ropinirole": "ropinarole", "magnesium": "magnesuim", "masturbation": "mastrabation"}


def sentences() -> list[str]:
    """Sentences of the bundled thread's comments (through the project's importer)."""
    from remedycoder.importers.thread import read_thread

    out = []
    for comment in read_thread(THREAD).comments:
        out += [s for s in re.split(r"(?<=[.!?])\s+", comment.text) if len(s) > 20]
    return out


def corpus(count: int, pool: list[str], seed: int = 7) -> Iterator[Comment]:
    """`count` synthetic comments of ~500 characters, generated lazily."""
    rng = random.Random(seed)
    for index in range(count):
        parts: list[str] = []
        while sum(map(len, parts)) < 480:
            parts.append(rng.choice(pool))
        text = " ".join(parts)
        if index % 10 == 0:
            for right, wrong in TYPOS.items():
                text = text.replace(right, wrong)
        yield Comment(id=f"s{index}", text=text)


class NaiveMatcher:
    """The baseline: one compiled regex per term, searched term by term."""

    def __init__(self, codebook: Codebook) -> None:
        self.patterns = [
            (code.id, re.compile(rf"\b{_naive(term)}\b", re.IGNORECASE))
            for code in codebook.remedies
            for term in [*code.terms, *code.misspellings]
        ]

    def suggest(self, comment: Comment) -> set[str]:
        return {code for code, pattern in self.patterns if pattern.search(comment.text)}


def _naive(term: str) -> str:
    glob = term.endswith("*")
    escaped = re.escape(term.rstrip("*")).replace(r"\ ", r"[\s-]+")
    return escaped + (r"\w*" if glob else "")


def rate(run, comments: Iterator[Comment]) -> tuple[int, float]:
    """(comments, comments per second) for `run` over the stream; generating is not timed."""
    count, spent = 0, 0.0
    clock = time.perf_counter
    for comment in comments:
        start = clock()
        run(comment)
        spent += clock() - start
        count += 1
    return count, count / spent


def peak_memory(suggester: Suggester, count: int, pool: list[str]) -> float:
    """Peak traced memory in MB while suggesting over `count` streamed comments."""
    tracemalloc.start()
    for comment in corpus(count, pool, seed=11):
        suggester.suggest(comment)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--naive", type=int, default=2_000, help="Comments for the naive loop.")
    parser.add_argument("--codebook", default=str(ROOT / "codebook.yaml"))
    parser.add_argument("--jobs", type=int, default=0, help="Also time N worker processes.")
    args = parser.parse_args()
    codebook = load_codebook(args.codebook)
    pool = sentences()
    started = time.perf_counter()
    suggester = Suggester(codebook)
    print(
        f"codebook: {len(codebook.remedies)} remedies, compiled in "
        f"{time.perf_counter() - started:.2f} s"
    )
    count, engine = rate(suggester.suggest, corpus(args.comments, pool))
    print(f"engine: {count:,} comments, {engine:,.0f} comments/s")
    naive_matcher = NaiveMatcher(codebook)
    count, naive = rate(naive_matcher.suggest, corpus(args.naive, pool))
    print(
        f"naive per-term regex loop ({len(naive_matcher.patterns)} patterns): {count:,} "
        f"comments, {naive:,.0f} comments/s"
    )
    print(f"ratio: {engine / naive:,.1f}x")
    if args.jobs > 1:
        started = time.perf_counter()
        count = sum(
            1 for _ in suggest_in_processes(codebook, corpus(args.comments, pool), args.jobs)
        )
        spent = time.perf_counter() - started
        print(f"{args.jobs} worker processes: {count:,} comments, {count / spent:,.0f} comments/s")
    small, large = peak_memory(suggester, 5_000, pool), peak_memory(suggester, 50_000, pool)
    print(f"peak traced memory: {small:.1f} MB for 5,000 comments, {large:.1f} MB for 50,000")
    print(f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
