"""Shared helpers: run the CLI, snapshot the store, assert a clean bad-input failure."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from remedycoder.cli import app
from remedycoder.project import Project

DATA = Path(__file__).parents[1] / "data"
CODEBOOK = DATA / "migraine_codebook.yaml"
SEED = [
    {"id": "s1", "text": "Sumatriptan helped within an hour.", "author": "Ann"},
    {"id": "s2", "text": "Coffee made it worse.", "author": "Bo"},
    {"id": "s3", "text": "Feverfew did nothing for me.", "author": "Cy"},
]


def seed_comments(project: Project) -> None:
    path = project.root / "seed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in SEED), encoding="utf-8")
    project.import_files([path])
    project.close()


def cli(project: Project | Path, *args: str):
    """Run `remedycoder --project ROOT ARGS...` in this process."""
    root = project.root if isinstance(project, Project) else project
    return CliRunner().invoke(app, ["--project", str(root), *args])


def run_command(project: Project | Path, *args: str, timeout: float = 60):
    """Run the installed command in a real process (`python -m remedycoder`)."""
    root = project.root if isinstance(project, Project) else project
    env = {k: v for k, v in os.environ.items() if k != "REMEDYCODER_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "remedycoder", "--project", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def snapshot(project: Project) -> dict[str, object]:
    """Everything a user could lose: every table's rows and the corpus/ folder's files."""
    project.close()
    conn = sqlite3.connect(f"file:{project.store_path}?mode=ro", uri=True)
    try:
        dump = list(conn.iterdump())
    finally:
        conn.close()
    corpus = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.corpus_dir.iterdir())
    }
    return {"dump": dump, "corpus": corpus}


def assert_bad_input(result, message: str) -> None:
    """Exit 2, exactly this message on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stderr == message
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


WORKER = Path(__file__).with_name("coder_worker.py")


def spawn(*argv: str) -> subprocess.Popen:
    """A real process we can kill -9: `remedycoder ARGV...` or a python script."""
    return subprocess.Popen(
        [sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_until(condition, timeout: float = 30, step: float = 0.01) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def write_corpus(path: Path, count: int, start: int = 0) -> Path:
    """`count` short migraine reports the test codebook finds remedies in."""
    texts = (
        "Sumatriptan helped within the hour, coffee made it worse.",
        "Feverfew did nothing for me, though Maxalt works.",
        "I tried caffeine and it triggers the headache.",
        "Nothing about remedies in this one.",
    )
    with path.open("w", encoding="utf-8") as handle:
        for i in range(start, start + count):
            handle.write(json.dumps({"id": f"c{i}", "text": f"{texts[i % 4]} ({i})"}) + "\n")
    return path
