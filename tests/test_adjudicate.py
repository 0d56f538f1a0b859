"""Adjudication core: choices, consensus codings, events, what is left to decide."""

from __future__ import annotations

import pytest

from coding_helpers import make_project
from remedycoder.adjudicate import (
    Adjudication,
    agreed_codings,
    decided,
    options,
    parse_choice,
    pending,
    resolve,
)
from remedycoder.agreement import compute_agreement
from remedycoder.errors import InputError
from remedycoder.models import Coding


def coding(comment, remedy, coder, effect="helped", note="", n=0) -> Coding:
    return Coding(
        id=f"{coder}-{comment}-{remedy}-{n}",
        comment_id=comment,
        remedy=remedy,
        effect=effect,
        coder=coder,
        status="confirmed",
        start=0,
        end=3,
        quote="Tea",
        note=note,
    )


CODINGS = {
    "A": [
        coding("c1", "tea", "A", "helped", note="A thinks so"),
        coding("c2", "tea", "A", "helped"),
        coding("c3", "iron", "A"),
    ],
    "B": [coding("c1", "tea", "B", "partial"), coding("c2", "tea", "B", "helped")],
}
REVIEWED = {"A": ["c1", "c2", "c3"], "B": ["c1", "c2", "c3"]}


def disagreements():
    return compute_agreement(CODINGS, REVIEWED).disagreements


def test_disagreements_and_options():
    found = disagreements()
    assert [(d.comment_id, d.remedy, d.kind) for d in found] == [
        ("c1", "tea", "effect"),
        ("c3", "iron", "presence"),
    ]
    labels = [(o.key, o.choice, o.label) for o in options(found[0])]
    assert labels == [
        ("1", "A", 'A\'s: helped "Tea" [note: A thinks so]'),
        ("2", "B", 'B\'s: partial "Tea"'),
        ("3", "both", "both: keep every coder's codings of this remedy"),
        ("4", "neither", "neither: the remedy is not coded in this comment"),
    ]
    assert options(found[1])[1].label == "B's: not coded"


@pytest.mark.parametrize(
    ("answer", "choice"),
    [("1", "A"), ("B", "B"), ("3", "both"), ("all", "both"), ("4", "neither"), ("x", None)],
)
def test_parse_choice(answer, choice):
    assert parse_choice(disagreements()[0], answer) == choice


def test_resolve_choices_become_consensus_codings():
    d = disagreements()[0]
    a = resolve(d, "A", adjudicator="carol")
    assert [(c.coder, c.effect, c.status, c.note) for c in a.add] == [
        ("consensus", "helped", "confirmed", "A thinks so")
    ]
    assert a.add[0].reason == "adjudicated by carol: A (from A)"
    both = resolve(d, "both", adjudicator="carol", consensus="gold")
    assert sorted(c.effect for c in both.add) == ["helped", "partial"]
    assert {c.coder for c in both.add} == {"gold"}
    neither = resolve(d, "neither", adjudicator="carol")
    assert neither.add == []
    assert [(e.coder, e.action, e.comment_id, e.detail) for e in neither.events] == [
        ("carol", "adjudicate", "c1", "consensus/tea: neither")
    ]


def test_changing_a_decision_removes_the_old_codings_and_logs_both():
    d = disagreements()[0]
    first = resolve(d, "A", adjudicator="carol")
    same = resolve(d, "A", adjudicator="carol", existing=first.add)
    assert same.add == [] and same.remove == []
    changed = resolve(d, "B", adjudicator="carol", existing=first.add)
    assert changed.remove == first.add
    assert [c.effect for c in changed.add] == ["partial"]
    assert [(e.before is not None, e.after is not None) for e in changed.events] == [
        (True, False),
        (False, True),
    ]


def test_unknown_choice_is_an_input_error():
    with pytest.raises(InputError, match="`Z` is not one of the choices for comment c1"):
        resolve(disagreements()[0], "Z", adjudicator="carol")


def test_agreed_codings_copy_where_all_coders_agree():
    seeds = agreed_codings(CODINGS, ["c1", "c2", "c3"], ["A", "B"], adjudicator="carol")
    assert [(c.comment_id, c.remedy, c.coder) for c in seeds] == [("c2", "tea", "consensus")]
    again = agreed_codings(CODINGS, ["c1", "c2", "c3"], ["A", "B"], adjudicator="carol")
    assert [c.id for c in again] == [c.id for c in seeds]


def test_decided_and_pending_read_the_event_log():
    found = disagreements()
    events = resolve(found[0], "neither", adjudicator="carol").events
    assert decided(events) == {("c1", "tea")}
    assert decided(events, "gold") == set()
    assert pending(found, decided(events)) == [found[1]]


# --- the adjudicator's pass over a store -------------------------------------------------------


@pytest.fixture
def adjudication(tmp_path):
    """c1: A and B differ on triptans and on caffeine; c2: only A coded caffeine."""
    project = make_project(tmp_path / "proj")
    store = project.store
    for cid in ("c1", "c2"):
        store.set_reviewed(cid, "A")
        store.set_reviewed(cid, "B")
    store.put_codings(
        [
            coding("c1", "triptans", "A", "helped"),
            coding("c1", "triptans", "B", "partial"),
            coding("c1", "caffeine", "A", "helped"),
            coding("c2", "caffeine", "A", "partial"),
        ]
    )
    yield Adjudication.open(store, project.codebook, ["A", "B"], adjudicator="carol")
    project.close()


def test_a_comment_is_reviewed_by_the_consensus_once_all_its_disagreements_are_decided(
    adjudication,
):
    store = adjudication.store
    assert [(d.comment_id, d.remedy) for d in adjudication.pending] == [
        ("c1", "triptans"),
        ("c1", "caffeine"),
        ("c2", "caffeine"),
    ]
    adjudication.choose("B")
    assert not store.is_reviewed("c1", "consensus")
    assert adjudication.skip() and adjudication.current.comment_id == "c2"
    adjudication.choose("neither")
    assert store.is_reviewed("c2", "consensus")
    assert adjudication.current is None
    assert str(adjudication.progress()) == "2 of 3 decided"
    assert adjudication.previous() and adjudication.previous()
    adjudication.choose("A")
    assert store.is_reviewed("c1", "consensus")
    assert adjudication.current is None  # c2 was decided already: past the end


def test_choosing_past_the_end_is_an_input_error(adjudication):
    while adjudication.skip():
        pass
    with pytest.raises(InputError, match="Nothing to decide here"):
        adjudication.choose("A")


def test_the_adjudicator_needs_a_usable_name(adjudication):
    with pytest.raises(InputError, match="--coder 'auto': not a usable coder name"):
        Adjudication.open(adjudication.store, None, ["A", "B"], adjudicator="auto")
