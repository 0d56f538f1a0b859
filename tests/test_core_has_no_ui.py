"""The core (session, project, plain prompt) must not load textual, rich or typer."""

from __future__ import annotations

import subprocess
import sys

UI = ("textual", "rich", "typer")


def test_session_and_project_import_no_ui_library():
    code = (
        "import sys\n"
        "import remedycoder.session, remedycoder.project, remedycoder.plain\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({UI!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
