"""The line-based prompt: commands in, text out, decisions in the store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from coding_helpers import make_project
from remedycoder.plain import run_plain
from remedycoder.project import Project
from remedycoder.session import CodingSession


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "proj")
    yield project
    project.close()


def run(project: Project, commands: str, coder: str = "ann") -> tuple[int, str]:
    session = CodingSession.open(project.store, project.codebook, coder)
    out = io.StringIO()
    code = run_plain(session, io.StringIO(commands), out)
    return code, out.getvalue()


def mine(project: Project) -> list[tuple[str, str, str, str, str]]:
    return [
        (c.comment_id, c.remedy, c.effect, c.status, c.quote)
        for c in project.store.codings(coders=["ann"])
    ]


def test_prints_comment_numbered_suggestions_and_progress(project):
    code, out = run(project, "")
    assert code == 0
    assert "Comment 1 of 4 [c1] | Ann | 2011-04-02" in out
    assert '  1. Triptans -> Helped [suggested] "Sumatriptan"' in out
    assert "0 of 4 reviewed by ann." in out
    assert out.rstrip().endswith("Bye. 0 of 4 reviewed by ann.")


def test_accept_next_reject_and_quit(project):
    code, out = run(project, "a 1\nn\nx 1\nq\nthis is never read\n")
    assert code == 0
    assert mine(project) == [
        ("c1", "triptans", "helped", "confirmed", "Sumatriptan"),
        ("c2", "caffeine", "partial", "rejected", "Coffee"),
    ]
    assert "In reply to Ann: Sumatriptan works" in out
    assert project.store.reviewed("ann") == {"c1"}


def test_effect_add_with_quote_note_flag_and_undo(project):
    commands = 'e 1 no effect\n+ cafeine helped "every time"\nm 2 strong\nf talk\nu\n'
    run(project, commands)
    assert mine(project) == [
        ("c1", "triptans", "no_effect", "confirmed", "Sumatriptan"),
        ("c1", "caffeine", "helped", "confirmed", "every time"),
    ]
    assert project.store.codings(coders=["ann"])[1].note == "strong"
    assert project.store.flag("c1", "ann") is None  # undone


def test_an_effect_hotkey_alone_sets_that_effect_as_in_the_coding_screen(project):
    _, out = run(project, "3\n")
    assert mine(project) == [("c1", "triptans", "no_effect", "confirmed", "Sumatriptan")]
    assert "Unknown command" not in out


def test_bad_commands_say_what_to_do_and_keep_going(project):
    _, out = run(project, 'bogus\na 7\ne 1 sideways\n+ zzzzzzzz\n+ coffee "not there"\na\n')
    assert "Unknown command `bogus`. Type ? for help." in out
    assert "Error: No item 7 here (there are 1)." in out
    assert "Error: `sideways` is not an effect in the codebook." in out
    assert "Error: No remedy in the codebook matches `zzzzzzzz`." in out
    assert 'Error: "not there" is not in this comment\'s text.' in out
    assert mine(project) == [("c1", "triptans", "helped", "confirmed", "Sumatriptan")]


def test_help_reason_and_end_of_queue(project):
    _, out = run(project, "?\nr 1\nn\nn\nn\nn\nn\n")
    assert "a N                  accept suggestion N" in out
    assert "1. term `Sumatriptan`" in out
    assert "End of the queue (4 of 4 reviewed by ann). p goes back, q quits." in out
