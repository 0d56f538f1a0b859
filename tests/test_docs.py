"""Every command has help that ends with a real example, and the README names every command."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from remedycoder.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _command_paths() -> list[list[str]]:
    group = typer.main.get_command(app)
    paths: list[list[str]] = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            paths.extend([name, child] for child in sub)
        else:
            paths.append([name])
    return sorted(paths)


@pytest.mark.parametrize("path", _command_paths(), ids=" ".join)
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`remedycoder {' '.join(path)} --help` shows no example"


@pytest.mark.parametrize("path", _command_paths(), ids=" ".join)
def test_readme_documents_every_command(path: list[str]) -> None:
    assert f"remedycoder {' '.join(path)}" in README.read_text(encoding="utf-8")
