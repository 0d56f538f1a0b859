"""CodingSession: one coder working through a queue of comments, with no UI.

Every decision is one store transaction holding the row change and its event, so a crash
loses at most the keystroke in flight. Undo walks this coder's event log backwards, so it
is unlimited and survives a restart. Every query is filtered by coder: coders are blind to
each other unless `show_others` is set.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from remedycoder.errors import InputError
from remedycoder.models import (
    AUTO_CODER,
    Codebook,
    Coding,
    Comment,
    Event,
    RemedyCode,
    coder_name_problem,
)
from remedycoder.store import Store

QUEUES = ("unreviewed", "suggested", "flagged", "all")
"""Queue names for `--queue`; `unreviewed` skips comments this coder already reviewed."""

_CODING_ACTIONS = frozenset({"confirm", "reject", "add", "edit", "delete", "adjudicate"})


@dataclass(frozen=True)
class QueueSpec:
    """Which comments a session walks through: a queue, an optional sample and filter."""

    kind: str = "unreviewed"
    sample: int | None = None
    seed: int = 0
    filter: str | None = None

    def describe(self) -> str:
        parts = [self.kind]
        if self.sample is not None:
            parts.append(f"sample {self.sample} (seed {self.seed})")
        if self.filter:
            parts.append(f"filter {self.filter!r}")
        return ", ".join(parts)


def parse_filter(text: str | None) -> tuple[str | None, tuple[str, str] | None]:
    """`--filter` text: `name=value` matches a field or attribute, anything else the text."""
    if not text:
        return None, None
    name, sep, value = text.partition("=")
    if sep and name.strip() and " " not in name.strip():
        return None, (name.strip(), value.strip())
    return text, None


def sample_ids(ids: list[str], size: int, seed: int) -> list[str]:
    """The same reproducible sample for every coder: drawn from sorted ids, kept in order."""
    if size < 0:
        raise InputError(f"--sample {size}: must be 0 or more.")
    chosen = set(random.Random(seed).sample(sorted(ids), min(size, len(ids))))
    return [i for i in ids if i in chosen]


def build_queue(store: Store, spec: QueueSpec) -> list[str]:
    """The comment ids of a queue, in import order."""
    if spec.kind not in QUEUES:
        raise InputError(f"--queue {spec.kind}: unknown queue.", f"Use {'|'.join(QUEUES)}.")
    text, field_equals = parse_filter(spec.filter)
    ids = store.queue_ids(
        suggested=spec.kind == "suggested",
        flagged=spec.kind == "flagged",
        text_contains=text,
        field_equals=field_equals,
    )
    return ids if spec.sample is None else sample_ids(ids, spec.sample, spec.seed)


def hotkeys(codebook: Codebook) -> dict[str, tuple[str, str]]:
    """Codebook hotkeys: key -> ("effect" | "remedy", code id)."""
    keys = {e.hotkey: ("effect", e.id) for e in codebook.effects if e.hotkey}
    keys.update({r.hotkey: ("remedy", r.id) for r in codebook.remedies if r.hotkey})
    return keys


@dataclass(frozen=True)
class Item:
    """One line of a comment's list: a suggestion with this coder's decision, or an addition."""

    suggestion: Coding | None
    decision: Coding | None

    @property
    def coding(self) -> Coding:
        return self.decision or self.suggestion  # type: ignore[return-value]

    @property
    def status(self) -> str:
        """`suggested` (undecided), `confirmed`, `rejected`, or `added` (the coder's own)."""
        if self.suggestion is None:
            return "added"
        return self.decision.status if self.decision else "suggested"

    @property
    def remedy(self) -> str:
        return self.coding.remedy

    @property
    def effect(self) -> str:
        return self.coding.effect


@dataclass(frozen=True)
class CommentView:
    """What the screen shows for one comment (only this coder's decisions, unless others)."""

    comment: Comment
    parent: Comment | None
    items: list[Item]
    others: list[Coding]
    flag: str | None
    note: str | None
    reviewed: bool
    position: int


@dataclass(frozen=True)
class Progress:
    coder: str
    reviewed: int
    total: int
    position: int
    queue: str
    at_end: bool = False

    def __str__(self) -> str:
        return f"{self.reviewed} of {self.total} reviewed by {self.coder}"


@dataclass
class CodingSession:
    """A coder's pass through a queue: navigate, decide, undo. Build with `CodingSession.open`."""

    store: Store
    codebook: Codebook
    coder: str
    ids: list[str]
    spec: QueueSpec = field(default_factory=QueueSpec)
    show_others: bool = False
    position: int = 0
    at_end: bool = False
    _reviewed: set[str] = field(init=False, default_factory=set)
    _reviewed_in_queue: int = field(init=False, default=0)
    _positions: dict[str, int] = field(init=False, default_factory=dict)
    _view: CommentView | None = field(init=False, default=None)
    _lookup: Callable[[str, int], list[tuple[str, float]]] | None = field(init=False, default=None)

    @classmethod
    def open(
        cls,
        store: Store,
        codebook: Codebook,
        coder: str,
        spec: QueueSpec | None = None,
        *,
        show_others: bool = False,
    ) -> CodingSession:
        """Start (or resume) at the first comment of the queue this coder has not reviewed."""
        if problem := coder_name_problem(coder, human=True):
            raise InputError(
                f"--coder {coder!r}: not a usable coder name ({problem}).", "Give your name."
            )
        spec = spec or QueueSpec()
        session = cls(store, codebook, coder, build_queue(store, spec), spec, show_others)
        store.set_meta("last_coder", coder)
        session._positions = {cid: i for i, cid in enumerate(session.ids)}
        session._reviewed = store.reviewed(coder)
        session._reviewed_in_queue = sum(1 for i in session.ids if i in session._reviewed)
        session.position = session._next_unreviewed(0) or 0
        return session

    # -- where we are -----------------------------------------------------------------------

    @property
    def comment_id(self) -> str | None:
        return self.ids[self.position] if self.ids else None

    def progress(self) -> Progress:
        return Progress(
            self.coder,
            self._reviewed_in_queue,
            len(self.ids),
            self.position,
            self.spec.describe(),
            self.at_end,
        )

    def view(self) -> CommentView | None:
        """The current comment with its suggestions and this coder's codings (cached)."""
        if self.comment_id is None:
            return None
        if self._view is None or self._view.comment.id != self.comment_id:
            self._view = self._load_view(self.comment_id)
        return self._view

    def _load_view(self, comment_id: str) -> CommentView:
        comment = self.store.get_comment(comment_id) or Comment(
            id=comment_id, text="(This comment is no longer in the store: n moves on.)"
        )
        parent = self.store.get_comment(comment.parent_id) if comment.parent_id else None
        codings = self.store.codings(comment_id=comment_id)
        return CommentView(
            comment=comment,
            parent=parent,
            items=self._items(codings),
            others=[c for c in codings if c.coder not in (AUTO_CODER, self.coder)]
            if self.show_others
            else [],
            flag=self.store.flag(comment_id, self.coder),
            note=self.store.comment_note(comment_id, self.coder),
            reviewed=comment_id in self._reviewed,
            position=self.position,
        )

    def _items(self, codings: list[Coding]) -> list[Item]:
        mine = [c for c in codings if c.coder == self.coder]
        decided = {c.suggestion_id: c for c in mine if c.suggestion_id}
        items = [Item(s, decided.get(s.id)) for s in codings if s.coder == AUTO_CODER]
        known = {s.id for s in codings if s.coder == AUTO_CODER}
        items += [Item(None, c) for c in mine if c.suggestion_id not in known]
        return items

    # -- navigation -------------------------------------------------------------------------

    def next(self) -> bool:
        """Mark the current comment reviewed, then move on; False at the end of the queue."""
        if self.comment_id is None:
            return False
        self.mark_reviewed()
        after = self.position + 1
        target = self._next_unreviewed(after) if self.spec.kind == "unreviewed" else after
        if target is None or target >= len(self.ids):
            self.at_end = True
            return False
        self.position = target
        return True

    def previous(self) -> bool:
        """Go back one comment in the queue (it stays as decided)."""
        self.at_end = False
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def goto(self, comment_id: str) -> bool:
        """Show a comment of the queue by id; False when it is not in this queue."""
        if comment_id not in self._positions:
            return False
        self.position, self.at_end = self._positions[comment_id], False
        return True

    def _next_unreviewed(self, start: int) -> int | None:
        """The first position from `start` this coder has not reviewed, if any."""
        return next(
            (p for p in range(start, len(self.ids)) if self.ids[p] not in self._reviewed), None
        )

    # -- decisions --------------------------------------------------------------------------

    def mark_reviewed(self) -> bool:
        """Record that this coder decided the current comment (even with nothing to code)."""
        cid = self.comment_id
        if cid is None or cid in self._reviewed or self.store.get_comment(cid) is None:
            return False
        with self.store.transaction():
            self.store.set_reviewed(cid, self.coder, True)
            self._log("review", cid, before=None, after={"comment_id": cid, "coder": self.coder})
        self._set_reviewed(cid, True)
        return True

    def accept(self, index: int, *, start: int | None = None, end: int | None = None) -> bool:
        """Confirm a suggestion (optionally with a selected evidence range)."""
        item = self._item(index)
        if item.suggestion is None or (item.status == "confirmed" and start is None):
            return False
        after = self._decision(item, "confirmed", item.effect)
        if start is not None:
            after = self._with_evidence(after, start, end)
        self._change("confirm", item.decision, after)
        return True

    def reject(self, index: int) -> bool:
        """Reject a suggestion; for one of the coder's own additions, delete it."""
        item = self._item(index)
        if item.suggestion is None:
            self._change("delete", item.decision, None)
            return True
        if item.status == "rejected":
            return False
        self._change("reject", item.decision, self._decision(item, "rejected", item.effect))
        return True

    def set_effect(self, index: int, effect: str) -> bool:
        """Change an item's effect; an undecided suggestion is confirmed with it."""
        self._check_effect(effect)
        item = self._item(index)
        if item.decision is not None and item.effect == effect and item.status != "rejected":
            return False
        after = self._decision(item, "confirmed", effect)
        self._change("edit" if item.decision else "confirm", item.decision, after)
        return True

    def add(
        self,
        remedy: str,
        effect: str | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> Coding:
        """Add a coding of the coder's own (not from a suggestion), with optional evidence."""
        code = self.codebook.remedy(remedy)
        if code is None or not code.codable:
            raise InputError(f"`{remedy}` is not a codable remedy in the codebook.")
        effect = effect or self.default_effect()
        self._check_effect(effect)
        coding = Coding(
            comment_id=self._current_id(),
            remedy=remedy,
            effect=effect,
            coder=self.coder,
            status="confirmed",
            codebook_hash=self.codebook.content_hash,
        )
        if start is not None:
            coding = self._with_evidence(coding, start, end)
        self._change("add", None, coding)
        return coding

    def set_evidence(self, index: int, start: int, end: int) -> bool:
        """Attach a selected range of the comment as evidence to one of the coder's codings."""
        item = self._item(index)
        base = item.decision or self._decision(item, "confirmed", item.effect)
        after = self._with_evidence(base, start, end)
        self._change("edit" if item.decision else "confirm", item.decision, after)
        return True

    def note(self, text: str, index: int | None = None) -> None:
        """A note on one of the coder's codings (index) or on the comment (no index)."""
        if index is None:
            self._comment_note(text)
            return
        item = self._item(index)
        base = item.decision or self._decision(item, "confirmed", item.effect)
        after = base.model_copy(update={"note": text})
        self._change("note", item.decision, after, detail="coding note")

    def toggle_flag(self, note: str = "") -> bool:
        """Flag the comment for discussion, or unflag it; returns whether it is now flagged."""
        cid = self._current_id()
        before = self.store.flag(cid, self.coder)
        after = note if before is None else None
        with self.store.transaction():
            self.store.set_flag(cid, self.coder, after)
            self._log(
                "flag" if after is not None else "unflag",
                cid,
                before=None if before is None else {"note": before},
                after=None if after is None else {"note": after},
            )
        self._view = None
        return after is not None

    def undo(self) -> Event | None:
        """Undo this coder's latest decision not yet undone (any time, also after a restart)."""
        with self.store.transaction():
            event = self.store.latest_undoable_event(self.coder)
            if event is None:
                return None
            self._restore(event)
            self.store.append_event(
                Event(
                    coder=self.coder,
                    action="undo",
                    comment_id=event.comment_id,
                    coding_id=event.coding_id,
                    before=event.after,
                    after=event.before,
                    undoes=event.seq,
                    detail=event.action,
                )
            )
        self._view = None
        if event.comment_id:
            self.goto(event.comment_id)
        return event

    # -- codebook help ----------------------------------------------------------------------

    def default_effect(self) -> str:
        wanted = self.codebook.rules.default_effect
        if self.codebook.effect(wanted) is not None or not self.codebook.effects:
            return wanted
        return self.codebook.effects[0].id

    def lookup(self, query: str, limit: int = 8) -> list[RemedyCode]:
        """Codable remedies for a label, term or misspelling, best first (for type-ahead)."""
        if not query.strip():
            return [r for r in self.codebook.remedies if r.codable][:limit]
        if self._lookup is None:
            self._lookup = _make_lookup(self.codebook)
        found = [self.codebook.remedy(rid) for rid, _ in self._lookup(query, limit)]
        return [r for r in found if r is not None and r.codable]

    def resolve_effect(self, text: str) -> str:
        """An effect by id, label or hotkey (case-insensitive)."""
        wanted = text.strip().lower()
        for e in self.codebook.effects:
            if wanted in (e.id.lower(), e.label.lower(), (e.hotkey or "").lower()):
                return e.id
        names = ", ".join(e.id for e in self.codebook.effects)
        raise InputError(f"`{text}` is not an effect in the codebook.", f"Use one of: {names}.")

    # -- internals --------------------------------------------------------------------------

    def _current_id(self) -> str:
        if self.comment_id is None:
            raise InputError("The queue is empty: there is no comment to code.")
        return self.comment_id

    def _item(self, index: int) -> Item:
        view = self.view()
        items = view.items if view else []
        if not 0 <= index < len(items):
            raise InputError(f"No item {index + 1} here (there are {len(items)}).")
        return items[index]

    def _check_effect(self, effect: str) -> None:
        if self.codebook.effects and self.codebook.effect(effect) is None:
            self.resolve_effect(effect)  # raises with the list of effects

    def _decision(self, item: Item, status: str, effect: str) -> Coding:
        """This coder's coding for an item: their existing one updated, or the suggestion's copy."""
        if item.decision is not None:
            return item.decision.model_copy(update={"status": status, "effect": effect})
        s = item.suggestion
        return Coding(
            comment_id=s.comment_id,
            remedy=s.remedy,
            effect=effect,
            coder=self.coder,
            status=status,
            start=s.start,
            end=s.end,
            quote=s.quote,
            codebook_hash=self.codebook.content_hash or s.codebook_hash,
            suggestion_id=s.id,
            reason=s.reason,
            spans=s.spans,
        )

    def _with_evidence(self, coding: Coding, start: int, end: int | None) -> Coding:
        text = self.view().comment.text
        if end is None or not 0 <= start < end <= len(text):
            raise InputError(f"Evidence {start}-{end} is not a range of this comment's text.")
        return coding.model_copy(update={"start": start, "end": end, "quote": text[start:end]})

    def _change(
        self, action: str, before: Coding | None, after: Coding | None, detail: str = ""
    ) -> None:
        """Write one coding change and its event in a single transaction."""
        target = after or before
        with self.store.transaction():
            if after is None:
                self.store.delete_coding(before.id)
            else:
                self.store.put_coding(after)
            self._log(
                action,
                target.comment_id,
                before=_row(before),
                after=_row(after),
                coding_id=target.id,
                detail=detail,
            )
        self._view = None

    def _comment_note(self, text: str) -> None:
        cid = self._current_id()
        before = self.store.comment_note(cid, self.coder)
        after = text or None
        with self.store.transaction():
            self.store.set_comment_note(cid, self.coder, after)
            self._log(
                "note",
                cid,
                before=None if before is None else {"note": before},
                after=None if after is None else {"note": after},
                detail="comment note",
            )
        self._view = None

    def _log(self, action: str, comment_id: str, **fields: Any) -> int:
        return self.store.append_event(
            Event(coder=self.coder, action=action, comment_id=comment_id, **fields)
        )

    def _restore(self, event: Event) -> None:
        """Put back what an event changed (its `before`)."""
        cid, before = event.comment_id, event.before
        if event.action in _CODING_ACTIONS or (event.action == "note" and event.coding_id):
            if before is None:
                self.store.delete_coding(event.coding_id)
            else:
                self.store.put_coding(Coding.model_validate(before))
        elif event.action in ("review", "unreview"):
            self.store.set_reviewed(cid, self.coder, before is not None)
            self._set_reviewed(cid, before is not None)
        elif event.action in ("flag", "unflag"):
            self.store.set_flag(cid, self.coder, before["note"] if before else None)
        elif event.action == "note":
            self.store.set_comment_note(cid, self.coder, before["note"] if before else None)

    def _set_reviewed(self, comment_id: str, reviewed: bool) -> None:
        if reviewed == (comment_id in self._reviewed):
            return
        if reviewed:
            self._reviewed.add(comment_id)
        else:
            self._reviewed.discard(comment_id)
        if comment_id in self._positions:
            self._reviewed_in_queue += 1 if reviewed else -1
        self._view = None


def _row(coding: Coding | None) -> dict[str, Any] | None:
    return None if coding is None else coding.model_dump(mode="json")


def _make_lookup(codebook: Codebook) -> Callable[[str, int], list[tuple[str, float]]]:
    """The suggester's type-ahead when it has one, else a small fuzzy match over names."""
    try:
        from remedycoder.suggest import Suggester

        return Suggester(codebook).lookup
    except (ImportError, AttributeError):
        return _name_lookup(codebook)


def _name_lookup(codebook: Codebook) -> Callable[[str, int], list[tuple[str, float]]]:
    from rapidfuzz import fuzz

    names = [
        (r.id, n.lower().rstrip("*"))
        for r in codebook.remedies
        if r.codable
        for n in (r.id, r.label, *r.terms, *r.misspellings)
    ]

    def lookup(query: str, limit: int) -> list[tuple[str, float]]:
        q = query.strip().lower()
        best: dict[str, float] = {}
        for rid, name in names:
            score = 100.0 if name == q else 95.0 if name.startswith(q) else fuzz.WRatio(q, name)
            best[rid] = max(best.get(rid, 0.0), score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        return [(rid, s) for rid, s in ranked if s >= 60][:limit]

    return lookup
