"""JSONL comments: one object a line with at least `id` and `text`; unknown keys to attributes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from remedycoder.errors import ImportFormatError
from remedycoder.importers.fields import comment_from_record
from remedycoder.importers.text import read_text
from remedycoder.models import Comment


def read_jsonl(path: Path, warnings: list[str]) -> Iterator[Comment]:
    """Stream comments; a bad line stops the import with its line number."""
    decoded = read_text(path)
    if decoded.warning:
        warnings.append(decoded.warning)
    for number, line in enumerate(decoded.text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(
                f"{where}: not valid JSON ({exc.msg} at column {exc.colno}).",
                "Each line must be one complete JSON object; fix or remove this line.",
            ) from None
        if not isinstance(record, dict):
            raise ImportFormatError(
                f"{where}: expected a JSON object, got {type(record).__name__}."
            )
        if "id" not in record:
            raise ImportFormatError(
                f"{where}: the record has no `id`.", "Give every comment an id."
            )
        yield comment_from_record(record, where, default_source=path.name, fallback_id="")
