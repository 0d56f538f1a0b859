"""The one sanitizer every export goes through: user text stays text, exactly where possible.

- xlsx: a string is always a string cell (never a formula, whatever it starts with);
  characters XML 1.0 cannot hold (C0 controls other than tab, newline and carriage return,
  lone surrogates, U+FFFE/U+FFFF) become U+FFFD, one for one, so evidence positions still
  index the text; a cell over 32,767 characters is cut and ends with a visible marker.
- CSV: the OWASP guard: a value starting with `=`, `+`, `-`, `@`, tab or carriage return
  gets a leading `'` so spreadsheet programs show it as text. A value that already starts
  with `'` gets one too, which makes the escape reversible: `unescape_csv` strips exactly
  one leading `'`.
- JSONL is never altered: it is the exact, complete copy.

`SanitizeReport` counts what was changed so the export can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

XLSX_MAX_CELL_CHARS = 32_767
XLSX_MAX_ROWS = 1_048_576
"""Rows per worksheet, header included."""

REPLACEMENT_CHAR = "\ufffd"
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
"""First characters that get the CSV `'` prefix (OWASP CSV injection, plus `'` itself)."""

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def truncation_marker(length: int) -> str:
    """The visible end of a cut cell, naming the full length and where the full text is."""
    return f" [... cut: {length:,} characters in all; full text: the JSONL export, comment_text]"


@dataclass
class SanitizeReport:
    """What the sanitizer changed during one export."""

    control_chars_replaced: int = 0
    cells_with_control_chars: int = 0
    cells_truncated: int = 0
    csv_values_prefixed: int = 0

    def notes(self) -> list[str]:
        """One human sentence per kind of change, for the About sheet and the CLI."""
        out = []
        if self.control_chars_replaced:
            out.append(
                f"{self.control_chars_replaced:,} control character(s) in "
                f"{self.cells_with_control_chars:,} cell(s) replaced by U+FFFD."
            )
        if self.cells_truncated:
            out.append(
                f"{self.cells_truncated:,} cell(s) over {XLSX_MAX_CELL_CHARS:,} characters cut; "
                "the JSONL export has the full text."
            )
        if self.csv_values_prefixed:
            out.append(
                f"{self.csv_values_prefixed:,} CSV value(s) starting with = + - @ tab CR or ' "
                "prefixed with ' so spreadsheets show them as text."
            )
        return out


class Sanitizer:
    """Cleans user text for one export and counts every change it makes."""

    def __init__(self) -> None:
        self.report = SanitizeReport()

    def xlsx_text(self, value: str) -> str:
        """Text safe for an xlsx string cell: illegal characters replaced, length capped."""
        if _XML_ILLEGAL.search(value):
            value, count = _XML_ILLEGAL.subn(REPLACEMENT_CHAR, value)
            self.report.control_chars_replaced += count
            self.report.cells_with_control_chars += 1
        if len(value) > XLSX_MAX_CELL_CHARS:
            marker = truncation_marker(len(value))
            value = value[: XLSX_MAX_CELL_CHARS - len(marker)] + marker
            self.report.cells_truncated += 1
        return value

    def csv_text(self, value: str) -> str:
        """Text a spreadsheet opening the CSV shows as text, never runs as a formula."""
        if value.startswith(CSV_TRIGGERS):
            self.report.csv_values_prefixed += 1
            return "'" + value
        return value


def unescape_csv(value: str) -> str:
    """Undo `Sanitizer.csv_text`: for importers reading our CSV back."""
    if value.startswith("'") and value[1:].startswith(CSV_TRIGGERS):
        return value[1:]
    return value
