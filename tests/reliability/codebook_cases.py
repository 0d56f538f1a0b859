"""Bad codebooks, as bytes: each one a thing a user could really hand us."""

from __future__ import annotations

from reliability_helpers import CODEBOOK

BASE = CODEBOOK.read_text(encoding="utf-8")

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
remedies: [*e]
"""


def _replace(old: str, new: str) -> bytes:
    assert old in BASE, old
    return BASE.replace(old, new, 1).encode()


CASES: dict[str, bytes] = {
    "broken_yaml": _replace("terms: [feverfew]", "terms: [feverfew"),
    "tabs": _replace("    terms: [feverfew]", "\tterms: [feverfew]"),
    "unknown_key": _replace("    terms: [feverfew]", "    terms: [feverfew]\n    synonyms: [ff]"),
    "duplicate_id": _replace("  - id: feverfew", "  - id: caffeine"),
    "parent_cycle": _replace("    codable: false", "    codable: false\n    parent: triptans"),
    "python_tag": _replace(
        "name: Migraine remedies (test fixture)",
        "name: !!python/object/apply:os.system ['echo pwned']",
    ),
    "billion_laughs": BILLION_LAUGHS.encode(),
    "empty": b"",
    "only_comments": b"# nothing here yet\n\n",
    "not_utf8": _replace("Feverfew", "Feverfew (Mutterkraut, M\xfcnchen)").replace(
        "M\xfcnchen".encode(), b"M\xfcnchen"
    ),
    "deep_nesting": b"remedies: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "top_level_list": b"- id: caffeine\n  label: Caffeine\n",
}
