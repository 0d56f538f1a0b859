"""The core (session, project, plain prompt) must not load textual, rich or typer."""

from __future__ import annotations

import json
import subprocess
import sys

UI = ("textual", "rich", "typer")
HEAVY = ("pandas", "openpyxl", "textual", "pydantic", "numpy", "rapidfuzz", "lxml", "matplotlib")
CORE = [
    "models",
    "codebook",
    "store",
    "suggest",
    "session",
    "tallies",
    "agreement",
    "adjudicate",
    "project",
    "plain",
    "importers",
    "importers.qdpx",
    "importers.codings",
    "exporters",
    "exporters.xlsx",
    "exporters.rows",
    "exporters.qdpx",
    "exporters.summary",
]


def loaded(modules: list[str], libraries: tuple[str, ...]) -> list[str]:
    """Which of `libraries` a fresh interpreter has loaded after importing `modules`."""
    code = (
        f"import sys\nimport {', '.join(modules)}\n"
        "import json\n"
        f"found = {{m.split('.')[0] for m in sys.modules}} & set({libraries!r})\n"
        "print(json.dumps(sorted(found)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_session_and_project_import_no_ui_library():
    modules = ["remedycoder.session", "remedycoder.project", "remedycoder.plain"]
    assert loaded(modules, UI) == []


def test_core_modules_import_no_ui_library():
    """Below cli/tui nothing imports typer, textual or rich (the design's one-way imports)."""
    assert loaded([f"remedycoder.{m}" for m in CORE], UI) == []


def test_cli_start_up_loads_no_heavy_library():
    """`remedycoder --help` stays fast: heavy libraries load inside the commands that use them."""
    assert loaded(["remedycoder.cli"], HEAVY) == []
