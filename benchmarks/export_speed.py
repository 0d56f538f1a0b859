"""Export and summary speed: 100k comments + 300k codings to xlsx, summary over 1M codings.

Targets (DESIGN.md): xlsx export < 40 s with flat memory; summary over 1M codings < 3 s.
The same run times `pandas.DataFrame.to_excel` on the same Comments and Codings data for a
comparison. Synthetic data, any codebook shape: nothing here is about one condition.

    .venv/bin/python benchmarks/export_speed.py [--comments N] [--codings N] [--no-pandas]

Prints the figures and appends them to benchmarks/RESULTS.md under "Exports and summary".
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from remedycoder import tallies
from remedycoder.exporters.rows import coding_rows, write_csv, write_jsonl
from remedycoder.exporters.xlsx import ExportInfo, write_workbook
from remedycoder.models import Codebook, Comment, EffectCode, RemedyCode

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "## Exports and summary"
RUN_DATE = "2026-11-24"
EFFECTS = ["helped", "partial", "no_effect", "worsened", "not_stated"]
WORDS = ["the", "a", "it", "my", "night", "sleep", "tried", "took", "works", "better", "worse"]


def synthetic_codebook(groups: int = 8, per_group: int = 5) -> Codebook:
    """A two-level codebook: `groups` parent codes with `per_group` children each."""
    remedies = []
    for g in range(groups):
        remedies.append(RemedyCode(id=f"group_{g}", label=f"Group {g}", codable=False))
        remedies += [
            RemedyCode(id=f"code_{g}_{i}", label=f"Code {g}.{i}", parent=f"group_{g}",
                       terms=[f"term{g}{i}"], color=f"#{random.randrange(1 << 24):06X}")
            for i in range(per_group)
        ]  # fmt: skip
    effects = [EffectCode(id=e, label=e.replace("_", " ")) for e in EFFECTS]
    return Codebook(name="synthetic", remedies=remedies, effects=effects, content_hash="0" * 64)


def synthetic_comments(n: int, chars: int = 400) -> list[Comment]:
    start = datetime(2011, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        words = random.choices(WORDS, k=chars // 5)
        out.append(Comment(
            id=f"c{i}", text=" ".join(words)[:chars], author=f"author{i % (n // 3 + 1)}",
            posted_at=start + timedelta(minutes=i), source="synthetic",
            attributes={"forum": f"forum{i % 7}", "age": 20 + i % 60},
        ))  # fmt: skip
    return out


def synthetic_codings_frame(n: int, n_comments: int, codebook: Codebook) -> pd.DataFrame:
    """`n` codings as a `tallies.codings_frame`-shaped DataFrame (fast to build at 1M)."""
    codes = [r.id for r in codebook.remedies if r.codable]
    coders = ["alice", "bob"]
    rng = random.Random(7)
    frame = pd.DataFrame({
        "id": [f"k{i}" for i in range(n)],
        "comment_id": [f"c{rng.randrange(n_comments)}" for _ in range(n)],
        "remedy": rng.choices(codes, k=n),
        "effect": rng.choices(EFFECTS, k=n),
        "coder": rng.choices(coders, k=n),
        "status": "confirmed",
        "start": pd.array([rng.randrange(300) for _ in range(n)], dtype="Int64"),
        "quote": "took term it works",
        "note": "",
        "created_at": pd.Timestamp("2026-11-24T09:00:00Z"),
        "codebook_hash": "0" * 64,
        "suggestion_id": None,
        "reason": "",
    })  # fmt: skip
    frame["end"] = frame["start"] + 18
    return frame[tallies.CODING_COLUMNS]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU: dict[str, float] = {}
"""CPU seconds per timed step: less sensitive than wall time to other work on the machine."""


def timed(label: str, func):
    start, cpu = time.perf_counter(), time.process_time()
    value = func()
    seconds = time.perf_counter() - start
    CPU[label] = time.process_time() - cpu
    print(
        f"{label}: {seconds:.2f} s wall, {CPU[label]:.2f} s CPU "
        f"(peak RSS so far {peak_rss_mb():.0f} MB)",
        flush=True,
    )
    return seconds, value


def run(n_comments: int, n_codings: int, n_summary: int, with_pandas: bool) -> dict:
    random.seed(1)
    codebook = synthetic_codebook()
    comments = synthetic_comments(n_comments)
    codings = synthetic_codings_frame(n_codings, n_comments, codebook)
    figures: dict[str, float] = {"rss_before_mb": peak_rss_mb()}
    print(f"data ready: {n_comments:,} comments, {n_codings:,} codings; "
          f"peak RSS {figures['rss_before_mb']:.0f} MB")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        info = ExportInfo(command_line="benchmarks/export_speed.py")
        figures["xlsx_s"], _ = timed(
            "xlsx",
            lambda: write_workbook(out / "coded.xlsx", comments, codings, codebook, info=info),
        )
        figures["rss_after_xlsx_mb"] = peak_rss_mb()
        figures["xlsx_cpu"] = CPU["xlsx"]
        figures["xlsx_mb"] = (out / "coded.xlsx").stat().st_size / 1e6
        rows = coding_rows(codings, codebook, tallies.comments_frame(comments))
        figures["csv_s"], _ = timed("codings.csv", lambda: write_csv(rows, out / "c.csv"))
        figures["jsonl_s"], _ = timed("codings.jsonl", lambda: write_jsonl(rows, out / "c.jsonl"))
        if with_pandas:
            figures["pandas_s"], _ = timed(
                "pandas",
                lambda: _pandas_export(comments, rows, out / "pandas.xlsx"),
            )
            figures["rss_after_pandas_mb"] = peak_rss_mb()
            figures["pandas_cpu"] = CPU["pandas"]
    big = synthetic_codings_frame(n_summary, n_comments, codebook)
    authors = tallies.comments_frame(comments)
    figures["summary_s"], table = timed(
        "summary",
        lambda: tallies.summary_table(tallies.select_codings(big), codebook, authors),
    )
    figures["summary_rows"] = len(table)
    figures["summary_cpu"] = CPU["summary"]
    figures["load"] = os.getloadavg()[0]
    return figures


def _pandas_export(comments: list[Comment], rows: pd.DataFrame, path: Path) -> None:
    frame = pd.DataFrame([c.model_dump() for c in comments]).drop(columns=["attributes"])
    for column in ("posted_at",):
        frame[column] = frame[column].dt.tz_localize(None)
    rows = rows.assign(created_at=rows["created_at"].dt.tz_localize(None))
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Comments", index=False)
        rows.to_excel(writer, sheet_name="Codings", index=False)


def report(figures: dict, n_comments: int, n_codings: int, n_summary: int) -> str:
    """A markdown block for RESULTS.md."""
    if "pandas_s" in figures:
        pandas_row = (
            f"| pandas `DataFrame.to_excel` (openpyxl), Comments + Codings sheets only | "
            f"{figures['pandas_s']:.1f} s wall, {figures['pandas_cpu']:.1f} s CPU; peak RSS "
            f"{figures['rss_after_pandas_mb']:.0f} MB | ours is "
            f"{figures['pandas_s'] / figures['xlsx_s']:.1f}x faster (wall), "
            f"{figures['pandas_cpu'] / figures['xlsx_cpu']:.1f}x (CPU) |"
        )
    else:
        pandas_row = "| pandas `DataFrame.to_excel` | not run (--no-pandas) | |"
    return "\n".join([
        f"### {RUN_DATE}: {n_comments:,} comments, {n_codings:,} codings "
        f"(`benchmarks/export_speed.py`, python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {figures['load']:.1f} during the run)",
        "",
        "| what | figure | target |",
        "|---|---|---|",
        f"| xlsx export, all 7 sheets, write-only | {figures['xlsx_s']:.1f} s wall, "
        f"{figures['xlsx_cpu']:.1f} s CPU; {figures['xlsx_mb']:.1f} MB file | < 40 s |",
        f"| peak RSS: data in memory / after the xlsx export | "
        f"{figures['rss_before_mb']:.0f} / {figures['rss_after_xlsx_mb']:.0f} MB | flat |",
        pandas_row,
        f"| codings.csv / codings.jsonl | {figures['csv_s']:.1f} s / "
        f"{figures['jsonl_s']:.1f} s | |",
        f"| summary over {n_summary:,} codings (select + tally, from a DataFrame) | "
        f"{figures['summary_s']:.2f} s wall, {figures['summary_cpu']:.2f} s CPU | < 3 s |",
        "",
    ])  # fmt: skip


def append_results(text: str) -> None:
    """Add under our section, creating the file or the section; other sections stay as they are."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if SECTION not in current:
        current = current.rstrip("\n") + f"\n\n{SECTION}\n\n"
        RESULTS.write_text(current + text, encoding="utf-8")
        return
    head, tail = current.split(SECTION, 1)
    next_section = tail.find("\n## ")
    if next_section == -1:
        body, rest = tail, ""
    else:
        body, rest = tail[:next_section], tail[next_section:]
    RESULTS.write_text(head + SECTION + body.rstrip("\n") + "\n\n" + text + rest, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--codings", type=int, default=300_000)
    parser.add_argument("--summary-codings", type=int, default=1_000_000)
    parser.add_argument("--no-pandas", action="store_true", help="skip the to_excel comparison")
    parser.add_argument("--no-save", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    figures = run(args.comments, args.codings, args.summary_codings, not args.no_pandas)
    text = report(figures, args.comments, args.codings, args.summary_codings)
    print("\n" + text)
    if not args.no_save:
        append_results(text)
        print(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
