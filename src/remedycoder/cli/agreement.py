"""`remedycoder agreement --coders A,B [--json]`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from remedycoder.cli.app import app, open_project
from remedycoder.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from remedycoder.agreement import AgreementResult, Stat
    from remedycoder.project import Project


@app.command()
def agreement(
    ctx: typer.Context,
    coders: Annotated[
        str, typer.Option("--coders", help="Two or more coder names, comma-separated.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    units: Annotated[
        str,
        typer.Option(
            help="Which comments count: `reviewed` (by both, the default), `coded` (any of "
            "the coders has a coding there: for codings imported without reviews) or `all`.",
        ),
    ] = "reviewed",
) -> None:
    """Intercoder agreement per remedy code, on the effect, overall, and the disagreements.

    The unit is a comment reviewed by both coders (by at least two, for three or more): per
    code, Cohen's kappa, Krippendorff's alpha (nominal) and percent agreement on whether the
    code was applied; the effect is compared where both coded the same remedy. Statistics
    that are undefined (nobody used the code) show as n/a (null in JSON).
    Example: remedycoder agreement --coders alice,bob --json
    """
    project = open_project(ctx)
    result = compute_for(project, parse_coders(coders, project), units)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(render(result))


def parse_coders(value: str, project: Project) -> list[str]:
    """The coder names of a --coders option, checked against the coders in the project."""
    names = list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if len(names) < 2:
        raise InputError(
            f"--coders {value}: name at least two different coders.",
            "Example: --coders alice,bob (see `remedycoder status` for the coders).",
        )
    known = project.store.coders()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(
            f"--coders: unknown coder{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(coders in this project: {', '.join(known) or 'none yet'}).",
            "Check the spelling; `remedycoder status` lists the coders.",
        )
    return names


def compute_for(project: Project, coders: list[str], units: str = "reviewed") -> AgreementResult:
    from remedycoder.agreement import compute_agreement

    store = project.store
    codings = {c: store.codings(coders=[c], statuses=["confirmed"]) for c in coders}
    return compute_agreement(codings, _units(project, coders, units), project.codebook, coders)


def _units(project: Project, coders: list[str], units: str) -> dict[str, set[str]]:
    """Per coder, the comments that count as looked at."""
    store = project.store
    if units == "reviewed":
        return {c: store.reviewed(c) for c in coders}
    if units == "all":
        every = set(store.comment_ids())
        return {c: every for c in coders}
    if units == "coded":
        rows = store.codings(coders=coders, statuses=["confirmed", "rejected"])
        coded = {row.comment_id for row in rows} | set().union(*(store.reviewed(c) for c in coders))
        return {c: coded for c in coders}
    raise InputError(f"--units {units}: unknown.", "Use reviewed, coded or all.")


def workbook_agreement(project: Project, coders: list[str] | None = None) -> pd.DataFrame | None:
    """The workbook's Agreement sheet for `coders` (default: every human coder with reviews),
    or None when fewer than two of them reviewed a common comment (the sheet is then left out).
    """
    from remedycoder.agreement import agreement_table
    from remedycoder.models import AUTO_CODER

    store = project.store
    names = [c for c in (coders or store.coders()) if c != AUTO_CODER and store.reviewed(c)]
    if len(names) < 2:
        return None
    try:
        return agreement_table(compute_for(project, names))
    except InputError:
        return None


# --- text rendering ----------------------------------------------------------------------------


def render(result: AgreementResult) -> str:
    """The human-readable report: table of used codes, unused codes, then disagreements."""
    names = " and ".join(result.coders) if len(result.coders) == 2 else ", ".join(result.coders)
    lines = [
        f"Agreement between {names} over {result.comments} comments "
        f"reviewed by {'both' if len(result.coders) == 2 else 'at least two'}.",
        "",
        f"{'code':<28} {'kappa':>7} {'alpha':>7} {'agree':>7} {'n':>6}",
    ]
    unused = set(result.unused)
    lines += [_row(code, stat) for code, stat in result.per_code.items() if code not in unused]
    lines.append(_row("(effect, same remedy)", result.effect))
    lines.append(_row("(overall, codes used)", result.overall))
    if len(result.coders) > 2:
        lines.append("kappa for three or more coders is the mean of the pairwise kappas.")
    if unused:
        lines += ["", f"Not used by anyone (statistics n/a): {', '.join(result.unused)}"]
    lines += ["", _disagreement_header(result)]
    lines += [_disagreement_line(d) for d in result.disagreements]
    return "\n".join(lines)


def _row(label: str, stat: Stat) -> str:
    return (
        f"{label:<28} {_num(stat.kappa):>7} {_num(stat.alpha):>7} "
        f"{_pct(stat.percent_agreement):>7} {stat.n:>6}"
    )


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _disagreement_header(result: AgreementResult) -> str:
    count = len(result.disagreements)
    if not count:
        return "No disagreements."
    return f"Disagreements ({count}; settle them with `remedycoder adjudicate`):"


def _disagreement_line(d) -> str:
    said = "; ".join(f"{coder}: {value}" for coder, value in d.values.items())
    return f"  {d.comment_id}  {d.remedy}  ({d.kind})  {said}"
