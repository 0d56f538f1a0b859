"""The typer app, the global --project option, and the one place errors become messages.

Command modules register on `app`; they parse, call the project, and render. Heavy libraries
(pandas, openpyxl, textual, the store itself) are imported inside commands so `--help` is fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from remedycoder.errors import RemedyError

if TYPE_CHECKING:
    from remedycoder.project import Project


def report_error(error: RemedyError) -> None:
    """Print a RemedyError as one paragraph on stderr."""
    text = f"Error: {error.message}"
    if error.hint:
        text += f"\n{error.hint}"
    typer.echo(text, err=True)


class ErrorHandlingGroup(TyperGroup):
    """Turns RemedyError (and database trouble) into a message and an exit code, once."""

    def invoke(self, ctx: typer.Context):  # noqa: D102
        try:
            return super().invoke(ctx)
        except RemedyError as error:
            report_error(error)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            typer.echo("Interrupted; nothing half-written was kept.", err=True)
            ctx.exit(130)
        except OSError as error:
            if getattr(error, "errno", None) == 28:  # ENOSPC
                report_error(
                    RemedyError(
                        f"{error.filename or 'disk'}: no space left.",
                        "Free some disk space and run the command again.",
                    )
                )
                ctx.exit(1)
            raise


app = typer.Typer(
    cls=ErrorHandlingGroup,
    name="remedycoder",
    help="Code anecdotal remedy reports: import comments, let the codebook suggest remedy and "
    "effect codes, confirm them at the keyboard, export to Excel.\n\n"
    "Example: remedycoder init study && cd study && remedycoder import comments.csv",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def version_callback(value: bool) -> None:
    if value:
        from remedycoder import __version__

        typer.echo(f"remedycoder {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            "-P",
            envvar="REMEDYCODER_PROJECT",
            help="Project directory (default: the current directory or the nearest above it).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    ctx.obj = {"project": project}


def open_project(ctx: typer.Context) -> Project:
    """The project for this command; closed when the command ends."""
    from remedycoder.project import Project

    root_ctx = ctx.find_root()
    named = (root_ctx.obj or {}).get("project")
    project = Project.find(named)
    root_ctx.call_on_close(project.close)
    return project


def echo_err(message: str) -> None:
    typer.echo(message, err=True)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
