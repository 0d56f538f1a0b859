"""`remedycoder adjudicate`: piped choices (--plain) become consensus codings, logged."""

from __future__ import annotations

from pathlib import Path

import pytest
from agreement_helpers import confirmed, make_project
from typer.testing import CliRunner

from remedycoder.cli import app
from remedycoder.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """c00: agree (tea helped); c01: effect differs; c02: only alice coded iron; c03: nothing."""
    project = make_project(tmp_path)
    store = project.store
    for cid in ("c00", "c01", "c02", "c03"):
        store.set_reviewed(cid, "alice")
        store.set_reviewed(cid, "bob")
    store.put_coding(confirmed("c00", "tea", "alice", "helped"))
    store.put_coding(confirmed("c00", "tea", "bob", "helped"))
    store.put_coding(confirmed("c01", "tea", "alice", "helped"))
    store.put_coding(confirmed("c01", "tea", "bob", "partial"))
    store.put_coding(confirmed("c02", "iron", "alice", "no_effect"))
    project.close()
    return project


def adjudicate(project: Project, answers: str, *extra: str):
    args = ["--project", str(project.root), "adjudicate", "--coders", "alice,bob", "--plain"]
    return CliRunner().invoke(app, [*args, "--coder", "carol", *extra], input=answers)


def consensus(project: Project) -> list[tuple[str, str, str]]:
    store = Project(project.root).store
    try:
        rows = store.codings(coders=["consensus"])
        return sorted((c.comment_id, c.remedy, c.effect) for c in rows)
    finally:
        store.close()


def test_piped_choices_are_stored_as_consensus(project: Project):
    result = adjudicate(project, "2\n4\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2 disagreements between alice, bob; 2 to decide. 1 agreed codings copied" in out
    assert "[1/2] comment c01, remedy tea (effect)" in out
    assert "  2) bob's: partial" in out
    assert out.rstrip().endswith("2 decided, 0 left.")
    assert consensus(project) == [("c00", "tea", "helped"), ("c01", "tea", "partial")]
    store = Project(project.root).store
    events = [e for e in store.events("carol") if e.action == "adjudicate"]
    assert {e.detail for e in events} == {
        "consensus/tea: agreed",
        "consensus/tea: bob",
        "consensus/iron: neither",
    }
    assert store.reviewed("consensus") == {"c00", "c01", "c02", "c03"}
    store.close()


def test_quit_and_resume_continues_with_what_is_left(project: Project):
    first = adjudicate(project, "1\nq\n")
    assert first.exit_code == 0, first.output
    assert first.output.rstrip().endswith("1 decided, 1 left.")
    second = adjudicate(project, "")  # end of input quits too
    assert "2 disagreements between alice, bob; 1 to decide. 0 agreed codings copied" in (
        second.output
    )
    third = adjudicate(project, "oops\n3\n")
    assert "`oops` is not a choice." in third.output
    assert consensus(project) == [
        ("c00", "tea", "helped"),
        ("c01", "tea", "helped"),
        ("c02", "iron", "no_effect"),
    ]


def test_redo_replaces_an_earlier_decision(project: Project):
    adjudicate(project, "1\n4\n")
    again = adjudicate(project, "2\ns\n", "--redo")
    assert again.exit_code == 0, again.output
    assert consensus(project) == [("c00", "tea", "helped"), ("c01", "tea", "partial")]


def test_consensus_name_must_differ_from_the_coders(project: Project):
    result = adjudicate(project, "", "--as", "alice")
    assert result.exit_code == 2
    assert "Error: --as alice: the consensus must be a coder name of its own" in result.stderr


def test_without_a_terminal_it_says_to_use_plain(project: Project):
    args = ["--project", str(project.root), "adjudicate", "--coders", "alice,bob"]
    result = CliRunner().invoke(app, args, input="1\n")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: stdin/stdout is not a terminal; use --plain\n"
        "Example: remedycoder adjudicate --coders alice,bob --plain < choices.txt\n"
    )
    assert consensus(project) == []
