"""Reading user files as text: UTF-8 (with or without BOM), else Windows-1252, said out loud."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from remedycoder.errors import ImportFormatError


@dataclass
class DecodedText:
    text: str
    encoding: str
    warning: str = ""


def read_text(path: Path) -> DecodedText:
    """Decode a corpus file; refuse binary data with a message naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read the file ({exc.strerror}).") from None
    return decode_bytes(raw, path)


def decode_bytes(raw: bytes, path: Path) -> DecodedText:
    nul = raw.find(b"\x00")
    if nul != -1:
        line = raw.count(b"\n", 0, nul) + 1
        raise ImportFormatError(
            f"{path}:{line}: the file contains NUL bytes, so it is binary or UTF-16, not text.",
            "Save it as UTF-8 text (or export CSV/JSONL from the program that made it).",
        )
    try:
        return DecodedText(raw.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        line = raw.count(b"\n", 0, utf8_error.start) + 1
        raise ImportFormatError(
            f"{path}:{line}: byte {utf8_error.start} is neither UTF-8 nor Windows-1252 text.",
            "Save the file as UTF-8 and import it again.",
        ) from None
    line = raw.count(b"\n", 0, utf8_error.start) + 1
    return DecodedText(
        text,
        "cp1252",
        f"{path}: not valid UTF-8 (first at line {line}); read it as Windows-1252 (cp1252). "
        "Check accented letters and curly quotes in the imported text.",
    )
