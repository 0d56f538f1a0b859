"""Widgets of the coding screen: the comment with coloured evidence, and the item list."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import TextAreaTheme

from remedycoder.models import Codebook, Coding
from remedycoder.session import Item

PALETTE = ("#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#558b2f", "#5d4037")
"""Colours for codes whose codebook entry sets none."""

STATUS_MARK = {"suggested": "?", "confirmed": "✓", "rejected": "✗", "added": "+"}


def code_colors(codebook: Codebook) -> dict[str, str]:
    """A colour per remedy and effect id: the codebook's `color`, else one from the palette."""
    colors: dict[str, str] = {}
    for i, code in enumerate([*codebook.remedies, *codebook.effects]):
        colors[code.id] = _valid_color(code.color) or PALETTE[i % len(PALETTE)]
    return colors


def _valid_color(color: str | None) -> str | None:
    if not color:
        return None
    try:
        Style(color=color)
    except Exception:  # rich raises its own ColorParseError; a bad colour just falls back
        return None
    return color


class CommentText(TextArea):
    """The comment, read-only, with each code's evidence in its colour; select text with
    shift+arrows or the mouse to use it as evidence."""

    def __init__(self, colors: dict[str, str], **kwargs) -> None:
        self._colors = colors
        self._marks: list[tuple[int, int, str]] = []
        super().__init__(read_only=True, soft_wrap=True, show_line_numbers=False, **kwargs)

    def on_mount(self) -> None:
        self.register_theme(TextAreaTheme(name="remedycoder", syntax_styles=self.mark_styles()))
        self.theme = "remedycoder"

    def mark_styles(self) -> dict[str, Style]:
        """The style of each mark name: remedy evidence filled, effect cues underlined."""
        styles = {
            f"remedy.{k}": Style(color="white", bgcolor=v, bold=True)
            for k, v in self._colors.items()
        }
        styles.update(
            {
                f"effect.{k}": Style(underline=True, bold=True, color=v)
                for k, v in self._colors.items()
            }
        )
        return styles

    def show(self, text: str, marks: list[tuple[int, int, str]]) -> None:
        """Show a comment's text with (start, end, style name) marks."""
        if text != self.text:
            self._marks = []
            self.load_text(text)
        self._marks = marks
        self._build_highlight_map()
        self.refresh()

    def selected_range(self) -> tuple[int, int] | None:
        """The selected part of the text as code-point offsets, or None."""
        start, end = sorted(self.selection)
        if start == end:
            return None
        doc = self.document
        return doc.get_index_from_location(start), doc.get_index_from_location(end)

    def _build_highlight_map(self) -> None:
        """Highlights from our marks instead of a syntax tree (TextArea's own hook)."""
        self._line_cache.clear()
        self._highlights.clear()
        for start, end, name in self._marks:
            try:
                first = self.document.get_location_from_index(start)
                last = self.document.get_location_from_index(end)
            except ValueError:
                continue
            for row in range(first[0], last[0] + 1):
                line = self.document.get_line(row)
                lo = first[1] if row == first[0] else 0
                hi = last[1] if row == last[0] else len(line)
                self._highlights[row].append((_bytes(line, lo), _bytes(line, hi), name))


def _bytes(line: str, column: int) -> int:
    """TextArea highlights count UTF-8 bytes."""
    return len(line[:column].encode("utf-8"))


def evidence_marks(items: list[Item]) -> list[tuple[int, int, str]]:
    """Marks for what is not rejected: remedy terms and evidence filled, effect cues underlined."""
    marks: list[tuple[int, int, str]] = []
    for item in items:
        if item.status == "rejected":
            continue
        marks.extend(_coding_marks(item.coding))
    return marks


def _coding_marks(coding: Coding) -> list[tuple[int, int, str]]:
    marks = [
        (
            s.start,
            s.end,
            f"effect.{coding.effect}" if s.kind == "effect" else f"remedy.{coding.remedy}",
        )
        for s in coding.spans
        if s.kind != "negation"
    ]
    if coding.start is not None and coding.end is not None:
        marks.append((coding.start, coding.end, f"remedy.{coding.remedy}"))
    return marks


class ItemList(OptionList):
    """Suggestions for the comment and the coder's own codings, one line each."""

    def show(self, lines: list[Text], highlighted: int | None) -> None:
        self.clear_options()
        self.add_options([Option(line) for line in lines])
        if lines:
            self.highlighted = min(highlighted or 0, len(lines) - 1)


def _clip(quote: str, size: int = 70) -> str:
    """One calm line per item: the full evidence is highlighted in the comment above."""
    quote = " ".join(quote.split())
    return quote if len(quote) <= size else quote[: size - 1].rstrip() + "…"


def item_line(item: Item, codebook: Codebook, colors: dict[str, str]) -> Text:
    """`■ Caffeine → Partial  ✓ confirmed  "Coffee"` with the remedy's colour."""
    remedy = codebook.remedy(item.remedy)
    effect = codebook.effect(item.effect)
    line = Text("■ ", style=colors.get(item.remedy, ""))
    line.append(remedy.label if remedy else item.remedy, style="bold")
    line.append(" → ")
    line.append(effect.label if effect else item.effect, style=colors.get(item.effect, ""))
    line.append(
        f"   {STATUS_MARK[item.status]} {item.status}",
        style="dim" if item.status == "suggested" else "",
    )
    if item.coding.quote:
        line.append(f'   "{_clip(item.coding.quote)}"', style="italic")
    if item.decision is not None and item.decision.note:
        line.append(f"   note: {item.decision.note}", style="dim")
    if item.status == "rejected":
        line.stylize("strike dim")
    return line
