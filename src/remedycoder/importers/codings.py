"""Read coding rows (JSONL or CSV) exported from another copy of the project.

Rows carry `comment_id, remedy, effect, coder, status, start, end, quote, note, created_at` and
optionally `id`, `suggestion_id`, `codebook_hash`, `reason` (other columns are ignored). A row
without an id gets a deterministic one from its content, so importing the same file twice adds
nothing. Every row is checked against the project's comments and codebook first; any problem
rejects the whole file, with each problem naming the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from remedycoder.errors import ImportFormatError
from remedycoder.exporters.sanitize import unescape_csv
from remedycoder.importers.text import read_text
from remedycoder.models import Codebook, Coding, coder_name_problem

REQUIRED = ("comment_id", "remedy", "effect", "coder", "status")
COLUMNS = REQUIRED + ("start", "end", "quote", "note", "created_at")
OPTIONAL = ("id", "suggestion_id", "codebook_hash", "reason")
STATUSES = ("suggested", "confirmed", "rejected")
REVIEWED = "reviewed"
"""Status of a row that only records a review (a comment with nothing to code)."""
MAX_PROBLEMS = 20
ROW_ID_NAMESPACE = uuid.UUID("0b7c3f57-3c55-5a4e-9a8e-636f64696e67")
"""uuid5 namespace for ids made from a row's content; fixed forever."""


@dataclass
class MergePlan:
    """How incoming codings relate to the stored ones (by id)."""

    new: list[Coding] = field(default_factory=list)
    changed: list[tuple[Coding, Coding]] = field(default_factory=list)  # (stored, incoming)
    unchanged: int = 0


@dataclass
class CodingsFile:
    """One file's codings, and the comments its `reviewed` rows mark as reviewed, per coder."""

    path: Path
    codings: list[Coding]
    reviews: dict[str, set[str]] = field(default_factory=dict)


def read_codings(path: Path, comment_ids: Container[str], codebook: Codebook) -> list[Coding]:
    """The codings of a file (see `read_codings_file`)."""
    return read_codings_file(path, comment_ids, codebook).codings


def read_codings_file(path: Path, comment_ids: Container[str], codebook: Codebook) -> CodingsFile:
    """Parse and check every row; raise ImportFormatError listing the problems (nothing kept).

    A row with status `reviewed` (remedy and effect empty) only says that its coder reviewed
    the comment, for the comments where that coder found nothing to code.
    """
    path = Path(path)
    result = CodingsFile(path, [])
    problems: list[str] = []
    bad_rows = 0
    for line, row in _rows(path):
        row_problems = _take_row(row, comment_ids, codebook, result)
        problems.extend(f"{path}:{line}: {p}" for p in row_problems)
        bad_rows += bool(row_problems)
        if len(problems) >= MAX_PROBLEMS:
            problems.append("(stopped after the first problems; there may be more)")
            _fail(path, problems, bad_rows, more=True)
    if problems:
        _fail(path, problems, bad_rows)
    result.codings = _dedupe(result.codings)
    return result


def _take_row(row, comment_ids: Container[str], codebook: Codebook, into: CodingsFile) -> list:
    if str(row.get("status") or "").strip() == REVIEWED:
        comment_id, coder = (
            _clean("comment_id", row.get("comment_id")),
            _clean("coder", row.get("coder")),
        )
        problems = list(_review_problems(comment_id, coder, comment_ids))
        if not problems:
            into.reviews.setdefault(coder, set()).add(comment_id)
        return problems
    coding, problems = _coding(row, comment_ids, codebook)
    if coding is not None:
        into.codings.append(coding)
    return problems


def _review_problems(comment_id, coder, comment_ids: Container[str]) -> Iterator[str]:
    if not coder:
        yield "field `coder` is empty; a `reviewed` row needs comment_id and coder."
    if not comment_id:
        yield "field `comment_id` is empty; a `reviewed` row needs comment_id and coder."
    elif comment_id not in comment_ids:
        yield (
            f"field `comment_id`: no comment `{comment_id}` in this project; import the "
            "comments first."
        )


def plan_merge(incoming: Iterable[Coding], stored: Mapping[str, Coding | None]) -> MergePlan:
    """Sort incoming codings into new / changed / unchanged against `stored` (id -> coding)."""
    plan = MergePlan()
    for coding in incoming:
        before = stored.get(coding.id)
        if before is None:
            plan.new.append(coding)
        elif _content(before) != _content(coding):
            plan.changed.append((before, coding))
        else:
            plan.unchanged += 1
    return plan


def implied_reviews(files: Iterable[CodingsFile]) -> dict[str, set[str]]:
    """The comments each coder in `files` (imported together) counts as having reviewed.

    A coder with `reviewed` rows reviewed exactly those comments plus the ones they coded.
    Rows carry no record of comments a coder looked at and found nothing in, so a coder
    without `reviewed` rows counts as having reviewed every comment that appears in the
    files (the usual double-coding design: each coder codes the same sample).
    """
    files = list(files)
    everything = {c.comment_id for f in files for c in f.codings}
    everything |= {cid for f in files for ids in f.reviews.values() for cid in ids}
    explicit: dict[str, set[str]] = {}
    for f in files:
        for coder, ids in f.reviews.items():
            explicit.setdefault(coder, set()).update(ids)
    out: dict[str, set[str]] = {}
    for f in files:
        for coding in f.codings:
            if coding.status == "suggested":
                continue
            if coding.coder in explicit:
                out.setdefault(coding.coder, set(explicit[coding.coder])).add(coding.comment_id)
            else:
                out[coding.coder] = everything
    for coder, ids in explicit.items():
        out.setdefault(coder, set(ids))
    return out


# --- reading rows ------------------------------------------------------------------------------


def _rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return list(_jsonl_rows(path, read_text(path).text))
    if suffix in (".csv", ".tsv", ".txt"):
        return list(_csv_rows(path, read_text(path).text))
    raise ImportFormatError(
        f"{path}: cannot tell the format of a codings file from its name.",
        "Give a .jsonl or .csv file as written by `remedycoder export --format jsonl|csv`.",
    )


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            _fail(path, [f"{path}:{line}: not valid JSON ({exc.msg}, column {exc.colno})."])
        if not isinstance(row, dict):
            _fail(path, [f"{path}:{line}: expected a JSON object with the coding's fields."])
        yield line, row


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        _fail(
            path,
            [
                f"{path}:1: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (the header has: {', '.join(header) or 'nothing'})."
            ],
        )
    line = 1
    for row in reader:
        start_line, line = line + 1, reader.line_num
        # our CSV export prefixes formula-like text with ' (exporters.sanitize); undo it
        yield start_line, {k: unescape_csv(v or "") for k, v in row.items() if k is not None}


def _fail(path: Path, problems: list[str], count: int = 1, more: bool = False) -> None:
    rows = f"{'at least ' if more else ''}{count} bad row{'s' if count != 1 else ''}"
    raise ImportFormatError(
        f"{path}: {rows}; nothing was imported from this "
        "file:\n" + "\n".join(f"  {p}" for p in problems),
        "Fix the rows (or the codebook, or import the comments first) and run the import again.",
    )


# --- one row -----------------------------------------------------------------------------------


def _coding(
    row: Mapping[str, Any], comment_ids: Container[str], codebook: Codebook
) -> tuple[Coding | None, list[str]]:
    values = {k: _clean(k, row.get(k)) for k in COLUMNS + OPTIONAL}
    problems = list(_field_problems(values, comment_ids, codebook))
    start, end, created_at = None, None, None
    try:
        start, end = _position(values["start"], "start"), _position(values["end"], "end")
        created_at = _moment(values["created_at"])
    except ValueError as exc:
        problems.append(str(exc))
    if start is not None and end is not None and end < start:
        problems.append(f"field `end`: {end} is before start {start}.")
    if (start is None) != (end is None):
        problems.append("fields `start`/`end`: give both evidence positions or neither.")
    if problems:
        return None, problems
    data = {k: values[k] for k in REQUIRED}
    extra = {k: values[k] for k in ("suggestion_id", "codebook_hash", "reason") if values[k]}
    if created_at is not None:
        extra["created_at"] = created_at
    coding = Coding(
        id=values["id"] or _row_id(values),
        start=start,
        end=end,
        quote=values["quote"] or "",
        note=values["note"] or "",
        **data,
        **extra,
    )
    return coding, []


def _field_problems(values, comment_ids: Container[str], codebook: Codebook) -> Iterator[str]:
    for name in REQUIRED:
        if not values[name]:
            yield f"field `{name}` is empty; every row needs {', '.join(REQUIRED)}."
    if values["comment_id"] and values["comment_id"] not in comment_ids:
        yield (
            f"field `comment_id`: no comment `{values['comment_id']}` in this project; import "
            "the comments first."
        )
    remedy = codebook.remedy(values["remedy"]) if values["remedy"] else None
    if values["remedy"] and remedy is None:
        yield f"field `remedy`: `{values['remedy']}` is not a remedy code of the codebook."
    elif remedy is not None and not remedy.codable:
        yield f"field `remedy`: `{remedy.id}` is a group, not a code that can be applied."
    if values["effect"] and codebook.effect(values["effect"]) is None:
        known = ", ".join(e.id for e in codebook.effects)
        yield f"field `effect`: `{values['effect']}` is not an effect code (known: {known})."
    if values["coder"] and (problem := coder_name_problem(values["coder"])):
        yield f"field `coder`: {values['coder']!r}: {problem}."
    if values["status"] and values["status"] not in STATUSES:
        known = ", ".join([*STATUSES, REVIEWED])
        yield f"field `status`: `{values['status']}` must be one of {known}."


def _clean(name: str, value: Any) -> Any:
    """Empty cells are None; ids and names are trimmed; quote, note and reason kept exactly."""
    if value is None or value == "":
        return None
    if name in ("start", "end"):
        return value
    if name in ("quote", "note", "reason"):
        return str(value)
    return str(value).strip() or None


def _position(value: Any, name: str) -> int | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"field `{name}`: `{value}` is not a whole number.") from None
    if number != int(number) or number < 0:
        raise ValueError(f"field `{name}`: `{value}` is not a whole number >= 0.")
    return int(number)


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(
            f"field `created_at`: `{value}` is not an ISO date-time like 2024-03-01T12:30:00Z."
        ) from None


def _row_id(values: Mapping[str, Any]) -> str:
    key = json.dumps([str(values[k]) if values[k] is not None else None for k in COLUMNS])
    return str(uuid.uuid5(ROW_ID_NAMESPACE, key))


def _content(coding: Coding) -> tuple:
    return tuple(getattr(coding, k) for k in COLUMNS + ("suggestion_id",))


def _dedupe(codings: list[Coding]) -> list[Coding]:
    """Rows repeated in one file count once (the last one wins)."""
    return list({c.id: c for c in codings}.values())
