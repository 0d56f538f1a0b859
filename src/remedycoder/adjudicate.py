"""Adjudication: settle each disagreement as codings of a consensus coder (pure, no storage).

For a disagreement on one remedy in one comment the choices are one coder's codings, all of
them ("both"), or none ("neither"). `resolve` turns the choice into the consensus coder's
codings, what to remove of an earlier decision, and the events recording who decided. Where
the coders agreed, `agreed_codings` copies their codings to the consensus coder, so the
consensus is a complete set. Consensus coding ids are uuid5 of the source coding, so deciding
the same way twice stores nothing new.

`Adjudication` is the pass both UIs (the TUI and `--plain`) drive: it seeds the agreed
codings, lists what is left to decide, and stores each choice with its events at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from remedycoder.agreement import Disagreement, compute_agreement
from remedycoder.errors import InputError
from remedycoder.models import (
    AUTO_CODER,
    Codebook,
    Coding,
    Comment,
    Event,
    coder_name_problem,
    utcnow,
)

if TYPE_CHECKING:
    from remedycoder.store import Store

CONSENSUS = "consensus"
ALL = "both"
NONE = "neither"
_NAMESPACE = uuid.UUID("a7d3c0e1-2b5f-5b8e-8c1d-61646a756469")


@dataclass(frozen=True)
class Option:
    """One numbered choice shown to the adjudicator."""

    key: str  # "1", "2", ...
    choice: str  # a coder's name, "both" or "neither"
    label: str


@dataclass
class Resolution:
    """What storing one decision means: codings to add and remove, and the events to log."""

    comment_id: str
    remedy: str
    choice: str
    add: list[Coding] = field(default_factory=list)
    remove: list[Coding] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def options(disagreement: Disagreement) -> list[Option]:
    """Each coder's version, then all of them together, then none."""
    out = [
        Option(str(i), coder, f"{coder}'s: {_describe(disagreement.codings.get(coder, []))}")
        for i, coder in enumerate(disagreement.values, start=1)
    ]
    n = len(out)
    everyone = "both" if n == 2 else "all"
    out.append(Option(str(n + 1), ALL, f"{everyone}: keep every coder's codings of this remedy"))
    out.append(Option(str(n + 2), NONE, "neither: the remedy is not coded in this comment"))
    return out


def parse_choice(disagreement: Disagreement, answer: str) -> str | None:
    """The choice an answer names (its number, a coder's name, both/all, neither); else None."""
    answer = answer.strip()
    for option in options(disagreement):
        if answer in (option.key, option.choice):
            return option.choice
    if answer.lower() in ("both", "all", "a+b"):
        return ALL
    if answer.lower() in ("neither", "none"):
        return NONE
    return None


def resolve(
    disagreement: Disagreement,
    choice: str,
    *,
    consensus: str = CONSENSUS,
    adjudicator: str,
    existing: Sequence[Coding] = (),
) -> Resolution:
    """The consensus coder's codings of this remedy in this comment after `choice`.

    `existing` are the consensus coder's current codings of it (from an earlier decision);
    they are removed unless the new decision keeps them unchanged.
    """
    chosen = _chosen_codings(disagreement, choice)
    wanted = _dedupe([consensus_copy(c, consensus, adjudicator, choice) for c in chosen])
    keep = {c.id for c in existing} & {c.id for c in wanted}
    result = Resolution(disagreement.comment_id, disagreement.remedy, choice)
    result.add = [c for c in wanted if c.id not in keep]
    result.remove = [c for c in existing if c.id not in keep]
    result.events = _events(result, consensus, adjudicator)
    return result


def consensus_copy(coding: Coding, consensus: str, adjudicator: str, choice: str) -> Coding:
    """A coder's coding re-issued as the consensus coder's, with a stable id."""
    return coding.model_copy(
        update={
            "id": str(uuid.uuid5(_NAMESPACE, f"{consensus}:{coding.id}")),
            "coder": consensus,
            "status": "confirmed",
            "reason": f"adjudicated by {adjudicator}: {choice} (from {coding.coder})",
            "created_at": utcnow(),
        }
    )


def agreed_codings(
    codings: Mapping[str, Iterable[Coding]],
    units: Iterable[str],
    coders: Sequence[str],
    *,
    consensus: str = CONSENSUS,
    adjudicator: str,
) -> list[Coding]:
    """Consensus copies where every coder coded a remedy with the same effects.

    `units` are the comments all `coders` reviewed (agreement's units). The first coder's
    codings are copied.
    """
    units = set(units)
    table: dict[tuple[str, str, str], list[Coding]] = {}
    for coder in coders:
        for c in codings.get(coder, ()):
            if c.status == "confirmed" and c.comment_id in units:
                table.setdefault((c.comment_id, c.remedy, coder), []).append(c)
    out: list[Coding] = []
    for comment_id, remedy in sorted({(k[0], k[1]) for k in table}):
        per_coder = [table.get((comment_id, remedy, coder), []) for coder in coders]
        effects = {frozenset(c.effect for c in found) for found in per_coder}
        if all(per_coder) and len(effects) == 1:
            out.extend(consensus_copy(c, consensus, adjudicator, "agreed") for c in per_coder[0])
    return out


def decided(events: Iterable[Event], consensus: str = CONSENSUS) -> set[tuple[str, str]]:
    """(comment, remedy) pairs already adjudicated for `consensus`, read from the event log."""
    out: set[tuple[str, str]] = set()
    prefix = f"{consensus}/"
    for event in events:
        if event.action == "adjudicate" and event.detail.startswith(prefix):
            remedy = event.detail[len(prefix) :].split(":", 1)[0]
            if event.comment_id:
                out.add((event.comment_id, remedy))
    return out


def pending(
    disagreements: Iterable[Disagreement], done: set[tuple[str, str]]
) -> list[Disagreement]:
    return [d for d in disagreements if (d.comment_id, d.remedy) not in done]


def check_consensus(consensus: str, coders: Sequence[str]) -> None:
    """The consensus coder must be a name of its own: not a compared coder, not `auto`."""
    if consensus in coders or coder_name_problem(consensus, human=True):
        raise InputError(
            f"--as {consensus}: the consensus must be a coder name of its own, not one of the "
            f"coders compared or `{AUTO_CODER}`.",
            "Example: --as consensus",
        )


# --- the adjudicator's pass --------------------------------------------------------------------


@dataclass(frozen=True)
class AdjudicationProgress:
    """How far this pass is: `decided` of the `total` disagreements in it."""

    decided: int
    total: int
    position: int
    disagreements: int  # between the coders, including those decided in earlier passes

    @property
    def left(self) -> int:
        return self.total - self.decided

    def __str__(self) -> str:
        return f"{self.decided} of {self.total} decided"


@dataclass
class Adjudication:
    """One adjudicator's pass through the coders' disagreements. Build with `open`.

    `pending` are the disagreements of this pass (those not decided before; all with
    `redo`), `current` the one shown. Each `choose` is stored at once, in one transaction
    with its events, so quitting at any point keeps every decision made; opening again
    continues with what is left.
    """

    store: Store
    codebook: Codebook | None
    coders: tuple[str, ...]
    consensus: str
    adjudicator: str
    disagreements: list[Disagreement]
    pending: list[Disagreement]
    seeded: int = 0
    """Agreed codings copied to the consensus coder when the pass was opened."""
    position: int = 0
    _choices: dict[tuple[str, str], str] = field(init=False, default_factory=dict)
    _settled: set[tuple[str, str]] = field(init=False, default_factory=set)
    """Decided in this pass or an earlier one (from the event log)."""

    @classmethod
    def open(
        cls,
        store: Store,
        codebook: Codebook | None,
        coders: Sequence[str],
        *,
        consensus: str = CONSENSUS,
        adjudicator: str,
        redo: bool = False,
    ) -> Adjudication:
        """Compare the coders, copy what they agree on to `consensus`, list what is left."""
        check_consensus(consensus, coders)
        if problem := coder_name_problem(adjudicator, human=True):
            raise InputError(
                f"--coder {adjudicator!r}: not a usable coder name ({problem}).", "Give your name."
            )
        codings = {c: store.codings(coders=[c], statuses=["confirmed"]) for c in coders}
        reviewed = {c: store.reviewed(c) for c in coders}
        found = compute_agreement(codings, reviewed, codebook, coders).disagreements
        settled = decided(store.events(), consensus)
        todo = list(found) if redo else pending(found, settled)
        adjudication = cls(store, codebook, tuple(coders), consensus, adjudicator, found, todo)
        adjudication._settled = settled
        adjudication.seeded = adjudication._seed_agreed(codings, reviewed)
        return adjudication

    # -- where we are -----------------------------------------------------------------------

    @property
    def current(self) -> Disagreement | None:
        """The disagreement shown; None past the end of the pass."""
        return self.pending[self.position] if self.position < len(self.pending) else None

    def progress(self) -> AdjudicationProgress:
        return AdjudicationProgress(
            len(self._choices), len(self.pending), self.position, len(self.disagreements)
        )

    def comment(self, disagreement: Disagreement) -> Comment | None:
        return self.store.get_comment(disagreement.comment_id)

    def choice_for(self, disagreement: Disagreement) -> str | None:
        """What was chosen for it in this pass, if anything."""
        return self._choices.get(_key(disagreement))

    # -- moving -----------------------------------------------------------------------------

    def next(self) -> bool:
        """Move on one (decided or not); False when already past the end."""
        if self.position >= len(self.pending):
            return False
        self.position += 1
        return True

    def skip(self) -> bool:
        """Leave the current disagreement undecided and move on (it stays for the next pass)."""
        return self.next()

    def previous(self) -> bool:
        """Go back one (its decision stays until another choice replaces it)."""
        if self.position == 0:
            return False
        self.position -= 1
        return True

    # -- deciding ---------------------------------------------------------------------------

    def choose(self, choice: str) -> Resolution:
        """Store `choice` (a coder's name, `both` or `neither`) for the current disagreement,
        then move to the next one not decided in this pass.

        The comment counts as reviewed by the consensus coder once all its disagreements
        are decided.
        """
        disagreement = self.current
        if disagreement is None:
            raise InputError("Nothing to decide here: this is past the last disagreement.")
        existing = [
            c
            for c in self.store.codings(coders=[self.consensus], comment_id=disagreement.comment_id)
            if c.remedy == disagreement.remedy
        ]
        resolution = resolve(
            disagreement,
            choice,
            consensus=self.consensus,
            adjudicator=self.adjudicator,
            existing=existing,
        )
        settled = self._settled | {_key(disagreement)}
        with self.store.transaction():
            for coding in resolution.remove:
                self.store.delete_coding(coding.id)
            self.store.put_codings(resolution.add)
            for event in resolution.events:
                self.store.append_event(event)
            if self._comment_settled(disagreement.comment_id, settled):
                self._mark_reviewed(disagreement.comment_id)
        self._settled = settled
        self._choices[_key(disagreement)] = choice
        self.position = self._next_undecided(self.position + 1)
        return resolution

    # -- helpers ----------------------------------------------------------------------------

    def _seed_agreed(
        self, codings: Mapping[str, list[Coding]], reviewed: Mapping[str, set[str]]
    ) -> int:
        """Copy agreed codings to the consensus coder; mark comments with nothing to settle."""
        units = set.intersection(*(reviewed[c] for c in self.coders))
        seeds = agreed_codings(
            codings, units, self.coders, consensus=self.consensus, adjudicator=self.adjudicator
        )
        fresh = [s for s in seeds if self.store.get_coding(s.id) is None]
        open_comments = {d.comment_id for d in self.disagreements}
        with self.store.transaction():
            self.store.put_codings(fresh)
            for seed in fresh:
                self.store.append_event(
                    Event(
                        coder=self.adjudicator,
                        action="adjudicate",
                        comment_id=seed.comment_id,
                        coding_id=seed.id,
                        after=seed.model_dump(mode="json"),
                        detail=f"{self.consensus}/{seed.remedy}: agreed",
                    )
                )
            for comment_id in sorted(units - open_comments):
                self._mark_reviewed(comment_id)
        return len(fresh)

    def _comment_settled(self, comment_id: str, settled: set[tuple[str, str]]) -> bool:
        return all(_key(d) in settled for d in self.disagreements if d.comment_id == comment_id)

    def _mark_reviewed(self, comment_id: str) -> None:
        if not self.store.is_reviewed(comment_id, self.consensus):
            self.store.set_reviewed(comment_id, self.consensus)

    def _next_undecided(self, start: int) -> int:
        """The first position from `start` not decided in this pass; past the end if none."""
        return next(
            (
                i
                for i in range(start, len(self.pending))
                if _key(self.pending[i]) not in self._choices
            ),
            len(self.pending),
        )


def _key(disagreement: Disagreement) -> tuple[str, str]:
    return disagreement.comment_id, disagreement.remedy


# --- helpers -----------------------------------------------------------------------------------


def _chosen_codings(disagreement: Disagreement, choice: str) -> list[Coding]:
    if choice == NONE:
        return []
    if choice == ALL:
        return [c for coder in disagreement.values for c in disagreement.codings.get(coder, [])]
    if choice not in disagreement.values:
        raise InputError(
            f"`{choice}` is not one of the choices for comment {disagreement.comment_id}, remedy "
            f"{disagreement.remedy}.",
            f"Choose one of: {', '.join([*disagreement.values, ALL, NONE])}.",
        )
    return list(disagreement.codings.get(choice, []))


def _dedupe(codings: list[Coding]) -> list[Coding]:
    """Identical evidence and effect from two coders is one consensus coding."""
    seen: set[tuple] = set()
    out = []
    for c in codings:
        key = (c.effect, c.start, c.end)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _events(result: Resolution, consensus: str, adjudicator: str) -> list[Event]:
    detail = f"{consensus}/{result.remedy}: {result.choice}"

    def logged(coding: Coding, side: str) -> Event:
        row = {side: coding.model_dump(mode="json")}
        return Event(
            coder=adjudicator, action="adjudicate", comment_id=result.comment_id,
            coding_id=coding.id, detail=detail, **row,
        )  # fmt: skip

    events = [logged(c, "before") for c in result.remove]
    events += [logged(c, "after") for c in result.add]
    if not events:
        events.append(
            Event(
                coder=adjudicator, action="adjudicate", comment_id=result.comment_id, detail=detail
            )
        )
    return events


def _describe(codings: Sequence[Coding]) -> str:
    if not codings:
        return "not coded"
    parts = []
    for c in codings:
        text = c.effect
        if c.quote:
            text += f' "{_short(c.quote)}"'
        if c.note:
            text += f" [note: {_short(c.note)}]"
        parts.append(text)
    return "; ".join(parts)


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
