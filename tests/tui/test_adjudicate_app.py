"""The adjudication screen driven by keys through Textual's Pilot, checked against the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from coding_helpers import COMMENTS, make_project
from remedycoder.adjudicate import Adjudication
from remedycoder.models import Coding
from remedycoder.project import Project
from remedycoder.tui.adjudicate import AdjudicationApp, ChoiceList, EvidenceText
from remedycoder.tui.modals import HelpScreen

SIZE = (110, 40)


def coded(comment_id, remedy, coder, effect, start, end, note="") -> Coding:
    text = next(c.text for c in COMMENTS if c.id == comment_id)
    return Coding(
        comment_id=comment_id,
        remedy=remedy,
        effect=effect,
        coder=coder,
        status="confirmed",
        start=start,
        end=end,
        quote=text[start:end],
        note=note,
    )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """c1: ann and bob differ on the effect; c2: only ann coded caffeine; c3: they agree."""
    project = make_project(tmp_path / "proj")
    store = project.store
    for cid in ("c1", "c2", "c3", "c4"):
        store.set_reviewed(cid, "ann")
        store.set_reviewed(cid, "bob")
    store.put_coding(coded("c1", "triptans", "ann", "helped", 0, 11, note="every time"))
    store.put_coding(coded("c1", "triptans", "bob", "partial", 0, 17))
    store.put_coding(coded("c2", "caffeine", "ann", "partial", 0, 6))
    store.put_coding(coded("c3", "feverfew", "ann", "no_effect", 8, 16))
    store.put_coding(coded("c3", "feverfew", "bob", "no_effect", 8, 16))
    yield project
    project.close()


def app_for(project: Project, **kwargs) -> AdjudicationApp:
    adjudication = Adjudication.open(
        project.store, project.codebook, ["ann", "bob"], adjudicator="carol", **kwargs
    )
    return AdjudicationApp(adjudication)


def consensus(project: Project) -> list[tuple[str, str, str]]:
    rows = project.store.codings(coders=["consensus"])
    return sorted((c.comment_id, c.remedy, c.effect) for c in rows)


def decisions(project: Project) -> list[str]:
    events = project.store.events("carol")
    return [e.detail for e in events if e.action == "adjudicate" and "agreed" not in e.detail]


def text_of(app: AdjudicationApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_screen_shows_the_disagreement_both_codings_and_the_choices(project):
    app = app_for(project)
    async with app.run_test(size=SIZE):
        progress = text_of(app, "#progress")
        assert progress.startswith("0 of 2 decided   disagreement 1 of 2")
        assert "comment c1" in progress and "(effect)" in progress
        assert app.sub_title == "adjudicator: carol  ·  consensus: consensus"
        assert text_of(app, "#message") == "1 agreed codings copied to `consensus`."
        text = app.screen.query_one(EvidenceText)
        assert text.text == "Sumatriptan works for me every time."
        # both marked "Sumatriptan"; only bob went on to "works"
        assert text._highlights[0] == [(0, 11, "coder.shared"), (11, 17, "coder.1")]
        coders = text_of(app, "#coders")
        assert '■ ann\n    Helped  "Sumatriptan"  note: every time' in coders
        assert '■ bob\n    Partial  "Sumatriptan works"' in coders
        choices = app.screen.query_one(ChoiceList)
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(4)]
        assert prompts[0].startswith("1) ann's: helped")
        assert prompts[1].startswith("2) bob's: partial")
        assert prompts[2:] == [
            "3) both: keep every coder's codings of this remedy",
            "4) neither: the remedy is not coded in this comment",
        ]


async def test_a_number_stores_the_choice_as_consensus_logged_by_the_adjudicator(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        assert consensus(project) == [
            ("c1", "triptans", "partial"),
            ("c3", "feverfew", "no_effect"),
        ]
        assert decisions(project) == ["consensus/triptans: bob"]
        assert project.store.is_reviewed("c1", "consensus")
        assert text_of(app, "#progress").startswith("1 of 2 decided   disagreement 2 of 2")
        assert app.screen.query_one(EvidenceText).text.startswith("Coffee")
        assert "ann\n    Partial" in text_of(app, "#coders")
        assert "bob: did not code Caffeine" in text_of(app, "#coders")


async def test_enter_chooses_the_highlighted_option(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")
        assert sorted(c.effect for c in project.store.codings(coders=["consensus"])) == [
            "helped",
            "no_effect",
            "partial",
        ]
        assert set(decisions(project)) == {"consensus/triptans: both"}


async def test_s_skips_without_storing_and_the_end_says_what_is_left(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert decisions(project) == []
        assert "comment c2" in text_of(app, "#progress")
        await pilot.press("4")
        assert decisions(project) == ["consensus/caffeine: neither"]
        assert text_of(app, "#progress") == "1 of 2 decided   END (p goes back, q quits)"
        assert app.screen.query_one(EvidenceText).text.startswith(
            "End of the list: 1 of 2 decided (1 skipped"
        )
        assert not project.store.is_reviewed("c1", "consensus")
        assert project.store.is_reviewed("c2", "consensus")


async def test_p_goes_back_and_a_new_choice_replaces_the_old_one(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "p")
        assert "comment c1" in text_of(app, "#progress")
        chosen = str(app.screen.query_one(ChoiceList).get_option_at_index(0).prompt)
        assert chosen.endswith("✓ chosen")
        await pilot.press("2")
        assert ("c1", "triptans", "partial") in consensus(project)
        assert ("c1", "triptans", "helped") not in consensus(project)
        assert decisions(project) == ["consensus/triptans: ann", *["consensus/triptans: bob"] * 2]


async def test_a_number_without_that_choice_says_so(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        assert text_of(app, "#message") == "No choice 7 here."
        assert decisions(project) == []


async def test_q_quits_with_choices_stored_and_reopening_continues_with_the_rest(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "q")
        await pilot.pause()
    assert app.return_code == 0
    assert consensus(project) == [("c1", "triptans", "helped"), ("c3", "feverfew", "no_effect")]
    again = app_for(project)
    assert [(d.comment_id, d.remedy) for d in again.adjudication.pending] == [("c2", "caffeine")]
    async with again.run_test(size=SIZE) as pilot:
        assert text_of(again, "#progress").startswith("0 of 1 decided   disagreement 1 of 1")
        assert again.screen.query_one(EvidenceText).text.startswith("Coffee")
        await pilot.press("1")
        assert ("c2", "caffeine", "partial") in consensus(project)
        assert "All 1 disagreements decided" in again.screen.query_one(EvidenceText).text


async def test_nothing_left_to_decide_says_so(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1")
    done = app_for(project)
    async with done.run_test(size=SIZE) as pilot:
        assert done.screen.query_one(EvidenceText).text == (
            "All 2 disagreements between ann, bob were decided before (--redo shows them "
            "again). q quits."
        )
        await pilot.press("1", "s", "n")
        assert len(decisions(project)) == 2


async def test_question_mark_shows_the_keys(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-text").render())
        assert "1 2 3 4 5 6 7 8 9  Choose the numbered option" in help_text
        assert "Skip" in help_text and "consensus coder's codings" in help_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
