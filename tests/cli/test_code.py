"""`remedycoder code`: --plain with piped input, queues and options, and the no-TTY message."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coding_helpers import make_project  # noqa: E402
from remedycoder.cli import app  # noqa: E402
from remedycoder.project import Project  # noqa: E402

runner = CliRunner()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_project(tmp_path / "proj").close()
    return tmp_path / "proj"


def code(root: Path, *args: str, stdin: str = ""):
    return runner.invoke(app, ["--project", str(root), "code", *args], input=stdin)


def stored(root: Path, coder: str) -> list[tuple[str, str, str]]:
    project = Project(root)
    try:
        return [(c.comment_id, c.remedy, c.status) for c in project.store.codings(coders=[coder])]
    finally:
        project.close()


def test_plain_codes_from_piped_input(root):
    result = code(root, "--plain", "--coder", "meryt", stdin="a\nn\na\nn\nq\n")
    assert result.exit_code == 0, result.output
    assert "Coding as meryt; queue: unreviewed." in result.output
    assert stored(root, "meryt") == [
        ("c1", "triptans", "confirmed"),
        ("c2", "caffeine", "confirmed"),
    ]


def test_end_of_input_quits_cleanly_and_coder_is_remembered(root):
    assert code(root, "--plain", "--coder", "zoe", stdin="n\n").exit_code == 0
    result = code(root, "--plain", stdin="")
    assert result.exit_code == 0
    assert "Coding as zoe" in result.output
    assert "Comment 2 of 4 [c2]" in result.output  # resumed after the reviewed one


def test_queue_filter_and_sample_options(root):
    result = code(root, "--plain", "--coder", "a", "--queue", "all", "--filter", "author=Bob")
    assert "Comment 1 of 1 [c3] | Bob" in result.output
    result = code(root, "--plain", "--coder", "a", "--filter", "coffee")
    assert "Comment 1 of 1 [c2]" in result.output
    first = code(root, "--plain", "--coder", "b", "--sample", "2", "--seed", "5").output
    second = code(root, "--plain", "--coder", "c", "--sample", "2", "--seed", "5").output
    assert "of 2 [" in first
    assert first.split("\n")[3] == second.split("\n")[3]


def test_bad_queue_is_a_usage_error(root):
    result = code(root, "--plain", "--queue", "bogus")
    assert result.exit_code == 2
    assert "Error: --queue bogus: unknown queue." in result.output


def test_without_a_terminal_it_says_to_use_plain(root):
    result = code(root)
    assert result.exit_code == 2
    assert "Error: stdin/stdout is not a terminal; use --plain" in result.output
