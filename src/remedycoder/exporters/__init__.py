"""Exports: the coded workbook, coding rows as CSV/JSONL, summary files, REFI-QDA.

`export_codings` is the one entry point the CLI calls for xlsx, csv and jsonl; every writer
goes through `sanitize.Sanitizer` and `atomic.atomic_path`. Heavy libraries (pandas,
openpyxl) load only when an export runs, so importing this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from remedycoder.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from remedycoder.exporters.xlsx import ExportInfo
    from remedycoder.models import Codebook, Coding, Comment

FORMATS = ("xlsx", "csv", "jsonl")
"""Formats written here; `qdpx` and `qdc` are in `exporters.qdpx`."""
DEFAULT_NAMES = {"xlsx": "coded.xlsx", "csv": "codings.csv", "jsonl": "codings.jsonl"}


@dataclass
class Exported:
    """What an export wrote: the file, how many codings and comments, and text changes."""

    path: Path
    codings: int
    comments: int
    notes: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


def check_format(fmt: str) -> str:
    """The format name, lower-cased; InputError naming the choices otherwise."""
    name = fmt.strip().lower()
    if name not in FORMATS:
        raise InputError(
            f"--format {fmt}: not an export format.",
            f"Use one of {', '.join(FORMATS)}, qdpx or qdc.",
        )
    return name


def export_codings(
    fmt: str,
    path: str | Path,
    comments: Iterable[Comment],
    codings: Iterable[Coding] | pd.DataFrame,
    codebook: Codebook,
    *,
    coders: Sequence[str] | None = None,
    include_suggestions: bool = False,
    include_rejected: bool = False,
    agreement: pd.DataFrame | None = None,
    info: ExportInfo | None = None,
    reviews: Mapping[str, set[str]] | None = None,
) -> Exported:
    """Write `codings` (confirmed; + suggestions / rejections if asked) as xlsx, csv or jsonl.

    With `include_rejected`, `reviews` (coder -> reviewed comment ids) adds a `reviewed` row
    for each comment a coder reviewed without coding it, so `import-codings` elsewhere knows
    exactly which comments each coder looked at.
    """
    from remedycoder import tallies

    fmt = check_format(fmt)
    if fmt == "xlsx" and include_rejected:
        raise InputError(
            "--include-rejected: the workbook counts confirmed codings only.",
            "Use it with --format csv or jsonl (a full record for import-codings).",
        )
    comments = list(comments)
    frame = tallies.select_codings(
        tallies.codings_frame(codings),
        coders=coders,
        include_suggestions=include_suggestions,
        include_rejected=include_rejected,
    )
    if fmt == "xlsx":
        return _xlsx(path, comments, frame, codebook, agreement, info, coders, include_suggestions)
    if include_rejected and reviews:
        frame = _with_review_rows(frame, reviews, coders)
    return _rows(fmt, path, comments, frame, codebook)


def _with_review_rows(
    frame: pd.DataFrame, reviews: Mapping[str, set[str]], coders: Sequence[str] | None
) -> pd.DataFrame:
    """Add a `reviewed` row (no remedy, no effect) per reviewed comment a coder left uncoded."""
    import pandas as pd

    decided = set(zip(frame["comment_id"], frame["coder"], strict=True))
    markers = [
        {"id": f"reviewed:{coder}:{comment_id}", "comment_id": comment_id, "remedy": "",
         "effect": "", "coder": coder, "status": "reviewed", "quote": "", "note": "",
         "created_at": pd.Timestamp(0, tz="UTC"), "codebook_hash": "", "reason": ""}
        for coder, comment_ids in sorted(reviews.items())
        if coders is None or coder in coders
        for comment_id in sorted(comment_ids)
        if (comment_id, coder) not in decided
    ]  # fmt: skip
    if not markers:
        return frame
    extra = pd.DataFrame.from_records(markers, columns=frame.columns)
    return pd.concat([frame, extra], ignore_index=True)


def _xlsx(path, comments, frame, codebook, agreement, info, coders, include_suggestions):
    from remedycoder.exporters.xlsx import ExportInfo, write_workbook

    info = info or ExportInfo()
    info.coders, info.include_suggestions = list(coders or []), include_suggestions
    result = write_workbook(path, comments, frame, codebook, agreement=agreement, info=info)
    return Exported(
        result.path, result.codings, result.comments, result.report.notes(), result.sheets
    )


def _rows(fmt: str, path, comments, frame, codebook) -> Exported:
    from remedycoder import tallies
    from remedycoder.exporters.rows import coding_rows, write_csv, write_jsonl
    from remedycoder.exporters.sanitize import Sanitizer

    rows = coding_rows(frame, codebook, tallies.comments_frame(comments))
    sanitizer = Sanitizer()
    if fmt == "csv":
        written = write_csv(rows, path, sanitizer)
    else:
        written = write_jsonl(rows, path, {c.id: c.text for c in comments})
    return Exported(written, len(rows), len(comments), sanitizer.report.notes())
