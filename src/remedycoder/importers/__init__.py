"""Corpus importers: one module per source format, each turning a file into Comment records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from remedycoder.errors import ImportFormatError
from remedycoder.importers.tabular import Columns
from remedycoder.models import Comment, Source

FORMATS = ("thread", "jsonl", "csv", "xlsx", "qdpx")
_BY_SUFFIX = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".qdpx": "qdpx",
    ".txt": "thread",
    ".md": "thread",
}


@dataclass
class CorpusFile:
    """A file being imported: its source record, a stream of comments and warnings to show."""

    path: Path
    format: str
    source: Source
    comments: Iterator[Comment] | list[Comment]
    warnings: list[str] = field(default_factory=list)


def guess_format(path: Path) -> str:
    fmt = _BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise ImportFormatError(
            f"{path}: cannot tell the format from the name.",
            f"Say it with --format ({'|'.join(FORMATS[:-1])}).",
        )
    return fmt


def open_corpus(
    path: Path, fmt: str | None, columns: Columns, sheet: str | None = None
) -> CorpusFile:
    """Open one corpus file for import (comments stream where the format allows)."""
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file.", "Check the path.")
    fmt = fmt or guess_format(path)
    warnings: list[str] = []
    source = Source(name=path.name, path=str(path))
    if fmt == "thread":
        from remedycoder.importers.thread import read_thread

        result = read_thread(path)
        return CorpusFile(path, fmt, result.source, result.comments, result.warnings)
    if fmt == "jsonl":
        from remedycoder.importers.jsonl import read_jsonl

        return CorpusFile(path, fmt, source, read_jsonl(path, warnings), warnings)
    if fmt == "csv":
        from remedycoder.importers.tabular import read_csv

        return CorpusFile(path, fmt, source, read_csv(path, columns, warnings), warnings)
    if fmt == "xlsx":
        from remedycoder.importers.tabular import read_xlsx

        return CorpusFile(path, fmt, source, read_xlsx(path, columns, warnings, sheet), warnings)
    raise ImportFormatError(f"{path}: unknown format `{fmt}`.", f"Use one of {', '.join(FORMATS)}.")
