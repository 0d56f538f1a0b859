"""Pure tallies: codings (+ comments, + codebook) -> pandas DataFrames.

The counting unit is the **comment**, per coder: a comment coded twice with the same remedy
counts once for it, and once per effect it was coded with. Several coders are never
pooled (that would count one comment twice and mix judgements); each coder gets their own
rows. A consensus is a coder too: adjudicated codings stored under a name such as
`consensus` are tallied like anyone's (`--coder consensus`). Machine suggestions are the
coder `auto`, counted only when asked (`include_suggestions`).

Parent codes are rolled up: a parent's row counts the comments where it or any descendant
was coded. Everything is vectorised so a million codings take well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from remedycoder.errors import InputError
from remedycoder.models import AUTO_CODER, Codebook, Coding, Comment

CODING_COLUMNS = [
    "id",
    "comment_id",
    "remedy",
    "effect",
    "coder",
    "status",
    "start",
    "end",
    "quote",
    "note",
    "created_at",
    "codebook_hash",
    "suggestion_id",
    "reason",
]
BENEFIT_EFFECTS = ("helped", "partial")
"""Effect ids that count as a reported benefit (required in every codebook)."""
NOT_STATED_EFFECT = "not_stated"
"""The effect id for a mention without a reported effect (required in every codebook)."""

DENSE_LIMIT = 64_000_000
"""Largest key x member space counted with a bitmap (bytes); beyond it, hashing."""

UNIT = "comments"
"""The counting unit, as it appears in headers."""


def codings_frame(codings: Iterable[Coding] | pd.DataFrame) -> pd.DataFrame:
    """One row per coding with the `CODING_COLUMNS`; a DataFrame passes through (copied).

    >>> codings_frame([]).columns.tolist()[:4]
    ['id', 'comment_id', 'remedy', 'effect']
    """
    if isinstance(codings, pd.DataFrame):
        frame = codings.copy()
        for column in CODING_COLUMNS:
            if column not in frame:
                frame[column] = None
        return frame
    rows = (
        (
            c.id, c.comment_id, c.remedy, c.effect, c.coder, c.status, c.start, c.end,
            c.quote, c.note, c.created_at, c.codebook_hash, c.suggestion_id, c.reason,
        )
        for c in codings
    )  # fmt: skip
    frame = pd.DataFrame.from_records(list(rows), columns=CODING_COLUMNS)
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    return frame


def comments_frame(comments: Iterable[Comment] | pd.DataFrame) -> pd.DataFrame:
    """`id` and `author` per comment, for counting distinct authors."""
    if isinstance(comments, pd.DataFrame):
        return comments[["id", "author"]].copy()
    return pd.DataFrame.from_records([(c.id, c.author) for c in comments], columns=["id", "author"])


def select_codings(
    frame: pd.DataFrame,
    coders: Sequence[str] | None = None,
    include_suggestions: bool = False,
    include_rejected: bool = False,
) -> pd.DataFrame:
    """Keep what is counted: confirmed codings (+ `auto` suggestions, + rejections if asked).

    `coders` limits to those coders (suggestions are added on top when included); a coder
    with no codings at all is an InputError naming the coders there are.
    """
    statuses = ["confirmed"]
    if include_suggestions:
        statuses.append("suggested")
    if include_rejected:
        statuses.append("rejected")
    keep = frame["status"].isin(statuses)
    if not include_suggestions:
        keep &= frame["coder"] != AUTO_CODER
    if coders:
        _check_coders(frame, coders)
        wanted = list(coders) + ([AUTO_CODER] if include_suggestions else [])
        keep &= frame["coder"].isin(wanted)
    return frame.loc[keep].reset_index(drop=True)


def _check_coders(frame: pd.DataFrame, coders: Sequence[str]) -> None:
    known = set(frame["coder"].unique()) - {AUTO_CODER}
    unknown = [c for c in coders if c not in known]
    if unknown:
        names = ", ".join(sorted(known)) or "none yet"
        raise InputError(
            f"No codings by coder {', '.join(repr(c) for c in unknown)}.",
            f"Coders with codings: {names}. Check the spelling, or leave out --coder for all.",
        )


def remedy_tree(codebook: Codebook, extra: Iterable[str] = ()) -> pd.DataFrame:
    """Remedy codes in tree order (parents before children) with label, parent and depth.

    Codes found in codings but missing from the codebook (`extra`) follow, sorted, so no
    coding is ever dropped from a tally.
    """
    children: dict[str | None, list] = {}
    for code in codebook.remedies:
        children.setdefault(code.parent, []).append(code)
    rows: list[tuple[str, str, str | None, int]] = []
    stack = [(code, 0) for code in reversed(children.get(None, []))]
    while stack:  # depth first, iterative: a deep codebook cannot exhaust the call stack
        code, depth = stack.pop()
        rows.append((code.id, code.label, code.parent, depth))
        stack += [(child, depth + 1) for child in reversed(children.get(code.id, []))]
    seen = {r[0] for r in rows}
    orphans = [r for r in codebook.remedies if r.id not in seen]  # parent missing
    rows += [(r.id, r.label, r.parent, 0) for r in orphans]
    seen |= {r.id for r in orphans}
    rows += [(code, code, None, 0) for code in sorted(set(extra) - seen)]
    tree = pd.DataFrame(rows, columns=["remedy", "label", "parent", "depth"])
    tree["has_children"] = tree["remedy"].isin(set(tree["parent"].dropna()))
    return tree


def effect_order(codebook: Codebook, extra: Iterable[str] = ()) -> list[str]:
    """Effect ids in codebook order, then unknown ones found in codings, sorted."""
    ids = [e.id for e in codebook.effects]
    return ids + sorted(set(extra) - set(ids))


@dataclass(frozen=True)
class Cube:
    """Distinct-comment counts by coder x remedy group (rolled up) x effect, as arrays.

    `cells[k, g, e]`: comments coder k coded with a remedy in group g and effect e;
    `any`, `stated`, `benefit`, `authors` are per (k, g).
    """

    coders: list[str]
    tree: pd.DataFrame
    effects: list[str]
    cells: np.ndarray
    any: np.ndarray
    stated: np.ndarray
    benefit: np.ndarray
    authors: np.ndarray


def count_cube(
    frame: pd.DataFrame, codebook: Codebook, comments: pd.DataFrame | None = None
) -> Cube:
    """Count everything the summary needs in one vectorised pass over integer codes."""
    effects = effect_order(codebook, frame["effect"].unique())
    tree = remedy_tree(codebook, frame["remedy"].unique())
    coder_codes, coders = pd.factorize(frame["coder"], sort=True)
    comment_codes, comment_ids = pd.factorize(frame["comment_id"])
    effect_codes = pd.Categorical(frame["effect"], categories=effects).codes.astype(np.int64)
    remedy_codes = pd.Categorical(frame["remedy"], categories=tree["remedy"]).codes
    rows, groups = _expand_groups(remedy_codes, _group_lists(codebook, tree))
    k, g, e = len(coders), len(tree), len(effects)
    coder_at, comment_at, effect_at = coder_codes[rows], comment_codes[rows], effect_codes[rows]
    kg = coder_at.astype(np.int64) * g + groups
    cells = _distinct_count(kg * e + effect_at, comment_at, k * g * e).reshape(k, g, e)
    stated_mask = effect_at != _index(effects, NOT_STATED_EFFECT)
    benefit_mask = np.isin(effect_at, [_index(effects, x) for x in BENEFIT_EFFECTS])
    size = k * g
    return Cube(
        coders=list(coders),
        tree=tree,
        effects=effects,
        cells=cells,
        any=_distinct_count(kg, comment_at, size).reshape(k, g),
        stated=_distinct_count(kg[stated_mask], comment_at[stated_mask], size).reshape(k, g),
        benefit=_distinct_count(kg[benefit_mask], comment_at[benefit_mask], size).reshape(k, g),
        authors=_author_count(kg, comment_at, comment_ids, comments, size).reshape(k, g),
    )


def _index(items: list[str], item: str) -> int:
    return items.index(item) if item in items else -1


def _group_lists(codebook: Codebook, tree: pd.DataFrame) -> list[list[int]]:
    """For each remedy (tree position): its own position and its ancestors' positions."""
    position = {code: i for i, code in enumerate(tree["remedy"])}
    return [
        [position[r], *(position[a] for a in codebook.ancestors(r) if a in position)]
        for r in tree["remedy"]
    ]


def _expand_groups(remedy_codes: np.ndarray, group_lists: list[list[int]]):
    """Repeat each coding once per group it counts towards: (coding row, group) arrays."""
    lengths = np.array([len(x) for x in group_lists], dtype=np.int64)
    flat = np.array([g for x in group_lists for g in x], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    per_row = lengths[remedy_codes]
    rows = np.repeat(np.arange(len(remedy_codes)), per_row)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return rows, flat[np.repeat(starts[remedy_codes], per_row) + offset]


def _distinct_count(keys: np.ndarray, members: np.ndarray, size: int) -> np.ndarray:
    """How many distinct `members` (e.g. comments) each key in range(size) has."""
    if len(keys) == 0:
        return np.zeros(size, dtype=np.int64)
    width = int(members.max()) + 1
    flat = keys.astype(np.int64) * width + members
    if size * width <= DENSE_LIMIT:  # a bitmap of (key, member): one pass, no hashing
        seen = np.zeros(size * width, dtype=bool)
        seen[flat] = True
        return seen.reshape(size, width).sum(axis=1, dtype=np.int64)
    pairs = pd.unique(flat)
    return np.bincount(pairs // width, minlength=size).astype(np.int64)


def _author_count(kg, comment_at, comment_ids, comments, size: int) -> np.ndarray:
    """Distinct authors per key; comments without an author are not counted."""
    if comments is None or len(kg) == 0:
        return np.zeros(size, dtype=np.int64)
    author_of = comments.drop_duplicates("id").set_index("id")["author"]
    author_codes, _ = pd.factorize(author_of.reindex(pd.Index(comment_ids)))  # NaN -> -1
    authors = author_codes[comment_at]
    known = authors >= 0
    return _distinct_count(kg[known], authors[known], size)


def remedy_effect_counts(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Distinct comments per (coder, remedy, effect), parent codes rolled up.

    Returns columns `coder, remedy, effect, comments`: one row per non-zero cell, coders
    sorted, remedies in codebook tree order, effects in codebook order.
    """
    cube = count_cube(frame, codebook)
    k, g, e = np.nonzero(cube.cells)
    return pd.DataFrame({
        "coder": np.asarray(cube.coders, dtype=object)[k],
        "remedy": cube.tree["remedy"].to_numpy()[g],
        "effect": np.asarray(cube.effects, dtype=object)[e],
        UNIT: cube.cells[k, g, e],
    })  # fmt: skip


def wilson_interval(k, n, z: float = 1.96):
    """Wilson score interval for k successes in n trials; NaN where n == 0.

    Works on scalars and arrays alike.

    >>> [round(x, 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan) + 0.0
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan) + 0.0
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


SHARE = "share helped or partial (of comments with effect stated)"
SHARE_LOW = "share 95% CI low (Wilson)"
SHARE_HIGH = "share 95% CI high (Wilson)"
AUTHORS = f"distinct authors (of those {UNIT})"


def summary_table(
    frame: pd.DataFrame,
    codebook: Codebook,
    comments: pd.DataFrame | None = None,
    include_empty: bool = True,
) -> pd.DataFrame:
    """The summary: per coder and remedy (rolled up), comment counts per effect and more.

    `frame` holds the codings to count (see `select_codings`); `comments` (id, author)
    adds distinct authors (0 without it). Every count header names its unit. Rows: coders
    sorted, remedies in codebook tree order; remedies nobody coded stay as zero rows when
    `include_empty` (one stable layout), else are dropped.
    """
    cube = count_cube(frame, codebook, comments)
    k, g = len(cube.coders), len(cube.tree)
    tree = cube.tree
    table = pd.DataFrame({
        "coder": np.repeat(np.asarray(cube.coders, dtype=object), g),
        "remedy": np.tile(tree["remedy"].to_numpy(), k),
        "remedy label": np.tile(tree["label"].to_numpy(), k),
        "parent": np.tile(tree["parent"].to_numpy(), k),
        "level": np.tile(tree["depth"].to_numpy(), k),
        "includes sub-codes": np.tile(tree["has_children"].to_numpy(), k),
    })  # fmt: skip
    cells = cube.cells.reshape(k * g, len(cube.effects))
    for i, effect in enumerate(cube.effects):
        table[f"{effect} ({UNIT})"] = cells[:, i]
    table[f"any effect ({UNIT})"] = cube.any.ravel()
    table[f"effect stated ({UNIT})"] = cube.stated.ravel()
    table[f"helped or partial ({UNIT})"] = cube.benefit.ravel()
    n, hits = cube.stated.ravel(), cube.benefit.ravel()
    table[SHARE] = np.where(n > 0, hits / np.maximum(n, 1), np.nan)
    table[SHARE_LOW], table[SHARE_HIGH] = wilson_interval(hits, n)
    table[AUTHORS] = cube.authors.ravel()
    if not include_empty:
        table = table[table[f"any effect ({UNIT})"] > 0].reset_index(drop=True)
    return table


def matrix(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Comment x remedy: one row per (comment, coder) with codings, the effect in each cell.

    Then one 0/1 column per remedy (`has_<id>`, names R and SPSS accept). Several effects
    for one remedy in one comment are joined with "; " in codebook effect order. Only
    remedies that occur are columns; comments without codings are not rows.
    """
    effects = effect_order(codebook, frame["effect"].unique())
    tree = remedy_tree(codebook, frame["remedy"].unique())
    used = [r for r in tree["remedy"] if r in set(frame["remedy"].unique())]
    cells = _effect_text(frame, effects)
    wide = cells.unstack("remedy").reindex(columns=used)
    flags = wide.notna().astype("int8")
    flags.columns = [f"has_{r}" for r in used]
    out = pd.concat([wide, flags], axis=1).reset_index()
    return out.sort_values(["comment_id", "coder"], kind="stable").reset_index(drop=True)


def _effect_text(frame: pd.DataFrame, effects: list[str]) -> pd.Series:
    """Effect text per (comment, coder, remedy); several effects joined in effect order."""
    base = frame[["comment_id", "coder", "remedy", "effect"]].drop_duplicates()
    rank = {e: i for i, e in enumerate(effects)}
    base = base.assign(_rank=base["effect"].map(rank)).sort_values("_rank", kind="stable")
    keys = ["comment_id", "coder", "remedy"]
    dup = base.duplicated(keys, keep=False)
    single = base.loc[~dup].set_index(keys)["effect"]
    if dup.any():
        multi = base.loc[dup].groupby(keys, sort=False)["effect"].agg("; ".join)
        single = pd.concat([single, multi])
    return single
