"""`remedycoder export [--format xlsx|csv|jsonl|qdpx|qdc] [--out PATH] [--coder NAME]`."""

from __future__ import annotations

import contextlib
import errno
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from remedycoder.cli.app import app, open_project
from remedycoder.errors import InputError, RemedyError

if TYPE_CHECKING:
    import pandas as pd

    from remedycoder.project import Project


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="xlsx (the workbook), csv or jsonl (coding rows), qdpx, qdc."
        ),
    ] = "xlsx",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default: exports/coded.xlsx, codings.csv...)."
        ),
    ] = None,
    coder: Annotated[
        list[str] | None,
        typer.Option(
            "--coder", help="Only these coders (repeat it or give a comma list; default: all)."
        ),
    ] = None,
    include_suggestions: Annotated[
        bool,
        typer.Option(help="Add the machine suggestions (coder `auto`, status `suggested`)."),
    ] = False,
    include_rejected: Annotated[
        bool,
        typer.Option(
            help="csv/jsonl: add rejected decisions and `reviewed` rows for comments reviewed "
            "with nothing coded (the full record for import-codings)."
        ),
    ] = False,
) -> None:
    """Write the coded data: the Excel workbook, coding rows (CSV/JSONL) or REFI-QDA.

    Confirmed codings of every coder by default. The workbook has the sheets Comments,
    Codings, Matrix, Summary (with a chart), Codebook, Agreement (two or more coders) and
    About. Text is written exactly, always as text (never a formula); the file appears only
    when complete. CSV values that start with = + - @ tab CR or ' get a leading ' (OWASP).
    Example: remedycoder export --format xlsx --coder alice --include-suggestions
    """
    project = open_project(ctx)
    coders = split_coders(coder)
    name = fmt.strip().lower()
    if name in ("qdpx", "qdc"):
        path = _export_qdpx(project, name, out, coders, include_suggestions)
        typer.echo(f"Wrote {_shown(path)}")
        return
    _export_rows(project, name, out, coders, include_suggestions, include_rejected)


def _export_rows(project, name, out, coders, include_suggestions, include_rejected) -> None:
    from remedycoder.exporters import DEFAULT_NAMES, check_format, export_codings
    from remedycoder.exporters.xlsx import ExportInfo

    name = check_format(name)
    path = out or project.exports_dir / DEFAULT_NAMES[name]
    store = project.store
    codings = list(store.iter_codings())
    agreement = _agreement(project, codings, coders) if name == "xlsx" else None
    with writing(path):
        done = export_codings(
            name,
            path,
            store.iter_comments(),
            codings,
            project.codebook,
            coders=coders,
            include_suggestions=include_suggestions,
            include_rejected=include_rejected,
            agreement=agreement,
            info=ExportInfo(command_line=command_line()),
            reviews={name: store.reviewed(name) for name in store.coders()}
            if include_rejected
            else None,
        )
    typer.echo(f"Wrote {_shown(done.path)}: {done.codings:,} codings, {done.comments:,} comments.")
    for note in done.notes:
        typer.echo(f"Note: {note}")


def _export_qdpx(project: Project, name: str, out, coders, include_suggestions) -> Path:
    """REFI-QDA: the project (qdpx) or the codebook alone (qdc), by `exporters.qdpx`."""
    from remedycoder.exporters.qdpx import write_qdc, write_qdpx

    path = out or project.exports_dir / ("project.qdpx" if name == "qdpx" else "codebook.qdc")
    if name == "qdc":
        write_qdc(path, project.codebook)
        return path
    statuses = ["confirmed"] + (["suggested"] if include_suggestions else [])
    chosen = None
    if coders:
        chosen = coders + (["auto"] if include_suggestions else [])
    codings = project.store.iter_codings(coders=chosen, statuses=statuses)
    write_qdpx(path, project.store.iter_comments(), codings, project.codebook)
    return path


@contextlib.contextmanager
def writing(path: Path):
    """Turn a file that cannot be written (no such folder, no permission) into bad input."""
    try:
        yield
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise  # the app reports a full disk itself (exit 1)
        raise InputError(
            f"{error.filename or path}: cannot write ({error.strerror or error}).",
            "Check that the folder is writable, or choose another path with --out.",
        ) from None


def split_coders(values: list[str] | None) -> list[str] | None:
    """`--coder a --coder b,c` -> ["a", "b", "c"] (order kept, duplicates dropped)."""
    names = [n.strip() for value in values or [] for n in value.split(",") if n.strip()]
    return list(dict.fromkeys(names)) or None


def _agreement(project: Project, codings, coders: list[str] | None) -> pd.DataFrame | None:
    """The Agreement sheet when two or more human coders have confirmed codings, else None."""
    from remedycoder.models import AUTO_CODER

    present = sorted({c.coder for c in codings if c.status == "confirmed"} - {AUTO_CODER})
    chosen = [c for c in present if coders is None or c in coders]
    if len(chosen) < 2:
        return None
    from remedycoder.agreement import agreement_table
    from remedycoder.cli.agreement import compute_for

    try:
        return agreement_table(compute_for(project, chosen))
    except RemedyError as error:  # e.g. no comment reviewed by two coders yet
        typer.echo(f"Note: no Agreement sheet ({error.message})", err=True)
        return None


def command_line() -> str:
    """The command as typed, for the About sheet."""
    return " ".join(["remedycoder", *sys.argv[1:]])


def _shown(path: Path) -> str:
    """A path relative to the current directory when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
