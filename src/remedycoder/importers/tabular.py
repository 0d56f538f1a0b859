"""CSV and XLSX comments: one row each; named columns to Comment fields, others to attributes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from remedycoder.errors import ImportFormatError
from remedycoder.importers.fields import comment_from_record
from remedycoder.importers.text import read_text
from remedycoder.models import Comment

csv.field_size_limit(2**31 - 1)


@dataclass
class Columns:
    """Which column holds which Comment field; None means 'use the usual name if present'."""

    text: str | None = None
    id: str | None = None
    author: str | None = None
    date: str | None = None
    parent: str | None = None
    url: str | None = None


def read_csv(path: Path, columns: Columns, warnings: list[str]) -> Iterator[Comment]:
    decoded = read_text(path)
    if decoded.warning:
        warnings.append(decoded.warning)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff(decoded.text)
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError(
            f"{path}: the file is empty.", "Add a header row and comments."
        ) from None
    except csv.Error as exc:
        raise ImportFormatError(f"{path}:1: the header row is malformed ({exc}).") from None
    mapping = _mapping(path, header, columns)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(
                f"{path}:{line}: malformed CSV ({exc}).",
                "Check the quotes on this line; a quote inside a field must be doubled.",
            ) from None
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ImportFormatError(
                f"{path}:{line}: {len(row)} fields, but the header has {len(header)}.",
                "Quote fields that contain the delimiter.",
            )
        yield from _row_comment(path, f"{path}:{line}", line, header, row, mapping, warnings)


def read_xlsx(
    path: Path, columns: Columns, warnings: list[str], sheet: str | None = None
) -> Iterator[Comment]:
    from openpyxl import load_workbook

    _check_workbook_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ImportFormatError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}).",
            "Open and save it in Excel or LibreOffice as .xlsx, or export CSV.",
        ) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ImportFormatError(
                f"{path}: no sheet named `{sheet}` (sheets: {', '.join(workbook.sheetnames)})."
            )
        rows = workbook[sheet or workbook.sheetnames[0]].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        if not any(header):
            raise ImportFormatError(f"{path}: the first sheet has no header row.")
        mapping = _mapping(path, header, columns)
        for number, values in enumerate(rows, start=2):
            row = ["" if v is None else v for v in values]
            if not any(str(v).strip() for v in row):
                continue
            where = f"{path}: row {number}"
            yield from _row_comment(path, where, number, header, row, mapping, warnings)
    finally:
        workbook.close()


MAX_XLSX_BYTES = 4 << 30
"""An .xlsx (a zip archive) may unpack to at most this much (4 GiB)..."""
MAX_XLSX_RATIO = 200
"""...and no part of it to more than this many times its packed size once over 1 MiB."""


def _check_workbook_archive(path: Path) -> None:
    """Refuse a zip bomb before openpyxl unpacks it (a 400 KB file can hold gigabytes)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl reports an unreadable workbook with its own message
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_XLSX_BYTES or (info.file_size > 1 << 20 and ratio > MAX_XLSX_RATIO):
            raise ImportFormatError(
                f"{path}: part `{info.filename}` would unpack to {info.file_size:,} bytes "
                f"({ratio:,.0f} times its packed size); refused as a possible zip bomb.",
                "Open and save it in Excel or LibreOffice, or export CSV.",
            )


def _sniff(text: str) -> str:
    """The delimiter that splits the header row into the most columns (a comma on a tie).

    Only the header is read: csv.Sniffer looks at the comments too and can take a comma file
    whose texts are full of `;` for a semicolon file.
    """
    header = text.split("\n", 1)[0].rstrip("\r")
    best, most = ",", 1
    for delimiter in ",;\t|":
        try:
            columns = len(next(csv.reader([header], delimiter=delimiter), []))
        except csv.Error:  # e.g. a stray carriage return: the reader will say where
            continue
        if columns > most:
            best, most = delimiter, columns
    return best


_USUAL = {
    "text": ("text", "comment", "body", "content", "message"),
    "id": ("id", "comment_id"),
    "author": ("author", "name", "user", "username"),
    "date": ("posted_at", "date", "created_at", "timestamp"),
    "parent": ("parent_id", "parent"),
    "url": ("url", "link"),
}
_FIELD = {
    "text": "text",
    "id": "id",
    "author": "author",
    "date": "posted_at",
    "parent": "parent_id",
    "url": "url",
}
_OPTION = {
    "text": "--text-col",
    "id": "--id-col",
    "author": "--author-col",
    "date": "--date-col",
    "parent": "--parent-col",
    "url": "--url-col",
}


def _mapping(path: Path, header: Sequence[str], columns: Columns) -> dict[str, str]:
    """Column name -> Comment field, from the options or the usual names."""
    lowered = {h.strip().lower(): h for h in header}
    mapping: dict[str, str] = {}
    for key, usual in _USUAL.items():
        chosen = getattr(columns, key)
        if chosen is not None:
            if chosen not in header:
                raise ImportFormatError(
                    f"{path}: no column `{chosen}` for {_OPTION[key]} "
                    f"(columns: {', '.join(header)}).",
                    f"Name one of the columns with {_OPTION[key]}.",
                )
            mapping[chosen] = _FIELD[key]
            continue
        found = next((lowered[u] for u in usual if u in lowered), None)
        if found is not None and found not in mapping:
            mapping[found] = _FIELD[key]
    if "text" not in mapping.values():
        raise ImportFormatError(
            f"{path}: no text column found (columns: {', '.join(header)}).",
            "Say which column holds the comment text with --text-col NAME.",
        )
    return mapping


def _row_comment(
    path: Path,
    where: str,
    number: int,
    header: Sequence[str],
    row: Sequence[Any],
    mapping: dict[str, str],
    warnings: list[str],
) -> Iterator[Comment]:
    record: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    filled = set(mapping.values())
    for name, value in zip(header, row, strict=False):
        if name in mapping:
            record[mapping[name]] = value
        elif name in filled or name == "attributes":
            # e.g. a column called `text` when --text-col chose another: keep it as data.
            attributes[name] = value
        else:
            record[name] = value
    if attributes:
        record["attributes"] = attributes
    text = record.get("text")
    if text is None or str(text).strip() == "":
        warnings.append(f"{where}: empty text; row not imported.")
        return
    record["text"] = str(text)
    yield comment_from_record(
        record, where, default_source=path.name, fallback_id=f"{path.stem}:{number}"
    )
