"""Turning a flat record (a JSONL object, a CSV or XLSX row) into a Comment."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from remedycoder.errors import ImportFormatError
from remedycoder.models import AttributeValue, Comment

COMMENT_FIELDS = ("id", "text", "author", "author_url", "posted_at", "parent_id", "source", "url")
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%d %B %Y",
    "%B %d, %Y",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y",
)


def parse_datetime(value: Any, where: str) -> datetime | None:
    """ISO 8601 and a few unambiguous written forms; anything else is a clear error."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ImportFormatError(
        f"{where}: `{text[:40]}` is not a date remedycoder can read.",
        "Write dates as ISO 8601 (2011-04-02 or 2011-04-02T16:03), or leave the field empty.",
    )


def attribute_value(value: Any) -> AttributeValue:
    """Attributes hold scalars; nested values are kept as JSON text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def comment_from_record(
    record: dict[str, Any], where: str, *, default_source: str, fallback_id: str
) -> Comment:
    """Known fields go to the Comment, the rest to attributes. Ids are kept as given."""
    text = record.get("text")
    if not isinstance(text, str):
        what = "has no `text`" if text is None else "has a `text` that is not a string"
        raise ImportFormatError(f"{where}: the record {what}.", "Every comment needs its text.")
    raw_id = record.get("id")
    comment_id = fallback_id if raw_id is None or raw_id == "" else str(raw_id)
    values = {
        "id": comment_id,
        "text": text,
        "author": _optional_str(record.get("author")),
        "author_url": _optional_str(record.get("author_url")),
        "posted_at": parse_datetime(record.get("posted_at"), f"{where}: field posted_at"),
        "parent_id": _optional_str(record.get("parent_id")),
        "source": _optional_str(record.get("source")) or default_source,
        "url": _optional_str(record.get("url")),
    }
    extra = {k: attribute_value(v) for k, v in record.items() if k not in COMMENT_FIELDS}
    attributes = record.get("attributes")
    if isinstance(attributes, dict):
        extra.pop("attributes", None)
        extra.update({str(k): attribute_value(v) for k, v in attributes.items()})
    comment = Comment(**values, attributes=extra)
    comment._where = where
    return comment


def _optional_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
