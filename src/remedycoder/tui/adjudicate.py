"""The adjudication screen: a Textual app over an `Adjudication` built outside and passed in.

One disagreement at a time: the comment with each coder's evidence in the coder's colour,
what each coder coded, and the numbered choices of `adjudicate.options`. Keys become
`Adjudication` calls (each choice is stored before the screen moves on); the screen then
redraws from it. Bindings carry ids so users can remap them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option as ListOption

from remedycoder.adjudicate import Adjudication, options, parse_choice
from remedycoder.agreement import Disagreement
from remedycoder.errors import RemedyError
from remedycoder.models import Codebook, Coding
from remedycoder.tui.modals import HelpScreen
from remedycoder.tui.widgets import PALETTE, CommentText

CODER_COLORS = (PALETTE[1], PALETTE[3], PALETTE[4], PALETTE[5], PALETTE[6], PALETTE[7])
SHARED_COLOR = PALETTE[2]
"""Evidence that more than one coder marked."""

HELP_NOTES = (
    "Each choice is stored at once as the consensus coder's codings, and the event log "
    "records you as the one who decided; the screen then moves to the next disagreement "
    "not decided yet.\nUp/Down and Enter choose too. Skipped disagreements stay for the "
    "next run: `remedycoder adjudicate` again continues with what is left."
)


class EvidenceText(CommentText):
    """The comment with each coder's evidence filled in the coder's colour."""

    def __init__(self, coders: Sequence[str], **kwargs) -> None:
        self._coders = list(coders)
        super().__init__({}, **kwargs)

    def mark_styles(self) -> dict[str, Style]:
        styles = {
            f"coder.{i}": Style(color="white", bgcolor=coder_color(i), bold=True)
            for i in range(len(self._coders))
        }
        styles["coder.shared"] = Style(color="white", bgcolor=SHARED_COLOR, bold=True)
        return styles


class ChoiceList(OptionList):
    """The numbered choices; Enter on one chooses it (the screen handles the message)."""

    def show(self, lines: list[tuple[str, Text]], highlighted: int | None) -> None:
        self.clear_options()
        self.add_options([ListOption(text, id=key) for key, text in lines])
        if lines:
            self.highlighted = min(highlighted or 0, len(lines) - 1)


class AdjudicationScreen(Screen[None]):
    """One disagreement at a time: the comment, what each coder coded, the choices."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"choose('{n}')", f"Choose {n}", show=False, id=f"choose.{n}")
            for n in range(1, 10)
        ),
        Binding("s", "skip", "Skip", id="skip"),
        Binding("n", "next", "Next", id="next"),
        Binding("p", "previous", "Prev", id="previous"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, adjudication: Adjudication) -> None:
        super().__init__()
        self.adjudication = adjudication

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress", markup=False)
        yield Static(id="meta", markup=False)
        yield EvidenceText(self.adjudication.coders, id="comment")
        yield Static(id="coders", markup=False)
        yield Static("Choose (1-9, or Up/Down and Enter)", id="choices-title")
        yield ChoiceList(id="choices")
        yield Static(id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        a = self.adjudication
        self.app.sub_title = f"adjudicator: {a.adjudicator}  ·  consensus: {a.consensus}"
        if a.seeded:
            self.say(f"{a.seeded} agreed codings copied to `{a.consensus}`.")
        self.redraw()
        self.query_one(ChoiceList).focus()

    # -- drawing ----------------------------------------------------------------------------

    def redraw(self) -> None:
        """Show the current disagreement (after every choice and move)."""
        disagreement = self.adjudication.current
        self.query_one("#progress", Static).update(self._progress_line(disagreement))
        if disagreement is None:
            self._show_end()
            return
        comment = self.adjudication.comment(disagreement)
        text = comment.text if comment else "(This comment is no longer in the store.)"
        self.query_one(EvidenceText).show(text, coder_marks(disagreement, self.adjudication.coders))
        self.query_one("#meta", Static).update(self._meta_line(disagreement))
        self.query_one("#coders", Static).update(self._coders_text(disagreement))
        chosen = self.adjudication.choice_for(disagreement)
        lines = [
            (o.key, _option_line(o.key, o.label, o.choice == chosen)) for o in options(disagreement)
        ]
        self.query_one(ChoiceList).show(lines, 0)

    def _progress_line(self, disagreement: Disagreement | None) -> str:
        progress = self.adjudication.progress()
        text = f"{progress}"
        if disagreement is not None:
            remedy = _label(self.adjudication.codebook, disagreement.remedy)
            text += (
                f"   disagreement {progress.position + 1} of {progress.total}"
                f"   comment {disagreement.comment_id}  ·  {remedy} ({disagreement.kind})"
            )
        elif progress.total:
            text += "   END (p goes back, q quits)"
        return text

    def _meta_line(self, disagreement: Disagreement) -> Text:
        comment = self.adjudication.comment(disagreement)
        line = Text((comment and comment.author) or "(no author)")
        if comment and comment.posted_at:
            line.append(f"  ·  {comment.posted_at:%Y-%m-%d %H:%M}")
        line.append("   evidence: ")
        for i, coder in enumerate(self.adjudication.coders):
            line.append(f" {coder} ", style=Style(color="white", bgcolor=coder_color(i)))
            line.append(" ")
        line.append(" shared ", style=Style(color="white", bgcolor=SHARED_COLOR))
        return line

    def _coders_text(self, disagreement: Disagreement) -> Text:
        codebook = self.adjudication.codebook
        remedy = _label(codebook, disagreement.remedy)
        text = Text()
        for i, coder in enumerate(self.adjudication.coders):
            if coder not in disagreement.values:
                continue
            if text:
                text.append("\n")
            text.append("■ ", style=coder_color(i))
            text.append(coder, style="bold")
            codings = disagreement.codings.get(coder, [])
            if not codings:
                text.append(f": did not code {remedy}", style="dim")
            for coding in codings:
                text.append("\n")
                text.append_text(_coding_line(codebook, coding))
        return text

    def _show_end(self) -> None:
        a = self.adjudication
        progress = a.progress()
        names = ", ".join(a.coders)
        if not progress.disagreements:
            text = f"No disagreements between {names}: nothing to decide. q quits."
        elif not progress.total:
            text = (
                f"All {progress.disagreements} disagreements between {names} were decided "
                "before (--redo shows them again). q quits."
            )
        elif progress.left:
            text = (
                f"End of the list: {progress} ({progress.left} skipped; p goes back to them, "
                "or run again later). q quits."
            )
        else:
            text = f"All {progress.total} disagreements decided. q quits."
        self.query_one(EvidenceText).show(text, [])
        self.query_one("#meta", Static).update("")
        self.query_one("#coders", Static).update("")
        self.query_one(ChoiceList).show([], None)

    def say(self, text: str) -> None:
        self.query_one("#message", Static).update(text)

    # -- messages from widgets --------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.action_choose(event.option.id)

    # -- actions ----------------------------------------------------------------------------

    def action_choose(self, key: str) -> None:
        disagreement = self.adjudication.current
        if disagreement is None:
            return
        choice = parse_choice(disagreement, key)
        if choice is None:
            self.say(f"No choice {key} here.")
            return
        try:
            self.adjudication.choose(choice)
        except RemedyError as error:
            self.say(f"Error: {error}")
            return
        self.say(f"Stored {disagreement.comment_id} · {disagreement.remedy}: {choice}")
        self.redraw()

    def action_skip(self) -> None:
        current = self.adjudication.current
        if self.adjudication.skip() and current is not None:
            self.say(f"Skipped {current.comment_id} · {current.remedy}")
        self.redraw()

    def action_next(self) -> None:
        self.say("" if self.adjudication.next() else "This is the end of the list.")
        self.redraw()

    def action_previous(self) -> None:
        moved = self.adjudication.previous()
        self.say("" if moved else "This is the first disagreement.")
        self.redraw()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self._help_rows(), HELP_NOTES))

    def action_quit(self) -> None:
        self.app.exit()

    def _help_rows(self) -> list[tuple[str, str]]:
        """(keys, description) per binding of ours; the number keys as one row."""
        rows: dict[str, tuple[list[str], str]] = {"choose": ([], "Choose the numbered option")}
        for key, binding in self._bindings:
            if not (binding.id and binding.description):
                continue
            group = "choose" if binding.id.startswith("choose.") else binding.id
            keys, _ = rows.setdefault(group, ([], binding.description))
            keys.append(self.app.get_key_display(binding.with_key(key)))
        return [(" ".join(keys), description) for keys, description in rows.values() if keys]


class AdjudicationApp(App[None]):
    """`remedycoder adjudicate`: built with a ready adjudication; all choices go through it."""

    CSS_PATH = ["remedycoder.tcss", "adjudicate.tcss"]
    TITLE = "remedycoder adjudicate"

    def __init__(self, adjudication: Adjudication) -> None:
        super().__init__()
        self.adjudication = adjudication

    def on_mount(self) -> None:
        self.push_screen(AdjudicationScreen(self.adjudication))


# --- pure helpers ------------------------------------------------------------------------------


def coder_color(index: int) -> str:
    return CODER_COLORS[index % len(CODER_COLORS)]


def coder_marks(disagreement: Disagreement, coders: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, style) per stretch of evidence: `coder.I` where only coder I marked it,
    `coder.shared` where several did. With A's evidence at 0-10 and B's at 5-20:
    [(0, 5, "coder.0"), (5, 10, "coder.shared"), (10, 20, "coder.1")].
    """
    spans = [
        (c.start, c.end, i)
        for i, coder in enumerate(coders)
        for c in disagreement.codings.get(coder, [])
        if c.start is not None and c.end is not None and c.end > c.start
    ]
    cuts = sorted({p for start, end, _ in spans for p in (start, end)})
    marks: list[tuple[int, int, str]] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        who = {i for start, end, i in spans if start <= lo and hi <= end}
        if not who:
            continue
        style = f"coder.{who.pop()}" if len(who) == 1 else "coder.shared"
        if marks and marks[-1][1] == lo and marks[-1][2] == style:
            marks[-1] = (marks[-1][0], hi, style)
        else:
            marks.append((lo, hi, style))
    return marks


def _coding_line(codebook: Codebook | None, coding: Coding) -> Text:
    """`    Partial  "Coffee helped a bit"  note: only some days`."""
    line = Text("    ")
    line.append(_label(codebook, coding.effect, effect=True), style="bold")
    if coding.quote:
        line.append(f'  "{_short(coding.quote)}"', style="italic")
    if coding.note:
        line.append(f"  note: {coding.note}", style="dim")
    return line


def _option_line(key: str, label: str, chosen: bool) -> Text:
    line = Text(f"{key}) ", style="bold")
    line.append(label)
    if chosen:
        line.append("   ✓ chosen", style="bold green")
    return line


def _label(codebook: Codebook | None, code_id: str, *, effect: bool = False) -> str:
    if codebook is None:
        return code_id
    code = codebook.effect(code_id) if effect else codebook.remedy(code_id)
    return code.label if code else code_id


def _short(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
