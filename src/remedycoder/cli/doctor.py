"""`remedycoder doctor` and `remedycoder backup [PATH]`: is the store healthy, and keep a copy."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from remedycoder.cli.app import app, open_project
from remedycoder.errors import InputError, StoreError

if TYPE_CHECKING:
    from remedycoder.project import Project


@dataclass
class Health:
    """What `doctor` found; `problems` empty means healthy."""

    store_path: Path
    schema_version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    wal_bytes: int = 0
    orphans: dict[str, int] = field(default_factory=dict)
    last_backup: Path | None = None
    problems: list[str] = field(default_factory=list)


def backups_dir(project: Project) -> Path:
    return project.state_dir / "backups"


def latest_backup(project: Project) -> Path | None:
    """The newest store copy in .remedycoder/backups (ours or a migration's)."""
    folder = backups_dir(project)
    if not folder.is_dir():
        return None
    copies = [p for p in folder.glob("*.sqlite3") if p.is_file()]
    return max(copies, key=lambda p: p.stat().st_mtime, default=None)


def check_health(project: Project) -> Health:
    """Open the store and run every check; a store that cannot be opened is one problem."""
    health = Health(project.store_path, last_backup=latest_backup(project))
    wal = project.store_path.with_name(project.store_path.name + "-wal")
    health.wal_bytes = wal.stat().st_size if wal.is_file() else 0
    try:
        store = project.store
    except StoreError as error:
        health.problems.append(error.message)
        return health
    health.problems.extend(store.integrity_problems())
    if health.problems:
        return health
    health.schema_version = store.schema_version()
    health.counts = store.table_counts()
    health.orphans = {k: n for k, n in store.orphan_counts().items() if n}
    return health


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _backup_line(path: Path | None) -> str:
    if path is None:
        return "none (make one with `remedycoder backup`)"
    when = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{path} ({when})"


def _render(health: Health) -> list[str]:
    lines = [f"Store:          {health.store_path}"]
    if health.schema_version is not None:
        lines.append(f"Schema version: {health.schema_version}")
    if health.counts:
        lines.append("Rows:           " + ", ".join(f"{n} {t}" for t, n in health.counts.items()))
    lines.append(f"WAL file:       {_size(health.wal_bytes)}")
    lines.append(f"Last backup:    {_backup_line(health.last_backup)}")
    if health.orphans:
        lines.append("Orphan rows:    " + ", ".join(f"{n} {k}" for k, n in health.orphans.items()))
        lines.append(
            "                (they point at a comment or suggestion not in this store, e.g. "
            "codings merged from another copy or a store edited by hand; they are kept as "
            "they are, and coding can go on)"
        )
    elif health.counts:
        lines.append("Orphan rows:    none")
    return lines


def _explain(health: Health) -> str:
    """The paragraph that tells the user what the problems mean and what to do."""
    # integrity_check puts many findings in one row, one a line.
    found = [line for p in health.problems for line in p.splitlines() if line.strip()]
    shown = "\n".join(f"  {line}" for line in found[:10])
    more = len(found) - 10
    if more > 0:
        shown += f"\n  ... and {more} more"
    store = health.store_path
    if health.last_backup is not None:
        restore = (
            f"Close every remedycoder, then restore the latest backup: "
            f"cp {health.last_backup} {store} && rm -f {store}-wal {store}-shm"
        )
    else:
        restore = f"There is no backup; try `sqlite3 {store} .recover` into a new file."
    return (
        f"{store}: the store failed its integrity check:\n{shown}\n"
        "The file is damaged (a disk or copy problem, or a copy taken while it was being "
        f"written). {restore}"
    )


@app.command()
def doctor(ctx: typer.Context) -> None:
    """Check the store: SQLite integrity, schema version, counts, WAL size, orphan rows, backup.

    Exit code 0 when the store is healthy, 1 when it is damaged (the message says what to do).
    Example: remedycoder doctor
    """
    project = open_project(ctx)
    if not project.store_path.is_file():
        typer.echo(
            f"{project.root}: no store yet, so nothing to check. "
            "Start with: remedycoder import FILE..."
        )
        return
    health = check_health(project)
    for line in _render(health):
        typer.echo(line)
    if health.problems:
        raise StoreError(_explain(health))
    typer.echo("OK: the store passed SQLite's integrity and foreign-key checks.")


@app.command()
def backup(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Where to write the copy: a new file or a directory "
            "(default: .remedycoder/backups/store-<timestamp>.sqlite3)."
        ),
    ] = None,
) -> None:
    """Copy the store with SQLite's online backup; safe while others are coding.

    Example: remedycoder backup ~/safe/rls-study.sqlite3
    """
    project = open_project(ctx)
    dest = _backup_target(project, path)
    try:
        written = project.store.backup(dest)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(
            f"{dest}: cannot write the backup ({getattr(exc, 'strerror', None) or exc}).",
            "Choose a writable place with free space: remedycoder backup PATH",
        ) from None
    typer.echo(f"Backed up the store to {written} ({_size(written.stat().st_size)}).")


def _backup_target(project: Project, path: Path | None) -> Path:
    """A new file: the given one, or a timestamped name in the given (or default) folder."""
    if path is not None and not path.is_dir():
        if path.exists():
            raise InputError(
                f"{path}: already exists; a backup never overwrites a file.",
                "Give a new file name or a directory.",
            )
        return path
    folder = path if path is not None else backups_dir(project)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target, n = folder / f"store-{stamp}.sqlite3", 2
    while target.exists():
        target, n = folder / f"store-{stamp}-{n}.sqlite3", n + 1
    return target
