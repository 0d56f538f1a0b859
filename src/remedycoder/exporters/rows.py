"""Coding rows for CSV and JSONL: one row per coding, the contract's columns first.

The contract columns (`comment_id, remedy, effect, coder, status, start, end, quote, note,
created_at`) come first so `import-codings` can read the file back; the rest add labels,
the parent and top-level group of the remedy, the comment's author, and provenance.
JSONL is the exact copy (no text altered) and also carries each comment's full text
(`comment_text`); CSV goes through the sanitizer.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from remedycoder.exporters.atomic import atomic_open
from remedycoder.exporters.sanitize import Sanitizer
from remedycoder.models import Codebook

CONTRACT_COLUMNS = [
    "comment_id",
    "remedy",
    "effect",
    "coder",
    "status",
    "start",
    "end",
    "quote",
    "note",
    "created_at",
]
EXTRA_COLUMNS = [
    "id",
    "suggestion_id",
    "remedy_label",
    "remedy_parent",
    "remedy_group",
    "effect_label",
    "author",
    "codebook_hash",
    "reason",
]
ROW_COLUMNS = CONTRACT_COLUMNS + EXTRA_COLUMNS


def coding_rows(
    codings: pd.DataFrame, codebook: Codebook, comments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The export rows, in a stable order: comment order (as imported), coder, time, id.

    `codings` is a `tallies.codings_frame`; `comments` (id, author) adds the author and
    the comment order. Timestamps stay pandas datetimes (UTC); writers format them.
    """
    rows = codings.copy()
    labels = {r.id: r.label for r in codebook.remedies}
    parents = {r.id: r.parent for r in codebook.remedies}
    rows["remedy_label"] = rows["remedy"].map(labels).fillna(rows["remedy"])
    rows["remedy_parent"] = rows["remedy"].map(parents)
    rows["remedy_group"] = rows["remedy"].map(_top_groups(codebook)).fillna(rows["remedy"])
    effect_labels = {e.id: e.label for e in codebook.effects}
    rows["effect_label"] = rows["effect"].map(effect_labels).fillna(rows["effect"])
    rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True)
    rows["_order"] = _comment_order(rows["comment_id"], comments)
    if comments is not None:
        rows["author"] = rows["comment_id"].map(comments.set_index("id")["author"])
    else:
        rows["author"] = None
    keys = ["_order", "comment_id", "coder", "created_at", "id"]
    rows = rows.sort_values(keys, kind="stable")
    return rows[ROW_COLUMNS].reset_index(drop=True)


def _top_groups(codebook: Codebook) -> dict[str, str]:
    """Each remedy's top-level ancestor (itself when it has no parent)."""
    return {r.id: ([r.id, *codebook.ancestors(r.id)])[-1] for r in codebook.remedies}


def _comment_order(comment_ids: pd.Series, comments: pd.DataFrame | None) -> pd.Series:
    """Position of each comment in the comments list; unknown comments sort last."""
    if comments is None:
        return pd.Series(0, index=comment_ids.index)
    position = pd.Series(range(len(comments)), index=comments["id"].to_numpy())
    position = position[~position.index.duplicated()]
    return comment_ids.map(position).fillna(len(comments)).astype("int64")


def iter_records(rows: pd.DataFrame) -> Iterator[dict]:
    """Rows as plain dicts with JSON types: None for missing, ISO 8601 times, ints."""
    columns = {name: _plain(rows[name]) for name in ROW_COLUMNS}
    for values in zip(*columns.values(), strict=True):
        yield dict(zip(columns, values, strict=True))


def _plain(column: pd.Series) -> list:
    """A column as Python values: NaN/NaT -> None, timestamps -> ISO strings, ints as ints."""
    if pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        return [None if isinstance(v, float) else v for v in text.tolist()]
    values = column.astype(object).tolist()
    return [None if _missing(v) else _int_if_whole(v) for v in values]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _int_if_whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def write_jsonl(
    rows: pd.DataFrame, path: str | Path, texts: Mapping[str, str] | None = None
) -> Path:
    """One JSON object per line, UTF-8, text exactly as stored. Atomic.

    With `texts` (comment id -> text) each row also carries `comment_text`: the complete
    comment, which the workbook must cut beyond 32,767 characters.
    """
    path = Path(path)
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as handle:
        for record in iter_records(rows):
            if texts is not None:
                record["comment_text"] = texts.get(record["comment_id"])
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def write_csv(rows: pd.DataFrame, path: str | Path, sanitizer: Sanitizer | None = None) -> Path:
    """RFC 4180 CSV, UTF-8, every text value through the CSV guard. Atomic."""
    path = Path(path)
    sanitizer = sanitizer or Sanitizer()
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ROW_COLUMNS)
        for record in iter_records(rows):
            writer.writerow([_csv_value(v, sanitizer) for v in record.values()])
    return path


def _csv_value(value, sanitizer: Sanitizer):
    if value is None:
        return ""
    if isinstance(value, str):
        return sanitizer.csv_text(value)
    return value
