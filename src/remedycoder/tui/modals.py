"""Dialogs over the coding screen: the remedy picker, a note, and help (also adjudication's)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from remedycoder.models import RemedyCode

Lookup = Callable[[str], list[RemedyCode]]


class RemedyPicker(ModalScreen[str | None]):
    """Type a label, term or misspelling; Enter adds the highlighted remedy, Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
    ]

    def __init__(self, lookup: Lookup, evidence: str | None = None) -> None:
        super().__init__()
        self._lookup = lookup
        self._evidence = evidence

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Add a remedy: type a label, term or misspelling, Enter to add")
            if self._evidence:
                yield Label(f'Evidence: "{self._evidence}"', id="picker-evidence")
            yield Input(placeholder="remedy", id="picker-input")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for code in self._lookup(query):
            label = Text(code.label, style="bold")
            label.append(f"  {code.id}", style="dim")
            options.add_option(Option(label, id=code.id))
        if options.option_count:
            options.highlighted = 0

    def _choose(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.notify("No remedy matches; change the text or press Escape.")
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)


class NoteInput(ModalScreen[str | None]):
    """One line of note text: Enter saves (empty removes the note), Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self._title)
            yield Input(value=self._text, placeholder="note", id="note-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


CODING_NOTES = (
    "Up/Down choose a suggestion; Enter shows why it was suggested.\n"
    "Select text in the comment (Tab to it, shift+arrows or the mouse) to use it as "
    "evidence for a, + or a remedy hotkey.\nEvery decision is saved at once; n marks "
    "the comment reviewed even when there is nothing to code."
)


class HelpScreen(ModalScreen[None]):
    """The keys in use (including the codebook's hotkeys) and `notes` on how the screen works;
    any of Escape, ? or q closes it."""

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str]], notes: str = CODING_NOTES) -> None:
        super().__init__()
        self._rows = rows
        self._notes = notes

    def compose(self) -> ComposeResult:
        text = Text("Keys\n\n", style="bold")
        for key, description in self._rows:
            text.append(f"{key:>12}  ", style="bold")
            text.append(f"{description}\n")
        text.append(f"\n{self._notes}", style="dim")
        with Vertical(id="dialog"):
            yield Static(text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
