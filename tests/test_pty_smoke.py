"""The installed `remedycoder code` in a pseudo-terminal: keys in, decisions in the store.

Also checks that kill -9 mid-session loses nothing already decided.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coding_helpers import make_project
from remedycoder.store import Store

SCRIPT = Path(sys.executable).parent / "remedycoder"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SCRIPT.exists(), reason="the remedycoder script is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]


class Terminal:
    """`remedycoder code` running on a pty; its output is drained in a thread."""

    def __init__(self, root: Path, *args: str) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 110, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "110", "LINES": "36"}
        self.proc = subprocess.Popen(
            [str(SCRIPT), "--project", str(root), "code", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        os.close(self.master)


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def store_state(root: Path, coder: str) -> tuple[list[tuple[str, str]], set[str]]:
    with Store.open(root / ".remedycoder" / "store.sqlite3") as store:
        codings = [(c.comment_id, c.status) for c in store.codings(coders=[coder])]
        return codings, store.reviewed(coder)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_project(tmp_path / "proj").close()
    return tmp_path / "proj"


def test_keys_in_a_terminal_are_stored(root):
    term = Terminal(root, "--coder", "ann")
    try:
        wait_for(lambda: b"reviewed by ann" in term.output)
        term.send("a")
        wait_for(lambda: len(store_state(root, "ann")[0]) == 1)
        term.send("n")
        wait_for(lambda: store_state(root, "ann")[1] == {"c1"})
        term.send("a")
        term.send("n")
        term.send("q")
        assert term.proc.wait(20) == 0
    finally:
        term.close()
    assert store_state(root, "ann") == (
        [("c1", "confirmed"), ("c2", "confirmed")],
        {"c1", "c2"},
    )


def test_kill_9_loses_nothing_already_decided(root):
    term = Terminal(root, "--coder", "bo")
    try:
        wait_for(lambda: b"reviewed by bo" in term.output)
        term.send("a")
        wait_for(lambda: len(store_state(root, "bo")[0]) == 1)
        term.send("n")
        wait_for(lambda: store_state(root, "bo")[1] == {"c1"})
        os.killpg(term.proc.pid, signal.SIGKILL)
        term.proc.wait(10)
    finally:
        term.close()
    assert store_state(root, "bo") == ([("c1", "confirmed")], {"c1"})
    again = Terminal(root, "--coder", "bo")
    try:
        wait_for(lambda: b"[c2]" in again.output)  # resumes at the first unreviewed
        again.send("q")
        assert again.proc.wait(20) == 0
    finally:
        again.close()
