"""The coding screen: a Textual app over a `CodingSession` built outside and passed in.

The screen turns keys into session calls and redraws from the session's view; widgets only
display and post messages. Bindings carry ids so users can remap them.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.keys import _character_to_key  # the key name of "!" etc., as Pilot uses it
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.text_area import Selection

from remedycoder.errors import RemedyError
from remedycoder.session import CodingSession, CommentView, Item, hotkeys
from remedycoder.tui.modals import HelpScreen, NoteInput, RemedyPicker
from remedycoder.tui.widgets import CommentText, ItemList, code_colors, evidence_marks, item_line


class CodingScreen(Screen[None]):
    """One comment at a time: its text, the suggestions, the coder's codings and progress."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", id="accept"),
        Binding("x", "reject", "Reject", id="reject"),
        Binding("n", "next", "Next", id="next"),
        Binding("p", "previous", "Prev", id="previous"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("plus,slash", "add", "Add", key_display="+", id="add"),
        Binding("m", "note", "Note", id="note"),
        Binding("M", "comment_note", "Comment note", show=False, id="comment_note"),
        Binding("f", "flag", "Flag", id="flag"),
        Binding("ctrl+e", "attach", "Attach selection", show=False, priority=True, id="attach"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, session: CodingSession) -> None:
        super().__init__()
        self.session = session
        self.code_colors = code_colors(session.codebook)
        self.show_reason = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress", markup=False)
        yield Static(id="meta", markup=False)
        yield Static(id="parent", markup=False)
        yield CommentText(self.code_colors, id="comment")
        yield Static("Suggestions and your codings", id="items-title")
        yield ItemList(id="items")
        yield Static(id="detail", markup=False)
        yield Static(hotkey_legend(self.session), id="hotkeys", markup=False)
        yield Static(id="others", markup=False)
        yield Static(id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = f"coder: {self.session.coder}"
        self.redraw()
        self.query_one(ItemList).focus()

    # -- drawing ----------------------------------------------------------------------------

    def redraw(self, highlighted: int | None = None) -> None:
        """Show the session's current comment (after every decision and move)."""
        view = self.session.view()
        self._show_progress(view)
        if view is None:
            self.query_one(CommentText).show("The queue is empty: nothing to code here.", [])
            self.query_one(ItemList).show([], None)
            return
        self._show_comment(view)
        items = self.query_one(ItemList)
        keep = items.highlighted if highlighted is None else highlighted
        lines = [item_line(i, self.session.codebook, self.code_colors) for i in view.items]
        items.show(lines, keep)
        self._show_detail()
        self._show_others(view)

    def _show_progress(self, view: CommentView | None) -> None:
        progress = self.session.progress()
        text = f"{progress}   queue: {progress.queue}"
        if view is not None:
            text += f"   comment {view.position + 1} of {progress.total} [{view.comment.id}]"
        if progress.at_end:
            text += "   END OF QUEUE (p goes back, q quits)"
        self.query_one("#progress", Static).update(text)

    def _show_comment(self, view: CommentView) -> None:
        c = view.comment
        meta = [c.author or "(no author)"]
        if c.posted_at:
            meta.append(c.posted_at.strftime("%Y-%m-%d %H:%M"))
        meta += ["reviewed" if view.reviewed else "not reviewed yet"]
        if view.flag is not None:
            meta.append(f"FLAGGED{': ' + view.flag if view.flag else ''}")
        if view.note:
            meta.append(f"note: {view.note}")
        self.query_one("#meta", Static).update("  ·  ".join(meta))
        parent = self.query_one("#parent", Static)
        parent.display = view.parent is not None
        if view.parent is not None:
            who = view.parent.author or view.parent.id
            parent.update(f"In reply to {who}: {_short(view.parent.text)}")
        self.query_one(CommentText).show(c.text, evidence_marks(view.items))

    def _show_detail(self) -> None:
        item = self._selected_item()
        detail = self.query_one("#detail", Static)
        if item is None:
            detail.update("No suggestions: + adds a remedy, n moves on (nothing to code).")
        elif self.show_reason:
            detail.update(f"Why: {item.coding.reason or 'added by you'}")
        else:
            detail.update("Enter shows why it was suggested.")

    def _show_others(self, view: CommentView) -> None:
        others = self.query_one("#others", Static)
        others.display = self.session.show_others
        lines = [f"{c.coder}: {c.remedy} → {c.effect} ({c.status})" for c in view.others]
        others.update("Other coders: " + ("; ".join(lines) if lines else "none"))

    def say(self, text: str) -> None:
        self.query_one("#message", Static).update(text)

    # -- messages from widgets --------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.show_reason = not self.show_reason
        self._show_detail()

    # -- actions ----------------------------------------------------------------------------

    def action_accept(self) -> None:
        index = self._selected_index()
        if index is not None:
            start, end = self._take_selection()
            self._decide(lambda: self.session.accept(index, start=start, end=end), "Accepted")

    def action_reject(self) -> None:
        index = self._selected_index()
        if index is not None:
            self._decide(lambda: self.session.reject(index), "Rejected")

    def action_effect(self, effect: str) -> None:
        index = self._selected_index()
        if index is not None:
            label = self.session.codebook.effect(effect).label
            self._decide(lambda: self.session.set_effect(index, effect), f"Effect: {label}")

    def action_remedy(self, remedy: str) -> None:
        self._add(remedy)

    def action_add(self) -> None:
        view = self.session.view()
        if view is None:
            return
        start, end = self._selection()
        quote = view.comment.text[start:end] if start is not None else None
        picker = RemedyPicker(lambda q: self.session.lookup(q, 8), quote)
        self.app.push_screen(picker, lambda remedy: self._add(remedy) if remedy else None)

    def action_attach(self) -> None:
        index = self._selected_index()
        start, end = self._take_selection()
        if index is None or start is None:
            self.say("Select text in the comment first (Tab to it, shift+arrows).")
            return
        self._decide(lambda: self.session.set_evidence(index, start, end), "Evidence attached")

    def action_note(self) -> None:
        item = self._selected_item()
        if item is None or item.decision is None:
            self.action_comment_note()
            return
        index = self._selected_index()
        self.app.push_screen(
            NoteInput(f"Note on {item.remedy} (Enter saves)", item.decision.note),
            lambda text: (
                None
                if text is None
                else self._decide(lambda: self.session.note(text, index), "Noted")
            ),
        )

    def action_comment_note(self) -> None:
        view = self.session.view()
        if view is None:
            return
        self.app.push_screen(
            NoteInput("Note on this comment (Enter saves, empty removes)", view.note or ""),
            lambda text: (
                None if text is None else self._decide(lambda: self.session.note(text), "Noted")
            ),
        )

    def action_flag(self) -> None:
        if self.session.view() is not None:
            self._decide(self.session.toggle_flag, None)
            self.say(
                "Flagged for discussion" if self.session.view().flag is not None else "Unflagged"
            )

    def action_next(self) -> None:
        ok, moved = self._try(self.session.next)
        if ok:
            self.say("" if moved else "End of the queue: everything here is reviewed.")
            self.redraw(highlighted=0)

    def action_previous(self) -> None:
        moved = self.session.previous()
        self.say("" if moved else "This is the first comment of the queue.")
        self.redraw(highlighted=0)

    def action_undo(self) -> None:
        ok, event = self._try(self.session.undo)
        if ok:
            self.say(f"Undid {event.action}" if event else "Nothing to undo")
            self.redraw()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self._help_rows()))

    def action_quit(self) -> None:
        self.app.exit()

    # -- helpers ----------------------------------------------------------------------------

    def _add(self, remedy: str) -> None:
        if self.session.view() is None:
            return
        start, end = self._take_selection()
        label = self.session.codebook.remedy(remedy).label
        last = len(self.session.view().items)
        self._decide(lambda: self.session.add(remedy, None, start, end), f"Added {label}", last)

    def _decide(self, call, done: str | None, highlighted: int | None = None) -> None:
        """Run one session decision (stored before anything is redrawn), then redraw."""
        ok, changed = self._try(call)
        if not ok:
            return
        if done is not None:
            self.say(done if changed is not False else f"{done} (no change)")
        self.redraw(highlighted)

    def _try(self, call) -> tuple[bool, object]:
        """Call the session; a problem (bad input, a store locked too long) becomes a message.

        Returns (whether it worked, the call's result); nothing is stored when it failed.
        """
        try:
            return True, call()
        except RemedyError as error:
            self.say(f"Error: {error}")
            return False, None

    def _selected_index(self) -> int | None:
        index = self.query_one(ItemList).highlighted
        if index is None:
            self.say("Nothing selected here: + adds a remedy.")
        return index

    def _selected_item(self) -> Item | None:
        view = self.session.view()
        index = self.query_one(ItemList).highlighted
        if view is None or index is None or index >= len(view.items):
            return None
        return view.items[index]

    def _selection(self) -> tuple[int | None, int | None]:
        """The text selected in the comment as (start, end) offsets, or (None, None)."""
        found = self.query_one(CommentText).selected_range()
        return found if found else (None, None)

    def _take_selection(self) -> tuple[int | None, int | None]:
        """The selection, cleared: it is used as evidence once."""
        found = self._selection()
        text = self.query_one(CommentText)
        text.selection = Selection.cursor(text.selection.end)
        return found

    def _help_rows(self) -> list[tuple[str, str]]:
        """(keys, description) per binding of ours, keys of one binding together."""
        rows: dict[str, tuple[list[str], str]] = {}
        for key, binding in self._bindings:
            if binding.id and binding.description:
                keys, _ = rows.setdefault(binding.id, ([], binding.description))
                keys.append(self.app.get_key_display(binding.with_key(key)))
        return [(" ".join(keys), description) for keys, description in rows.values()]


def screen_for(session: CodingSession) -> CodingScreen:
    """A coding screen whose bindings include the codebook's hotkeys."""
    extra = [
        _hotkey_binding(session, key, kind, code_id)
        for key, (kind, code_id) in hotkeys(session.codebook).items()
    ]
    cls = type("CodebookCodingScreen", (CodingScreen,), {"BINDINGS": extra})
    return cls(session)


def _hotkey_binding(session: CodingSession, key: str, kind: str, code_id: str) -> Binding:
    code = (
        session.codebook.effect(code_id) if kind == "effect" else session.codebook.remedy(code_id)
    )
    action = "effect" if kind == "effect" else "remedy"
    verb = "Effect:" if kind == "effect" else "Add"
    return Binding(
        key if key.isalnum() else _character_to_key(key),
        f"{action}('{code_id}')",
        f"{verb} {code.label}",
        show=False,
        id=f"{kind}.{code_id}",
    )


class CodingApp(App[None]):
    """`remedycoder code`: built with a ready session; all decisions go through it."""

    CSS_PATH = "remedycoder.tcss"
    TITLE = "remedycoder"

    def __init__(self, session: CodingSession) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.push_screen(screen_for(self.session))


def hotkey_legend(session: CodingSession) -> str:
    """`Effect keys: 1 Helped  2 Partial ...   Remedy keys: c Caffeine` from the codebook."""
    keys = hotkeys(session.codebook)
    effects = [
        f"{k} {session.codebook.effect(c).label}" for k, (t, c) in keys.items() if t == "effect"
    ]
    remedies = [
        f"{k} {session.codebook.remedy(c).label}" for k, (t, c) in keys.items() if t == "remedy"
    ]
    parts = []
    if effects:
        parts.append("Effect keys: " + "  ".join(effects))
    if remedies:
        parts.append("Remedy keys: " + "  ".join(remedies))
    return "   ".join(parts) or "No codebook hotkeys: + adds a remedy by name."


def _short(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
