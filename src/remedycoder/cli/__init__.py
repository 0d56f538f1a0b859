"""Command-line interface. `main` is the console script."""

from __future__ import annotations

import os
import sys

from remedycoder.cli import (  # noqa: F401  (registers)
    adjudicate,
    agreement,
    code,
    codebook,
    doctor,
    export,
    import_,
    import_codings,
    init,
    status,
    suggest,
    summary,
)
from remedycoder.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI; an unexpected failure prints one line and exits 1 (traceback on request)."""
    try:
        app(prog_name="remedycoder")
    except SystemExit:
        raise
    except Exception as exc:  # a bug, not bad input: say so briefly
        if os.environ.get("REMEDYCODER_DEBUG"):
            raise
        print(
            f"Error: remedycoder failed unexpectedly ({type(exc).__name__}: {exc}).\n"
            "Nothing half-written was stored. Re-run with REMEDYCODER_DEBUG=1 for details "
            "and report it.",
            file=sys.stderr,
        )
        sys.exit(1)
