"""A small, hostile fixture for the tallies and export tests: any condition, any codebook.

Comments start with `=`, `+`, `@`, `-`, hold a bell character, and one is over the xlsx
cell limit; codings span two coders, suggestions, a rejection, a parent code and a code
the codebook no longer has.
"""

from __future__ import annotations

from datetime import UTC, datetime

from remedycoder.models import Codebook, Coding, Comment, EffectCode, RemedyCode

WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
EFFECTS = ["helped", "partial", "no_effect", "worsened", "not_stated"]
LONG = "long story " * 4000  # 44,000 characters: over the 32,767 a cell holds

TEXTS = {
    "c1": '=HYPERLINK("http://example.invalid","click") zinc helped me a lot',
    "c2": "+1 fish oil did nothing, zinc made it worse",
    "c3": "@SUM(1) ibuprofen helps a bit\x07 and painkillers in general",
    "c4": "-- walking every day; walking is great\r\nreally",
    "c5": "nothing to report here",
    "c6": LONG + " zinc helped",
}
AUTHORS = {
    "c1": "ann",
    "c2": "bob",
    "c3": "ann",
    "c4": None,
    "c5": "cy",
    "c6": "=cmd|' /C calc'!A0",
}


def codebook() -> Codebook:
    """Two parent groups, a code outside any group, colours in three notations."""
    r = RemedyCode
    return Codebook(
        name="fixture",
        remedies=[
            r(id="supplements", label="Supplements", codable=False, color="#2E7D32"),
            r(id="zinc", label="Zinc", parent="supplements", color="7E57C2", terms=["zinc"]),
            r(id="fish_oil", label="Fish oil", parent="supplements", terms=["fish oil", "omega-3"]),
            r(id="painkillers", label="Painkillers", color="#c62828", terms=["painkiller*"]),
            r(id="ibuprofen", label="Ibuprofen", parent="painkillers", definition="Any brand."),
            r(id="walking", label="Walking", color="teal", terms=["walking"]),
        ],
        effects=[EffectCode(id=e, label=e.replace("_", " ").capitalize()) for e in EFFECTS],
        content_hash="f" * 64,
    )


def comments() -> list[Comment]:
    return [
        Comment(
            id=key, text=text, author=AUTHORS[key], posted_at=WHEN, source="fixture",
            attributes={"age": 40 + i, "forum": "=forum" if i == 0 else "board"},
        )
        for i, (key, text) in enumerate(TEXTS.items())
    ]  # fmt: skip


ROWS = [
    ("c1", "zinc", "helped", "alice", "confirmed"),
    ("c1", "zinc", "helped", "auto", "suggested"),
    ("c2", "fish_oil", "no_effect", "alice", "confirmed"),
    ("c2", "zinc", "worsened", "alice", "confirmed"),
    ("c3", "ibuprofen", "partial", "alice", "confirmed"),
    ("c3", "painkillers", "not_stated", "alice", "confirmed"),
    ("c4", "walking", "helped", "alice", "confirmed"),
    ("c4", "walking", "helped", "bob", "confirmed"),
    ("c4", "walking", "partial", "bob", "confirmed"),
    ("c2", "fish_oil", "helped", "bob", "rejected"),
    ("c3", "ibuprofen", "helped", "auto", "suggested"),
    ("c6", "zinc", "helped", "bob", "confirmed"),
    ("c6", "zinc", "helped", "bob", "confirmed"),  # the same comment twice: counts once
    ("c5", "retired_code", "helped", "bob", "confirmed"),  # no longer in the codebook
]


def codings() -> list[Coding]:
    """The ROWS as codings, quotes taken from the comment text at [0, 6)."""
    return [
        Coding(
            id=f"k{i:02d}", comment_id=cid, remedy=remedy, effect=effect, coder=coder,
            status=status, start=0, end=6, quote=TEXTS[cid][:6], created_at=WHEN,
            note="=note" if i == 0 else "",
        )
        for i, (cid, remedy, effect, coder, status) in enumerate(ROWS)
    ]  # fmt: skip
