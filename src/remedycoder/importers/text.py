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
    except UnicodeDecodeError:
        pass
    return _decode_lines(raw, path)


def _decode_lines(raw: bytes, path: Path) -> DecodedText:
    """Line by line: UTF-8 lines stay UTF-8, the others are read as Windows-1252.

    A file pasted together from several sources can mix the two; decoding it whole as cp1252
    would garble every UTF-8 line ("café" -> "cafÃ©"), so only the lines that need it fall back.
    """
    parts: list[str] = []
    fallback: list[int] = []
    for number, line in enumerate(raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        try:
            parts.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError as exc:
            utf8_error = exc
        try:
            parts.append(line.decode("cp1252"))
        except UnicodeDecodeError:
            raise ImportFormatError(
                f"{path}:{number}: byte {utf8_error.start + 1} of the line is neither UTF-8 nor "
                "Windows-1252 text.",
                "Save the file as UTF-8 and import it again.",
            ) from None
        fallback.append(number)
    lines = f"line {fallback[0]}"
    if len(fallback) > 1:
        lines = f"{len(fallback)} lines, the first is line {fallback[0]}"
    return DecodedText(
        "\n".join(parts),
        "cp1252",
        f"{path}: not valid UTF-8 ({lines}); read those lines as Windows-1252 (cp1252). "
        "Check accented letters and curly quotes in the imported text.",
    )
