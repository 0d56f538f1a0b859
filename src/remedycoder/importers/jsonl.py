"""JSONL comments: one object a line with at least `id` and `text`; unknown keys to attributes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from remedycoder.errors import ImportFormatError
from remedycoder.importers.fields import comment_from_record
from remedycoder.importers.text import iter_lines
from remedycoder.models import Comment


def read_jsonl(path: Path, warnings: list[str]) -> Iterator[Comment]:
    """Stream comments; a bad line stops the import with its line number."""
    # Lines end at \n only: str.splitlines() would also break at U+2028, U+0085 and other
    # characters that JSON writers leave raw inside strings.
    for number, line in iter_lines(path, warnings):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            # json's messages read "Expecting value" or "Unterminated string starting at".
            what = f"{exc.msg}{'' if exc.msg.endswith(' at') else ' at'} column {exc.colno}"
            raise ImportFormatError(
                f"{where}: not valid JSON ({what}).",
                "Each line must be one complete JSON object; fix or remove this line.",
            ) from None
        if not isinstance(record, dict):
            raise ImportFormatError(
                f"{where}: expected a JSON object, got {type(record).__name__}.",
                'Write each comment as one object a line: {"id": "1", "text": "..."}.',
            )
        if "\\u" in line:
            _check_surrogates(record, where)
        if "id" not in record:
            raise ImportFormatError(
                f"{where}: the record has no `id`.", "Give every comment an id."
            )
        yield comment_from_record(record, where, default_source=path.name, fallback_id="")


def _check_surrogates(record: dict, where: str) -> None:
    """A `\\ud800`-style escape can encode half a character, which no store can hold."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ImportFormatError(
            f"{where}: a \\u escape encodes half a character (an unpaired UTF-16 surrogate).",
            "Fix or remove that escape; the program that wrote the file cut a character in two.",
        ) from None
