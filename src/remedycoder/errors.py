"""The one exception root. The CLI turns these into a message on stderr and an exit code."""

from __future__ import annotations


class RemedyError(Exception):
    """Something the user can fix. `message` says what and where, `hint` says what to do."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InputError(RemedyError):
    """Bad input: a file, a row, a field or an option the user gave us."""


class CodebookError(InputError):
    """The codebook is invalid. `problems` lists every error found, each naming file:line:field."""

    def __init__(self, message: str, hint: str = "", problems: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.problems = problems or []


class ImportFormatError(InputError):
    """A corpus or codings file cannot be read: names the file and the line or row."""


class ConflictError(InputError):
    """The input disagrees with what is stored (e.g. a different comment under an existing id)."""


class ProjectError(InputError):
    """No project where one was expected, or the project is not usable."""


class StoreError(RemedyError):
    """The store failed while working (exit 1): disk full, corruption, a lock held too long."""

    exit_code = 1
