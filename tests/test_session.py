"""CodingSession: decisions, undo, resume, queues and coders working on one file at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from coding_helpers import make_project
from remedycoder.errors import InputError
from remedycoder.project import Project
from remedycoder.session import CodingSession, QueueSpec, build_queue, sample_ids
from remedycoder.store import Store


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "proj")
    yield project
    project.close()


def open_session(project: Project, coder: str = "ann", **spec) -> CodingSession:
    return CodingSession.open(project.store, project.codebook, coder, QueueSpec(**spec))


def confirmed(store: Store, coder: str) -> list[tuple[str, str, str]]:
    return [(c.comment_id, c.remedy, c.effect) for c in store.codings(coders=[coder])]


def test_open_remembers_the_coder_and_starts_at_the_first_comment(project):
    session = open_session(project)
    assert project.store.get_meta("last_coder") == "ann"
    assert session.view().comment.id == "c1"
    assert str(session.progress()) == "0 of 4 reviewed by ann"


def test_accept_stores_a_confirmed_copy_and_an_event(project):
    session = open_session(project)
    assert session.accept(0)
    [coding] = project.store.codings(coders=["ann"])
    assert (coding.status, coding.remedy, coding.effect, coding.quote) == (
        "confirmed",
        "triptans",
        "helped",
        "Sumatriptan",
    )
    assert coding.suggestion_id == session.view().items[0].suggestion.id
    [event] = project.store.events("ann")
    assert (event.action, event.before, event.after["id"]) == ("confirm", None, coding.id)
    assert session.view().items[0].status == "confirmed"


def test_reject_then_accept_changes_the_same_decision(project):
    session = open_session(project)
    session.reject(0)
    session.accept(0)
    [coding] = project.store.codings(coders=["ann"])
    assert coding.status == "confirmed"
    assert [e.action for e in project.store.events("ann")] == ["reject", "confirm"]


def test_effect_change_before_and_after_accepting(project):
    session = open_session(project)
    session.set_effect(0, "partial")
    assert confirmed(project.store, "ann") == [("c1", "triptans", "partial")]
    session.set_effect(0, "worsened")
    assert confirmed(project.store, "ann") == [("c1", "triptans", "worsened")]
    with pytest.raises(InputError, match="`bogus` is not an effect"):
        session.set_effect(0, "bogus")


def test_add_with_evidence_and_delete_by_reject(project):
    session = open_session(project)
    coding = session.add("caffeine", "helped", start=12, end=16)
    assert (coding.quote, coding.suggestion_id) == ("work", None)
    assert session.view().items[1].status == "added"
    session.reject(1)
    assert project.store.codings(coders=["ann"]) == []
    with pytest.raises(InputError, match="`medication` is not a codable remedy"):
        session.add("medication")


def test_lookup_finds_terms_and_misspellings(project):
    session = open_session(project)
    assert session.lookup("cafeine")[0].id == "caffeine"
    assert session.lookup("imitrex")[0].id == "triptans"
    assert all(r.codable for r in session.lookup(""))


def test_next_marks_reviewed_even_with_nothing_coded(project):
    session = open_session(project)
    session.next()
    assert project.store.is_reviewed("c1", "ann")
    assert session.view().comment.id == "c2"
    assert str(session.progress()) == "1 of 4 reviewed by ann"


def test_undo_walks_back_every_decision(project):
    session = open_session(project)
    session.accept(0)
    session.next()
    session.reject(0)
    session.toggle_flag("ask Bob")
    session.note("strong coffee")
    assert project.store.flag("c2", "ann") == "ask Bob"
    for _ in range(3):
        session.undo()
    assert project.store.flag("c2", "ann") is None
    assert project.store.comment_note("c2", "ann") is None
    assert confirmed(project.store, "ann") == [("c1", "triptans", "helped")]
    session.undo()  # the review of c1: back there, unreviewed
    assert session.view().comment.id == "c1"
    assert not project.store.is_reviewed("c1", "ann")
    session.undo()
    assert project.store.codings(coders=["ann"]) == []
    assert session.undo() is None
    assert str(session.progress()) == "0 of 4 reviewed by ann"


def test_undo_and_resume_survive_a_restart(tmp_path):
    project = make_project(tmp_path / "p")
    session = open_session(project)
    session.accept(0)
    session.next()
    session.set_effect(0, "helped")
    project.close()
    again = Project(tmp_path / "p")
    resumed = open_session(again)
    assert resumed.view().comment.id == "c2"
    resumed.undo()
    resumed.undo()  # the review of c1
    assert resumed.view().comment.id == "c1"
    assert confirmed(again.store, "ann") == [("c1", "triptans", "helped")]
    again.close()


def test_coders_are_blind_to_each_other_unless_asked(project):
    open_session(project, "ann").accept(0)
    bob = open_session(project, "bob")
    assert [i.status for i in bob.view().items] == ["suggested"]
    assert bob.view().others == []
    bob.undo()  # nothing of bob's to undo; ann's decision stays
    assert len(project.store.codings(coders=["ann"])) == 1
    nosy = CodingSession.open(project.store, project.codebook, "cy", show_others=True)
    assert [c.coder for c in nosy.view().others] == ["ann"]


def test_queues_filters_and_samples(project):
    store = project.store
    open_session(project, "ann").toggle_flag()
    assert build_queue(store, QueueSpec("suggested")) == ["c1", "c2", "c3"]
    assert build_queue(store, QueueSpec("flagged")) == ["c1"]
    assert build_queue(store, QueueSpec("all", filter="FEVERFEW")) == ["c3"]
    assert build_queue(store, QueueSpec("all", filter="author=meryt")) == ["c2"]
    assert build_queue(store, QueueSpec("all", filter="forum=head")) == ["c1", "c2"]
    assert build_queue(store, QueueSpec("all", filter="100%")) == []
    first = build_queue(store, QueueSpec("all", sample=2, seed=7))
    assert first == build_queue(store, QueueSpec("unreviewed", sample=2, seed=7))
    assert len(first) == 2
    with pytest.raises(InputError, match="--queue bogus: unknown queue"):
        build_queue(store, QueueSpec("bogus"))


def test_sample_is_independent_of_order_and_coder():
    ids = [f"id{i}" for i in range(50)]
    assert sample_ids(ids, 5, 3) == sample_ids(list(reversed(ids)), 5, 3)[::-1]
    assert sample_ids(ids, 5, 3) != sample_ids(ids, 5, 4)


def test_unreviewed_queue_skips_what_was_reviewed_and_stops_at_the_end(project):
    session = open_session(project)
    session.goto("c2")
    session.next()
    session.previous()
    session.previous()
    assert session.view().comment.id == "c1"
    session.next()
    assert session.view().comment.id == "c3"  # c2 is reviewed already
    session.next()
    assert not session.next()
    assert session.progress().at_end
    assert str(session.progress()) == "4 of 4 reviewed by ann"


def _code_in_process(path: str, coder: str, rounds: int) -> None:
    """Another terminal: its own connection, accepting and moving on."""
    project = Project(Path(path))
    session = CodingSession.open(project.store, project.codebook, coder, QueueSpec("all"))
    for _ in range(rounds):
        if session.view().items:
            session.accept(0)
        session.next()
    project.close()


@pytest.mark.slow
def test_two_coders_in_two_processes_keep_their_own_decisions(project):
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_code_in_process, args=(str(project.root), name, 4))
        for name in ("ann", "bob")
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    store = project.store
    for name in ("ann", "bob"):
        assert store.reviewed(name) == {"c1", "c2", "c3", "c4"}
        assert [c.coder for c in store.codings(coders=[name])] == [name] * 3
        assert {e.coder for e in store.events(name)} == {name}


def test_two_connections_interleaved(project):
    other = Project(project.root)
    ann = open_session(project, "ann")
    bob = open_session(other, "bob")
    ann.accept(0)
    bob.reject(0)
    ann.next()
    bob.undo()
    assert [c.status for c in project.store.codings(coders=["ann"])] == ["confirmed"]
    assert other.store.codings(coders=["bob"]) == []
    assert project.store.reviewed("ann") == {"c1"}
    other.close()
