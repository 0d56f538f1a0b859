"""Atomic file writes: a temp file in the target's directory, fsync, then `os.replace`.

An export that fails or is interrupted half-way leaves the previous file untouched (and no
temp file behind, except after a hard kill, when a `.name.*.tmp` file may remain).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temp path beside `target`; on success it replaces `target`, on error it is removed.

    >>> with atomic_path(tmp / "coded.xlsx") as tmp_path:   # doctest: +SKIP
    ...     workbook.save(tmp_path)
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _copy_mode(target, tmp)
        _fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", **kwargs) -> Iterator:
    """Open a temp file beside `target` for writing; it replaces `target` only on success."""
    with atomic_path(target) as tmp, open(tmp, mode, **kwargs) as handle:
        yield handle


def _copy_mode(target: Path, tmp: Path) -> None:
    """Give the new file the old one's permissions (mkstemp makes it owner-only)."""
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    os.chmod(tmp, mode)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not possible on every platform, so best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
