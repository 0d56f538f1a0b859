# ruff: noqa: E501  (the table holds exact messages)
"""Codebook validation: every kind of error, each with the exact file:line:field message."""

from __future__ import annotations

import pytest

from remedycoder.codebook import dump_codebook, load_codebook, parse_codebook
from remedycoder.errors import CodebookError

BASE = """\
name: Test
remedies:
  - id: supplements
    label: Supplements
    codable: false
  - id: magnesium
    label: Magnesium
    parent: supplements
    terms: [magnesium, Mg]
    hotkey: g
  - id: iron
    label: Iron
    terms: [iron, ferrous*]
    exclude: [iron out]
effects:
  - id: helped
    label: Helped
    cues: [helped, works]
    hotkey: "1"
  - id: no_effect
    label: No effect
    cues: [did nothing]
  - id: not_stated
    label: Not stated
rules:
  negated: {helped: no_effect}
  default_effect: not_stated
"""

# name: (text in BASE, replacement, the problems reported)
CASES = {
    "unknown_key": (
        "    exclude: [iron out]",
        "    exclude: [iron out]\n    synonym: [fe]",
        [
            "cb.yaml:15: remedies[2].synonym: unknown key `synonym`; check its spelling (see `remedycoder codebook check --help`).",
        ],
    ),
    "missing_label": (
        "    label: Iron\n",
        "",
        [
            "cb.yaml:11: remedies[2].label: `label` is required.",
        ],
    ),
    "yes_no_boolean": (
        "    label: No effect",
        "    label: no",
        [
            "cb.yaml:21: effects[1].label: expected text but YAML read a yes/no value (no, yes, on, off are booleans); put it in quotes.",
        ],
    ),
    "wrong_type": (
        "    terms: [iron, ferrous*]",
        "    terms: iron",
        [
            "cb.yaml:13: remedies[2].terms: input should be a valid list.",
        ],
    ),
    "bad_id": (
        "  - id: iron\n",
        "  - id: Iron Tablets\n",
        [
            "cb.yaml:11: remedies[2].id: `Iron Tablets` is not a valid id; use lower-case letters, digits and underscores.",
        ],
    ),
    "duplicate_id": (
        "  - id: iron\n",
        "  - id: magnesium\n",
        [
            "cb.yaml:11: remedies[2].id: duplicate id `magnesium` (first defined as remedies[1]); give each code its own id.",
        ],
    ),
    "duplicate_effect": (
        "  - id: no_effect",
        "  - id: helped",
        [
            "cb.yaml:20: effects[1].id: duplicate effect id `helped`.",
            "cb.yaml:26: rules.negated.helped: `no_effect` is not an effect id (known: helped, not_stated).",
        ],
    ),
    "no_effects": (
        'effects:\n  - id: helped\n    label: Helped\n    cues: [helped, works]\n    hotkey: "1"\n  - id: no_effect\n    label: No effect\n    cues: [did nothing]\n  - id: not_stated\n    label: Not stated\n',
        "effects: []\n",
        [
            "cb.yaml:15: effects: no effect codes; add at least helped, partial, no_effect, worsened, not_stated.",
            "cb.yaml:17: rules.negated.helped: `helped` is not an effect id (known: ).",
            "cb.yaml:17: rules.negated.helped: `no_effect` is not an effect id (known: ).",
        ],
    ),
    "subject_negator_not_a_negator": (
        "default_effect: not_stated",
        "default_effect: not_stated\n  negators: [not, none]\n  subject_negators: [none, nothing, not one]",
        [
            "cb.yaml:29: rules.subject_negators[1]: `nothing` does not start with a word of rules.negators; a subject negator must be one (add it there or remove it here).",
        ],
    ),
    "anaphor_for_an_unknown_code": (
        "default_effect: not_stated",
        "default_effect: not_stated\n  anaphors:\n    - phrases: [the drug]\n"
        "      refer_to: [medicines]",
        [
            "cb.yaml:30: rules.anaphors[0].refer_to[0]: `medicines` is not a remedy id; name a code or group of `remedies`.",
        ],
    ),
    "unknown_default_effect": (
        "default_effect: not_stated",
        "default_effect: unclear",
        [
            "cb.yaml:27: rules.default_effect: `unclear` is not an effect id (known: helped, no_effect, not_stated).",
        ],
    ),
    "unknown_parent": (
        "    parent: supplements",
        "    parent: minerals",
        [
            "cb.yaml:8: remedies[1].parent: unknown parent `minerals` of `magnesium`; define it as a remedy or remove the parent.",
        ],
    ),
    "parent_cycle": (
        "    codable: false",
        "    codable: false\n    parent: magnesium",
        [
            "cb.yaml:6: remedies[0].parent: `supplements` is its own ancestor (a cycle of parents); break the cycle.",
            "cb.yaml:9: remedies[1].parent: `magnesium` is its own ancestor (a cycle of parents); break the cycle.",
        ],
    ),
    "long_hotkey": (
        "    hotkey: g",
        "    hotkey: gg",
        [
            "cb.yaml:10: remedies[1].hotkey: hotkey `gg` must be a single key.",
        ],
    ),
    "reserved_hotkey": (
        "    hotkey: g",
        "    hotkey: x",
        [
            "cb.yaml:10: remedies[1].hotkey: hotkey `x` is used by the coding screen itself (+ / ? a f m n p q u x); choose another.",
        ],
    ),
    "taken_hotkey": (
        '    hotkey: "1"',
        "    hotkey: g",
        [
            "cb.yaml:19: effects[0].hotkey: hotkey `g` of `helped` is already the hotkey of `magnesium`.",
        ],
    ),
    "empty_term": (
        "terms: [iron, ferrous*]",
        "terms: [iron, '  ']",
        [
            "cb.yaml:13: remedies[2].terms[1]: empty term; remove it.",
        ],
    ),
    "bad_glob": (
        "terms: [iron, ferrous*]",
        "terms: [iron, '*rous']",
        [
            "cb.yaml:13: remedies[2].terms[1]: bad pattern `*rous`: `*` may only end a term (as in `masturbat*`) and not stand alone.",
        ],
    ),
    "glob_in_exclude": (
        "exclude: [iron out]",
        "exclude: [iron*]",
        [
            "cb.yaml:14: remedies[2].exclude[0]: bad pattern `iron*`: `*` may only end a term (as in `masturbat*`) and not stand alone.",
        ],
    ),
    "term_in_two_codes": (
        "terms: [iron, ferrous*]",
        "terms: [iron, mg]",
        [
            "cb.yaml:13: remedies[2].terms[1]: term `mg` also belongs to `magnesium`; a term may name one code only.",
        ],
    ),
    "group_with_terms": (
        "    codable: false",
        "    codable: false\n    terms: [supplement]",
        [
            "cb.yaml:6: remedies[0].terms: `supplements` is not codable (a group) but has terms; move them to a child code or set `codable: true`.",
        ],
    ),
    "empty_cue": (
        "cues: [did nothing]",
        "cues: [did nothing, '']",
        [
            "cb.yaml:22: effects[1].cues[1]: empty cue; remove it.",
        ],
    ),
    "cue_of_two_effects": (
        "cues: [did nothing]",
        "cues: [did nothing, Works]",
        [
            "cb.yaml:22: effects[1].cues[1]: cue `Works` is also a cue of `helped`; a cue may signal one effect only.",
        ],
    ),
    "negated_unknown_effect": (
        "negated: {helped: no_effect}",
        "negated: {helped: useless}",
        [
            "cb.yaml:26: rules.negated.helped: `useless` is not an effect id (known: helped, no_effect, not_stated).",
        ],
    ),
    "lapsed_unknown_effect": (
        "negated: {helped: no_effect}",
        "negated: {helped: no_effect}\n  lapse_words: [anymore]\n  lapsed: {helped: partial}",
        [
            "cb.yaml:28: rules.lapsed.helped: `partial` is not an effect id (known: helped, no_effect, not_stated).",
        ],
    ),
    "omitted_unknown_effect": (
        "negated: {helped: no_effect}",
        "negated: {helped: no_effect}\n  omission_cues: [without]\n  omitted: {worsened: helped}",
        [
            "cb.yaml:28: rules.omitted.worsened: `worsened` is not an effect id (known: helped, no_effect, not_stated).",
        ],
    ),
    "avoidance_of_unknown": (
        "    exclude: [iron out]",
        "    exclude: [iron out]\n    avoidance_of: copper",
        [
            "cb.yaml:15: remedies[2].avoidance_of: `copper` is not another codable remedy id; name the code whose avoidance this is.",
        ],
    ),
}


def test_the_base_codebook_is_valid():
    codebook = parse_codebook(BASE.encode(), "cb.yaml")
    assert [r.id for r in codebook.remedies] == ["supplements", "magnesium", "iron"]
    assert codebook.ancestors("magnesium") == ["supplements"]
    assert len(codebook.content_hash) == 64


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_error_names_file_line_and_field(case):
    old, new, problems = CASES[case]
    assert old in BASE
    with pytest.raises(CodebookError) as caught:
        parse_codebook(BASE.replace(old, new, 1).encode(), "cb.yaml")
    assert caught.value.problems == problems
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    assert caught.value.message == f"cb.yaml: the codebook has {count}:\n" + "\n".join(
        f"  {p}" for p in problems
    )
    assert caught.value.hint == "Fix them and run `remedycoder codebook check` again."


def test_every_problem_is_listed_in_one_run():
    text = BASE.replace("    hotkey: g", "    hotkey: x").replace(
        "    parent: supplements", "    parent: minerals"
    )
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text.encode(), "cb.yaml")
    assert [p.split(":")[1] for p in caught.value.problems] == ["8", "10"]


def test_a_bom_is_fine(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_codebook(path).name == "Test"


def test_missing_file(tmp_path):
    with pytest.raises(CodebookError) as caught:
        load_codebook(tmp_path / "nope.yaml")
    assert caught.value.message == f"{tmp_path / 'nope.yaml'}: no such codebook file."


def test_dump_and_load_round_trip(tmp_path):
    codebook = parse_codebook(BASE.encode(), "cb.yaml")
    path = tmp_path / "again.yaml"
    path.write_text(dump_codebook(codebook), encoding="utf-8")
    again = load_codebook(path)
    assert again.model_dump() == codebook.model_dump()
