"""The coding screen driven by keys through Textual's Pilot, checked against the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from textual.widgets.text_area import Selection

from coding_helpers import make_project  # noqa: E402
from remedycoder.project import Project  # noqa: E402
from remedycoder.session import CodingSession, QueueSpec  # noqa: E402
from remedycoder.tui.app import CodingApp  # noqa: E402
from remedycoder.tui.modals import HelpScreen, NoteInput, RemedyPicker  # noqa: E402
from remedycoder.tui.widgets import CommentText, ItemList  # noqa: E402

SIZE = (110, 36)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "proj")
    yield project
    project.close()


def app_for(project: Project, coder: str = "ann", **kwargs) -> CodingApp:
    spec = QueueSpec(**kwargs.pop("spec", {}))
    session = CodingSession.open(project.store, project.codebook, coder, spec, **kwargs)
    return CodingApp(session)


def mine(project: Project, coder: str = "ann") -> list[tuple[str, str, str, str]]:
    return [
        (c.comment_id, c.remedy, c.effect, c.status) for c in project.store.codings(coders=[coder])
    ]


def text_of(app: CodingApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_screen_shows_comment_progress_coder_and_suggestions(project):
    app = app_for(project)
    async with app.run_test(size=SIZE):
        assert text_of(app, "#progress").startswith("0 of 4 reviewed by ann")
        assert "queue: unreviewed" in text_of(app, "#progress")
        assert "[c1]" in text_of(app, "#progress")
        assert app.sub_title == "coder: ann"
        assert app.screen.query_one(CommentText).text == "Sumatriptan works for me every time."
        assert app.screen.query_one(ItemList).option_count == 1
        assert "Effect keys: 1 Helped" in text_of(app, "#hotkeys")
        highlights = app.screen.query_one(CommentText)._highlights[0]
        assert (0, 11, "remedy.triptans") in highlights


async def test_a_accepts_and_n_moves_on_marking_reviewed(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "n")
        assert mine(project) == [("c1", "triptans", "helped", "confirmed")]
        assert project.store.is_reviewed("c1", "ann")
        assert app.screen.query_one(CommentText).text.startswith("Coffee")
        assert "In reply to Ann" in text_of(app, "#parent")
        assert text_of(app, "#progress").startswith("1 of 4 reviewed by ann")


async def test_x_rejects_and_effect_hotkey_changes_the_effect(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        assert mine(project) == [("c1", "triptans", "helped", "rejected")]
        await pilot.press("3")
        assert mine(project) == [("c1", "triptans", "no_effect", "confirmed")]


async def test_p_goes_back_and_u_undoes(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "a", "p")
        assert app.session.comment_id == "c1"
        await pilot.press("u")
        assert mine(project) == []
        assert app.session.comment_id == "c2"
        await pilot.press("u")
        assert app.session.comment_id == "c1"
        assert not project.store.is_reviewed("c1", "ann")


async def test_plus_opens_the_picker_and_adds_by_misspelling(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        assert isinstance(app.screen, RemedyPicker)
        await pilot.press(*"cafeine", "enter")
        await pilot.pause()
        assert mine(project) == [("c1", "caffeine", "not_stated", "confirmed")]
        assert app.screen.query_one(ItemList).highlighted == 1
        await pilot.press("1")
        assert ("c1", "caffeine", "helped", "confirmed") in mine(project)


async def test_slash_opens_the_picker_and_escape_cancels(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, RemedyPicker)
        await pilot.press("escape")
        assert not isinstance(app.screen, RemedyPicker)
        assert mine(project) == []


async def test_selected_text_becomes_the_evidence(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(CommentText).selection = Selection((0, 22), (0, 35))
        await pilot.press("c")  # the codebook's hotkey for caffeine
        [added] = [c for c in project.store.codings(coders=["ann"])]
        assert (added.remedy, added.quote, added.start, added.end) == (
            "caffeine",
            "me every time",
            22,
            35,
        )


async def test_ctrl_e_attaches_the_selection_to_the_selected_coding(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(CommentText).selection = Selection((0, 12), (0, 17))
        await pilot.press("ctrl+e")
        [coding] = project.store.codings(coders=["ann"])
        assert (coding.quote, coding.status) == ("works", "confirmed")


async def test_m_notes_the_coding_and_shift_m_the_comment(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "m")
        assert isinstance(app.screen, NoteInput)
        await pilot.press(*"strong", "enter")
        await pilot.press("M", *"ask", "enter")
        [coding] = project.store.codings(coders=["ann"])
        assert coding.note == "strong"
        assert project.store.comment_note("c1", "ann") == "ask"


async def test_f_flags_and_unflags(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert project.store.flag("c1", "ann") == ""
        assert "FLAGGED" in text_of(app, "#meta")
        await pilot.press("f")
        assert project.store.flag("c1", "ann") is None


async def test_question_mark_shows_help_with_codebook_keys(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-text").render())
        assert "Accept" in help_text and "Add Caffeine" in help_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits_with_decisions_already_stored(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "q")
        await pilot.pause()
        assert mine(project) == [("c1", "triptans", "helped", "confirmed")]
    assert app.return_code == 0


async def test_others_hidden_unless_asked(project):
    CodingSession.open(project.store, project.codebook, "bob").accept(0)
    blind = app_for(project)
    async with blind.run_test(size=SIZE):
        assert "suggested" in str(blind.screen.query_one(ItemList).get_option_at_index(0).prompt)
        assert not blind.screen.query_one("#others").display
    nosy = app_for(project, "cy", show_others=True)
    async with nosy.run_test(size=SIZE):
        assert "bob: triptans" in text_of(nosy, "#others")


async def test_empty_queue_says_so(project):
    app = app_for(project, spec={"kind": "flagged"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "n", "x")
        assert "queue is empty" in app.screen.query_one(CommentText).text
        assert text_of(app, "#progress").startswith("0 of 0 reviewed")


async def test_selecting_with_shift_arrows_in_the_text_then_ctrl_e(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert isinstance(app.focused, CommentText)
        await pilot.press(*["shift+right"] * 11, "ctrl+e")
        [coding] = project.store.codings(coders=["ann"])
        assert (coding.quote, coding.start, coding.end) == ("Sumatriptan", 0, 11)
        await pilot.press("n")  # keys still work while the text has focus
        assert app.session.comment_id == "c2"


async def test_enter_shows_why_it_was_suggested(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        assert "Why" not in text_of(app, "#detail")
        await pilot.press("enter")
        assert text_of(app, "#detail") == "Why: term `Sumatriptan`"


async def test_u_with_nothing_to_undo_and_bad_input_say_so(project):
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        assert text_of(app, "#message") == "Nothing to undo"
        app.screen.query_one(CommentText).selection = Selection((0, 0), (0, 3))
        app.session.ids.append("gone")  # a comment removed by someone else meanwhile
        await pilot.press("n", "n", "n", "n")
        assert app.session.comment_id == "gone"
        assert "no longer in the store" in app.screen.query_one(CommentText).text
        await pilot.press("a", "n")
        assert "End of the queue" in text_of(app, "#message")
