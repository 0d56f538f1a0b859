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


HEAVY = ("pandas", "openpyxl", "textual", "pydantic", "numpy", "rapidfuzz", "lxml", "matplotlib")


def test_cli_start_up_loads_no_heavy_library():
    """`remedycoder --help` stays fast: heavy libraries load inside the commands that use them."""
    code = (
        "import sys\n"
        "import remedycoder.cli\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_core_modules_import_no_ui_library():
    """Below cli/tui nothing imports typer, textual or rich (the design's one-way imports)."""
    modules = (
        "models codebook store suggest session tallies agreement adjudicate project plain "
        "importers importers.qdpx importers.codings exporters exporters.xlsx exporters.rows "
        "exporters.qdpx exporters.summary"
    ).split()
    imports = ", ".join(f"remedycoder.{m}" for m in modules)
    code = (
        f"import sys\nimport {imports}\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({UI!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
