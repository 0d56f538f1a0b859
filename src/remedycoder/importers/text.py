"""Reading user files as text: UTF-8 (with or without BOM), else Windows-1252, said out loud."""

from __future__ import annotations

from collections.abc import Iterator
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
    fallback: list[int] = []
    lines = raw.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    parts = [_decode_line(line, n, path, fallback) for n, line in enumerate(lines, start=1)]
    return DecodedText("\n".join(parts), "cp1252", _fallback_warning(path, fallback))


def iter_lines(path: Path, warnings: list[str]) -> Iterator[tuple[int, str]]:
    """(line number, text) of a text file, streamed: memory stays flat however big the file.

    The same rules as `read_text`, line by line: NUL bytes are refused, lines that are not
    UTF-8 are read as Windows-1252 and a warning (added at the end) says which.
    """
    fallback: list[int] = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read the file ({exc.strerror}).") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if b"\x00" in raw:
                raise ImportFormatError(
                    f"{path}:{number}: the file contains NUL bytes, so it is binary or UTF-16, "
                    "not text.",
                    "Save it as UTF-8 text (or export CSV/JSONL from the program that made it).",
                )
            yield number, _decode_line(raw.removesuffix(b"\n"), number, path, fallback)
    if fallback:
        warnings.append(_fallback_warning(path, fallback))


def _decode_line(line: bytes, number: int, path: Path, fallback: list[int]) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = line.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFormatError(
            f"{path}:{number}: byte {utf8_error.start + 1} of the line is neither UTF-8 nor "
            "Windows-1252 text.",
            "Save the file as UTF-8 and import it again.",
        ) from None
    fallback.append(number)
    return text


def _fallback_warning(path: Path, fallback: list[int]) -> str:
    lines = f"line {fallback[0]}"
    if len(fallback) > 1:
        lines = f"{len(fallback)} lines, the first is line {fallback[0]}"
    return (
        f"{path}: not valid UTF-8 ({lines}); read those lines as Windows-1252 (cp1252). "
        "Check accented letters and curly quotes in the imported text."
    )
