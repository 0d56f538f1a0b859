"""Intercoder agreement: Cohen's kappa, Krippendorff's alpha (nominal), percent agreement.

The unit is a comment reviewed by at least two of the coders (for two coders: by both); the
variable is a remedy code's presence among each coder's confirmed codings. The effect is
compared where two coders coded the same remedy on the same comment. A statistic that is not
defined (nobody used the code, so there is no variation) is `None`, never a misleading 1.0.

Pure: the statistics are written out here (no krippendorff / sklearn dependency at run time)
and tested against those packages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from remedycoder.errors import InputError
from remedycoder.models import Codebook, Coding

if TYPE_CHECKING:
    import pandas as pd

PRESENT = "present"
ABSENT = "absent"


# --- the statistics ----------------------------------------------------------------------------


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two coders' values per unit; None when undefined (no units, or no
    variation: chance agreement is 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha, nominal, from each unit's values (missing values left out).

    Units with fewer than two values are not pairable and do not count. None when undefined:
    fewer than two pairable values, or a single value in the whole domain.
    """
    coincidence: Counter[tuple[Hashable, Hashable]] = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, j in ((i, j) for i in range(m) for j in range(m) if i != j):
            coincidence[(values[i], values[j])] += 1.0 / (m - 1)
    totals: Counter[Hashable] = Counter()
    for (c, _), weight in coincidence.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    disagreement = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected <= 1e-12:
        return None
    return 1.0 - (n - 1) * disagreement / expected


def percent_agreement(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Share of agreeing coder pairs over all pairable units (two coders: share of units)."""
    agreeing = total = 0
    for values in units:
        for a, b in combinations(values, 2):
            total += 1
            agreeing += a == b
    return agreeing / total if total else None


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    """Agreement on one variable. `n` counts the units (comments, or comment x remedy pairs)."""

    kappa: float | None
    alpha: float | None
    percent_agreement: float | None
    n: int
    pairwise_kappa: dict[tuple[str, str], float | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kappa": self.kappa,
            "alpha": self.alpha,
            "percent_agreement": self.percent_agreement,
            "n": self.n,
        }
        if len(self.pairwise_kappa) > 1:
            out["pairwise_kappa"] = {f"{a},{b}": k for (a, b), k in self.pairwise_kappa.items()}
        return out


@dataclass(frozen=True)
class Disagreement:
    """Coders who said different things about one remedy on one comment.

    `kind` is "presence" (some coded the remedy, some did not) or "effect" (all coded it,
    with different effects). `values` is what each coder said: "present"/"absent" or the
    effect ids joined by "+"; `codings` are each coder's confirmed codings of that remedy.
    """

    comment_id: str
    remedy: str
    kind: str
    values: dict[str, str]
    codings: dict[str, list[Coding]]

    def to_json(self) -> dict[str, Any]:
        return {
            "comment_id": self.comment_id,
            "remedy": self.remedy,
            "kind": self.kind,
            "coders": {
                coder: {
                    "said": value,
                    "codings": [_coding_json(c) for c in self.codings.get(coder, [])],
                }
                for coder, value in self.values.items()
            },
        }


@dataclass(frozen=True)
class AgreementResult:
    """Everything `remedycoder agreement` reports."""

    coders: tuple[str, ...]
    comments: int
    per_code: dict[str, Stat]
    effect: Stat
    overall: Stat
    disagreements: list[Disagreement]
    pairwise_comments: dict[tuple[str, str], int] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    """Codes no coder applied in these comments (their kappa and alpha are undefined)."""

    def to_json(self) -> dict[str, Any]:
        """The `agreement --json` document (DESIGN.md contract, plus coders and overall)."""
        return {
            "coders": list(self.coders),
            "comments": self.comments,
            "per_code": {code: stat.to_json() for code, stat in self.per_code.items()},
            "effect": self.effect.to_json(),
            "overall": self.overall.to_json(),
            "pairwise_comments": {f"{a},{b}": n for (a, b), n in self.pairwise_comments.items()},
            "unused_codes": self.unused,
            "disagreements": [d.to_json() for d in self.disagreements],
        }


# --- computing ---------------------------------------------------------------------------------


def compute_agreement(
    codings: Mapping[str, Iterable[Coding]],
    reviewed: Mapping[str, Iterable[str]],
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
) -> AgreementResult:
    """Agreement between `coders` (default: every key of `codings`).

    `codings` maps a coder to their codings (only `confirmed` ones count); `reviewed` maps a
    coder to the ids of the comments they reviewed. Per-code figures cover every codable remedy
    of the codebook (plus any code a coder used that the codebook lacks).
    """
    coders = tuple(coders if coders is not None else codings)
    _check_coders(coders, reviewed)
    seen = {c: set(reviewed.get(c, ())) for c in coders}
    units = sorted(cid for cid in set().union(*seen.values()) if _raters(cid, coders, seen) >= 2)
    if not units:
        raise InputError(
            f"No comment was reviewed by at least two of the coders {', '.join(coders)}.",
            "Agreement needs comments coded by both; have them code the same comments first.",
        )
    table = _confirmed_table(codings, coders, seen, set(units))
    codes = _codes(codebook, table)
    per_code, overall = _presence_stats(codes, units, coders, seen, table)
    return AgreementResult(
        coders=coders,
        comments=len(units),
        per_code=per_code,
        effect=_effect_stat(units, coders, seen, table),
        overall=overall,
        disagreements=_disagreements(units, codes, coders, seen, table),
        pairwise_comments={(a, b): len(seen[a] & seen[b]) for a, b in combinations(coders, 2)},
        unused=_unused(codes, table),
    )


# table[(comment_id, coder)][remedy] -> that coder's confirmed codings of the remedy there
_Table = dict[tuple[str, str], dict[str, list[Coding]]]


def _unused(codes: Sequence[str], table: _Table) -> list[str]:
    used = {code for cell in table.values() for code in cell}
    return [code for code in codes if code not in used]


def _check_coders(coders: Sequence[str], reviewed: Mapping[str, Iterable[str]]) -> None:
    if len(set(coders)) < 2:
        raise InputError(
            f"Agreement needs at least two different coders; got {', '.join(coders) or 'none'}.",
            "Name them like `--coders alice,bob`.",
        )
    for coder in coders:
        if not set(reviewed.get(coder, ())):
            raise InputError(
                f"Coder `{coder}` has not reviewed any comment.",
                "Check the name (`remedycoder status` lists coders) or code some comments first; "
                "for codings imported without reviews, use `--units coded`.",
            )


def _raters(comment_id: str, coders: Sequence[str], seen: Mapping[str, set[str]]) -> int:
    return sum(comment_id in seen[c] for c in coders)


def _confirmed_table(
    codings: Mapping[str, Iterable[Coding]],
    coders: Sequence[str],
    seen: Mapping[str, set[str]],
    units: set[str],
) -> _Table:
    """Confirmed codings on the units, by coders who reviewed them (nothing else counts)."""
    table: _Table = {}
    for coder in coders:
        for coding in codings.get(coder, ()):
            cid = coding.comment_id
            if coding.status != "confirmed" or cid not in units or cid not in seen[coder]:
                continue
            cell = table.setdefault((coding.comment_id, coder), {})
            cell.setdefault(coding.remedy, []).append(coding)
    return table


def _codes(codebook: Codebook | None, table: _Table) -> list[str]:
    codes = [r.id for r in codebook.remedies if r.codable] if codebook else []
    extra = sorted({remedy for cell in table.values() for remedy in cell} - set(codes))
    return codes + extra


def _effect_value(codings: list[Coding]) -> str:
    return "+".join(sorted({c.effect for c in codings}))


def _stat(rows: list[dict[str, str]], coders: Sequence[str]) -> Stat:
    """Kappa (two coders; mean of pairwise kappas for more), alpha and agreement of the rows."""
    pairwise: dict[tuple[str, str], float | None] = {}
    for a, b in combinations(coders, 2):
        pairwise[(a, b)] = cohen_kappa([(r[a], r[b]) for r in rows if a in r and b in r])
    values = [list(r.values()) for r in rows]
    return Stat(
        kappa=_mean_kappa(pairwise),
        alpha=krippendorff_alpha(values),
        percent_agreement=percent_agreement(values),
        n=len(rows),
        pairwise_kappa=pairwise,
    )


def _mean_kappa(pairwise: Mapping[tuple[str, str], float | None]) -> float | None:
    """Cohen's kappa for two coders; Light's kappa (the mean of pairwise kappas) for more."""
    values = list(pairwise.values())
    if not values or any(k is None for k in values):
        return None
    return sum(values) / len(values)  # type: ignore[arg-type]


# --- presence: statistics from counts ----------------------------------------------------------
# A code's presence is binary, so its statistics depend only on counts: per coder pair the
# 2x2 table, and per unit how many raters it had (m) and how many of them applied the code (k).
# Counting from the sets of units each coder applied the code to is O(codings), where a
# unit-by-code table would be O(comments x codes). The counts also add up over codes, which
# gives the pooled overall figure. `_stat` (row based) is the reference in the tests.


@dataclass
class _Units:
    """The units and who rated each: shared by every code's counts."""

    coders: tuple[str, ...]
    seen: dict[str, set[str]]
    raters: dict[str, int]  # unit -> m
    by_m: Counter[int]
    pairs: dict[tuple[str, str], int]  # units both coders of a pair reviewed


@dataclass
class _Counts:
    """Sufficient statistics of one presence variable (or of several, pooled)."""

    tables: dict[tuple[str, str], list[int]]  # per pair: n11, n10, n01, n00
    o_pp: float = 0.0
    o_pa: float = 0.0
    o_aa: float = 0.0
    agreeing: int = 0
    pairs: int = 0
    n: int = 0

    def add(self, other: _Counts) -> None:
        for pair, table in other.tables.items():
            mine = self.tables.setdefault(pair, [0, 0, 0, 0])
            for i, value in enumerate(table):
                mine[i] += value
        self.o_pp += other.o_pp
        self.o_pa += other.o_pa
        self.o_aa += other.o_aa
        self.agreeing += other.agreeing
        self.pairs += other.pairs
        self.n += other.n

    def stat(self) -> Stat:
        pairwise = {pair: _table_kappa(*table) for pair, table in self.tables.items()}
        return Stat(
            kappa=_mean_kappa(pairwise),
            alpha=self._alpha(),
            percent_agreement=self.agreeing / self.pairs if self.pairs else None,
            n=self.n,
            pairwise_kappa=pairwise,
        )

    def _alpha(self) -> float | None:
        present, absent = self.o_pp + self.o_pa, self.o_aa + self.o_pa
        total = present + absent
        if total <= 1 or present * absent <= 1e-12:
            return None
        return 1.0 - (total - 1) * self.o_pa / (present * absent)


def _table_kappa(n11: int, n10: int, n01: int, n00: int) -> float | None:
    """Cohen's kappa of a 2x2 table, exact in integers until the final division."""
    n = n11 + n10 + n01 + n00
    chance = (n11 + n10) * (n11 + n01) + (n01 + n00) * (n10 + n00)
    if n == 0 or chance == n * n:
        return None
    return (n * (n11 + n00) - chance) / (n * n - chance)


def _unit_info(units: Sequence[str], coders: Sequence[str], seen) -> _Units:
    raters = {u: _raters(u, coders, seen) for u in units}
    unit_set = set(units)
    pairs = {(a, b): len(seen[a] & seen[b] & unit_set) for a, b in combinations(coders, 2)}
    return _Units(tuple(coders), seen, raters, Counter(raters.values()), pairs)


def _presence_sets(table: _Table, seen) -> dict[str, dict[str, set[str]]]:
    """code -> coder -> units where the coder (who reviewed it) applied the code."""
    out: dict[str, dict[str, set[str]]] = {}
    for (unit, coder), cell in table.items():
        if unit in seen[coder]:
            for code in cell:
                out.setdefault(code, {}).setdefault(coder, set()).add(unit)
    return out


def _code_counts(present: Mapping[str, set[str]], info: _Units) -> _Counts:
    k_by_unit: Counter[str] = Counter()
    for units in present.values():
        k_by_unit.update(units)
    groups = Counter((info.raters[u], k) for u, k in k_by_unit.items())
    used_by_m = Counter(info.raters[u] for u in k_by_unit)
    for m, count in info.by_m.items():
        groups[(m, 0)] += count - used_by_m[m]
    counts = _Counts(tables={}, n=len(info.raters))
    for (m, k), count in groups.items():
        counts.o_pp += count * k * (k - 1) / (m - 1)
        counts.o_aa += count * (m - k) * (m - k - 1) / (m - 1)
        counts.o_pa += count * k * (m - k) / (m - 1)
        counts.agreeing += count * (k * (k - 1) // 2 + (m - k) * (m - k - 1) // 2)
        counts.pairs += count * (m * (m - 1) // 2)
    for a, b in combinations(info.coders, 2):
        first, second = present.get(a, set()), present.get(b, set())
        both = len(first & second)
        only_a = len(first & info.seen[b]) - both
        only_b = len(second & info.seen[a]) - both
        counts.tables[(a, b)] = [both, only_a, only_b, info.pairs[(a, b)] - both - only_a - only_b]
    return counts


def _presence_stats(
    codes: Sequence[str], units: Sequence[str], coders: Sequence[str], seen, table: _Table
) -> tuple[dict[str, Stat], Stat]:
    """Per code, and pooled over the codes somebody used (the overall figure)."""
    info = _unit_info(units, coders, seen)
    present = _presence_sets(table, seen)
    per_code: dict[str, Stat] = {}
    pooled = _Counts(tables={(a, b): [0, 0, 0, 0] for a, b in combinations(coders, 2)})
    for code in codes:
        counts = _code_counts(present.get(code, {}), info)
        per_code[code] = counts.stat()
        if code in present:
            pooled.add(counts)
    return per_code, pooled.stat()


def _effect_stat(units, coders, seen, table: _Table) -> Stat:
    """Effects where at least two coders coded the same remedy on the same comment."""
    rows: list[dict[str, str]] = []
    for unit in units:
        cells = {c: table[(unit, c)] for c in coders if (unit, c) in table and unit in seen[c]}
        for remedy in sorted({r for cell in cells.values() for r in cell}):
            row = {c: _effect_value(cell[remedy]) for c, cell in cells.items() if remedy in cell}
            if len(row) >= 2:
                rows.append(row)
    return _stat(rows, coders)


def _disagreements(units, codes, coders, seen, table: _Table) -> list[Disagreement]:
    """In comment order, then codebook order."""
    order = {code: i for i, code in enumerate(codes)}
    out: list[Disagreement] = []
    for unit in units:
        raters = [c for c in coders if unit in seen[c]]
        used = {r for c in raters for r in table.get((unit, c), {})}
        for code in sorted(used, key=order.__getitem__):
            found = _disagreement(unit, code, raters, table)
            if found is not None:
                out.append(found)
    return out


def _disagreement(
    unit: str, code: str, raters: Sequence[str], table: _Table
) -> Disagreement | None:
    codings = {c: table.get((unit, c), {}).get(code, []) for c in raters}
    if all(codings.values()):
        values = {c: _effect_value(codings[c]) for c in raters}
        kind = "effect"
    else:
        values = {c: PRESENT if codings[c] else ABSENT for c in raters}
        kind = "presence"
    if len(set(values.values())) == 1:
        return None
    return Disagreement(unit, code, kind, values, codings)


# --- rendering helpers -------------------------------------------------------------------------


def _coding_json(coding: Coding) -> dict[str, Any]:
    return {
        "id": coding.id,
        "effect": coding.effect,
        "start": coding.start,
        "end": coding.end,
        "quote": coding.quote,
        "note": coding.note,
    }


def agreement_table(result: AgreementResult) -> pd.DataFrame:
    """The Agreement sheet: one row per remedy code, then the effect and overall rows.

    Columns: variable, kappa, alpha, percent_agreement, n, and for three or more coders one
    `kappa A,B` column per pair. Undefined values are NaN (show them as n/a). `attrs` holds
    the coders and the number of comments compared.

    >>> agreement_table(result).columns.tolist()  # doctest: +SKIP
    ['variable', 'kappa', 'alpha', 'percent_agreement', 'n']
    """
    import pandas as pd

    pairs = list(combinations(result.coders, 2)) if len(result.coders) > 2 else []
    rows = [_stat_row(code, stat, pairs) for code, stat in result.per_code.items()]
    rows.append(_stat_row("(effect, same remedy)", result.effect, pairs))
    rows.append(_stat_row("(overall, codes used)", result.overall, pairs))
    columns = ["variable", "kappa", "alpha", "percent_agreement", "n"]
    columns += [f"kappa {a},{b}" for a, b in pairs]
    frame = pd.DataFrame(rows, columns=columns)
    for name in columns[1:]:
        if name != "n":
            frame[name] = frame[name].astype("float64")
    frame.attrs["coders"] = list(result.coders)
    frame.attrs["comments"] = result.comments
    return frame


def disagreement_table(result: AgreementResult) -> pd.DataFrame:
    """One row per disagreement: comment, remedy, kind, then what each coder said."""
    import pandas as pd

    rows = [
        {"comment_id": d.comment_id, "remedy": d.remedy, "kind": d.kind, **d.values}
        for d in result.disagreements
    ]
    return pd.DataFrame(rows, columns=["comment_id", "remedy", "kind", *result.coders])


def _stat_row(variable: str, stat: Stat, pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "variable": variable,
        "kappa": stat.kappa,
        "alpha": stat.alpha,
        "percent_agreement": stat.percent_agreement,
        "n": stat.n,
    }
    for a, b in pairs:
        row[f"kappa {a},{b}"] = stat.pairwise_kappa.get((a, b))
    return row
