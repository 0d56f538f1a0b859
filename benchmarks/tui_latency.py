"""Key press to next comment shown, in the real coding app (Textual Pilot, headless).

Builds two throwaway projects, one with 100 comments and one with 100,000 (each with a
machine suggestion), presses `n` repeatedly in `CodingApp` and times each press until the
app is idle again with the next comment on screen (the review was stored first). Prints
median and p95 and appends them to benchmarks/RESULTS.md under "Interactive coding".

    .venv/bin/python benchmarks/tui_latency.py [--big 100000] [--presses 300] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from remedycoder.models import AUTO_CODER, Coding, Comment
from remedycoder.project import Project
from remedycoder.session import CodingSession

HERE = Path(__file__).parent
CODEBOOK = HERE.parent / "tests" / "data" / "migraine_codebook.yaml"
RESULTS = HERE / "RESULTS.md"
DATE = "2026-11-24"
SIZE = (110, 36)
WORDS = [
    "the",
    "my",
    "for",
    "it",
    "and",
    "was",
    "then",
    "after",
    "days",
    "night",
    "pain",
    "head",
    "took",
    "tried",
    "every",
    "time",
]
REMEDIES = [("caffeine", "coffee"), ("triptans", "sumatriptan"), ("feverfew", "feverfew")]


def make_comment(i: int, rng: random.Random) -> tuple[Comment, Coding]:
    """A ~500-character comment mentioning one remedy, and its suggestion."""
    remedy, term = REMEDIES[i % len(REMEDIES)]
    head = f"I tried {term} and it helped. "
    filler = " ".join(rng.choice(WORDS) for _ in range(90))
    comment = Comment(id=f"c{i:07d}", text=head + filler, author=f"user{i % 997}")
    suggestion = Coding(
        comment_id=comment.id,
        remedy=remedy,
        effect="helped",
        coder=AUTO_CODER,
        status="suggested",
        start=8,
        end=8 + len(term),
        quote=term,
    )
    return comment, suggestion


def build(root: Path, n: int) -> Project:
    """A project with n comments and one suggestion each, written in one transaction."""
    root.mkdir(parents=True)
    (root / "codebook.yaml").write_bytes(CODEBOOK.read_bytes())
    project = Project(Project.init(root).root)
    rng = random.Random(1)
    pairs = [make_comment(i, rng) for i in range(n)]
    with project.store.transaction():
        project.store.add_comments(c for c, _ in pairs)
        project.store.replace_suggestions(s for _, s in pairs)
    return project


async def time_presses(project: Project, presses: int, warmup: int = 10) -> dict[str, list]:
    """Milliseconds per `n`: to the next frame showing the new comment, and Pilot's round trip.

    The frame time is when Textual hands the screen update to the driver (rendered to terminal
    segments here, as a real terminal would get them); the round trip adds Pilot's idle waits.
    """
    from textual.events import Key

    from remedycoder.tui.app import CodingApp

    session = CodingSession.open(project.store, project.codebook, "bench")
    app = CodingApp(session)
    frames: list[float] = []
    out: dict[str, list] = {"frame": [], "handled": [], "pilot": []}
    async with app.run_test(size=SIZE) as pilot:
        _spy_on_frames(app, frames)
        for i in range(warmup + presses):
            expected = session.ids[session.position + 1]
            frames.clear()
            start = time.perf_counter()
            app._driver.send_message(Key("n", "n"))
            while session.comment_id != expected:
                await asyncio.sleep(0)
            done = time.perf_counter()
            while not frames or frames[-1] < done:
                await asyncio.sleep(0)
            shown = (frames[-1] - start) * 1000
            await pilot.pause()
            if i >= warmup:
                out["frame"].append(shown)
                out["handled"].append((done - start) * 1000)
        for _ in range(min(presses, 20)):
            start = time.perf_counter()
            await pilot.press("n")
            out["pilot"].append((time.perf_counter() - start) * 1000)
    return out


def _spy_on_frames(app, frames: list[float]) -> None:
    """Record when each screen update is ready for the terminal (rendering it to segments)."""
    from textual._compositor import CompositorUpdate

    display = app._display

    def spy(screen, renderable) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
            frames.append(time.perf_counter())

    app._display = spy


def summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def measure(n: int, presses: int) -> dict[str, float]:
    """Figures for a project of n comments: frame median/p95, Pilot median, session start."""
    with tempfile.TemporaryDirectory() as tmp:
        project = build(Path(tmp) / "p", n)
        start = time.perf_counter()
        CodingSession.open(project.store, project.codebook, "probe")
        opened = (time.perf_counter() - start) * 1000
        timings = asyncio.run(time_presses(project, min(presses, n - 35)))
        project.close()
    median, p95 = summary(timings["frame"])
    return {
        "handled": statistics.median(timings["handled"]),
        "n": n,
        "presses": len(timings["frame"]),
        "median": median,
        "p95": p95,
        "pilot": statistics.median(timings["pilot"]),
        "open": opened,
    }


def append_results(rows: list[dict[str, float]], ratio: float, handled: float) -> None:
    """Append this run under "Interactive coding", leaving other sections untouched."""
    lines = [
        f"\n{DATE}, `benchmarks/tui_latency.py` ({os.cpu_count()} CPUs): key `n` in the coding "
        f"app (Textual Pilot, headless, {SIZE[0]}x{SIZE[1]}): from the key event to the next "
        "frame showing the new comment, rendered to terminal segments; the review and its "
        "event are committed before the screen changes. `pilot.press` adds Pilot's idle waits.\n",
        "| comments stored | presses | to frame: median ms | p95 ms | key handled: median ms "
        "| pilot.press median ms | session start ms |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {r['n']:,} | {r['presses']} | {r['median']:.1f} | {r['p95']:.1f} | "
            f"{r['handled']:.1f} | {r['pilot']:.1f} | {r['open']:.0f} |"
            for r in rows
        ),
        "\nKey handled = review and event committed, next comment loaded and the widgets updated; "
        "the frame follows at Textual's next refresh (up to ~16 ms later at 60 fps).",
        f"\nRatio of medians (largest / smallest): to frame {ratio:.2f}, key handled "
        f"{handled:.2f}. Target: < 50 ms with 100k.\n",
    ]
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    heading = "## Interactive coding"
    if heading not in text:
        text = text.rstrip("\n") + f"\n\n{heading}\n"
    start = text.index(heading)
    nxt = text.find("\n## ", start + len(heading))
    end = len(text) if nxt < 0 else nxt
    text = text[:end].rstrip("\n") + "\n" + "\n".join(lines) + text[end:]
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = [measure(n, args.presses) for n in (args.small, args.big)]
    for r in rows:
        print(
            f"{r['n']:>9,} comments: n median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms "
            f"({r['presses']} presses); key handled median {r['handled']:.1f} ms; "
            f"pilot.press median {r['pilot']:.1f} ms; "
            f"session start {r['open']:.0f} ms"
        )
    ratio = rows[1]["median"] / rows[0]["median"]
    handled = rows[1]["handled"] / rows[0]["handled"]
    print(
        f"ratio of medians {args.big:,} / {args.small:,}: "
        f"to frame {ratio:.2f}, handled {handled:.2f}"
    )
    if not args.no_write:
        append_results(rows, ratio, handled)
        print(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
