"""`remedycoder codebook check|show`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remedycoder.cli.app import app, open_project

codebook_app = typer.Typer(
    help="Check or show the codebook. Example: remedycoder codebook check codebook.yaml",
    no_args_is_help=True,
)
app.add_typer(codebook_app, name="codebook")


def _codebook_path(ctx: typer.Context, path: Path | None) -> Path:
    return path if path is not None else open_project(ctx).codebook_path


@codebook_app.command()
def check(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="Codebook file (default: the project's).")
    ] = None,
) -> None:
    """Validate a codebook: YAML syntax, keys, ids, parents, cycles, hotkeys, patterns.

    Every problem is listed with file, line and field; exit code 2 if there is any.
    Example: remedycoder codebook check my-codebook.yaml
    """
    from remedycoder.codebook import load_codebook

    target = _codebook_path(ctx, path)
    codebook = load_codebook(target)
    codable = sum(1 for r in codebook.remedies if r.codable)
    counts = (
        (codable, "remedy code"),
        (len(codebook.remedies) - codable, "group"),
        (len(codebook.effects), "effect code"),
    )
    typer.echo(
        f"{target}: OK: "
        + ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in counts)
        + "."
    )


@codebook_app.command()
def show(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="Codebook file (default: the project's).")
    ] = None,
    terms: Annotated[bool, typer.Option(help="List each code's terms too.")] = False,
) -> None:
    """Print the codebook as a tree of remedies, then the effects.

    Example: remedycoder codebook show --terms
    """
    from remedycoder.codebook import load_codebook

    codebook = load_codebook(_codebook_path(ctx, path))
    typer.echo(f"{codebook.name}")
    typer.echo("Remedies")
    for line in _tree_lines(codebook, None, "", terms):
        typer.echo(line)
    typer.echo("Effects")
    for effect in codebook.effects:
        key = f" [{effect.hotkey}]" if effect.hotkey else ""
        typer.echo(f"  {effect.id}{key}: {effect.label}")


def _tree_lines(codebook, parent: str | None, indent: str, terms: bool):
    children = codebook.children(parent)
    for index, code in enumerate(children):
        last = index == len(children) - 1
        branch = "└── " if last else "├── "
        kind = "" if code.codable else " (group)"
        yield f"{indent}{branch}{code.id}: {code.label}{kind}"
        more = indent + ("    " if last else "│   ")
        if terms and (code.terms or code.misspellings):
            yield f"{more}  terms: {', '.join(code.terms + code.misspellings)}"
        yield from _tree_lines(codebook, code.id, more, terms)
