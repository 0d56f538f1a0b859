"""Import + suggest + store for a large synthetic corpus, in a fresh project.

Prints wall time per stage, comments/s and peak memory, for N comments and for a baseline of
N/10 in the same run; the ratio of per-comment cost shows whether the pipeline scales linearly
(streamed) or degrades. Target (DESIGN.md): 1M comments in < 2 min, peak memory < 1 GB.

    python benchmarks/pipeline_1m.py            # 1,000,000 comments (baseline 100,000)
    python benchmarks/pipeline_1m.py --n 200000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THREAD = ROOT / "corpus" / "rls-orgasm-thread-2011.txt"

CHILD = """
import json, resource, sys, time
from pathlib import Path
from remedycoder.project import Project
root, corpus = Path(sys.argv[1]), Path(sys.argv[2])
project = Project.init(root, Path(sys.argv[3]))
t0 = time.perf_counter()
project.import_files([corpus])
t1 = time.perf_counter()
read, stored, _ = project.suggest()
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import_s": t1 - t0, "suggest_s": t2 - t1, "read": read,
                  "stored": stored, "peak_mb": rss}))
"""


def sentences() -> list[str]:
    from remedycoder.importers.thread import read_thread

    out: list[str] = []
    for comment in read_thread(THREAD).comments:
        out.extend(s.strip() for s in comment.text.replace("\n", " ").split(". ") if s.strip())
    return out


def write_corpus(path: Path, n: int, pool: list[str], seed: int = 7) -> None:
    """~500-character comments assembled from the thread's sentences."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            parts, size = [], 0
            while size < 500:
                sentence = rng.choice(pool)
                parts.append(sentence)
                size += len(sentence) + 2
            record = {"id": f"s{i}", "text": ". ".join(parts), "author": f"user{i % 5000}"}
            out.write(json.dumps(record) + "\n")


def run(n: int, pool: list[str], workdir: Path) -> dict[str, float]:
    corpus = workdir / f"corpus-{n}.jsonl"
    write_corpus(corpus, n, pool)
    project_dir = workdir / f"project-{n}"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(project_dir), str(corpus), str(ROOT / "codebook.yaml")],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["n"] = n
    figures["total_s"] = figures["import_s"] + figures["suggest_s"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    pool = sentences()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = run(max(args.n // 10, 1000), pool, Path(tmp))
        big = run(args.n, pool, Path(tmp))
    for figures in (baseline, big):
        print(
            f"{figures['n']:>9,} comments: import {figures['import_s']:.1f} s, "
            f"suggest+store {figures['suggest_s']:.1f} s, total {figures['total_s']:.1f} s "
            f"({figures['n'] / figures['total_s']:,.0f} comments/s), "
            f"{figures['stored']:,} suggestions, peak {figures['peak_mb']:.0f} MB"
        )
    ratio = (big["total_s"] / big["n"]) / (baseline["total_s"] / baseline["n"])
    print(f"per-comment cost ratio {big['n']:,} vs {baseline['n']:,}: {ratio:.2f} (1.0 = linear)")
    print(
        f"target: total < 120 s at 1M -> {'met' if big['total_s'] < 120 else 'NOT met'}; "
        f"peak < 1024 MB -> {'met' if big['peak_mb'] < 1024 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
