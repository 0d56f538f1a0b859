"""The default codebook (codebook.yaml): valid, complete, and the only place the condition lives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from remedycoder.codebook import load_codebook, parse_codebook
from remedycoder.errors import CodebookError

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebook.yaml"

REQUIRED = {
    "orgasm": None,
    "magnesium": "supplements",
    "iron": "supplements",
    "calcium": "supplements",
    "zinc": "supplements",
    "potassium": "supplements",
    "vitamin_b12": "supplements",
    "vitamin_d": "supplements",
    "vitamins": "supplements",
    "valerian": "herbal",
    "chamomile": "herbal",
    "chinese_herbs": "herbal",
    "ropinirole": "dopaminergics",
    "pramipexole": "dopaminergics",
    "rotigotine": "dopaminergics",
    "levodopa": "dopaminergics",
    "cabergoline": "dopaminergics",
    "gabapentin": "alpha2delta",
    "pregabalin": "alpha2delta",
    "methadone": "opioids",
    "hydrocodone": "opioids",
    "oxycodone": "opioids",
    "tramadol": "opioids",
    "opioids": None,
    "clonazepam": "benzodiazepines",
    "quinine": None,
    "aspirin": "analgesics",
    "nsaid": "analgesics",
    "acetaminophen": "analgesics",
    "diphenhydramine": "antihistamines",
    "antihistamines": None,
    "antidepressants": "other_medications",
    "antipsychotics": "other_medications",
    "antiemetics": "other_medications",
    "exercise": "physical_folk",
    "massage": "physical_folk",
    "cold_water": "physical_folk",
    "hot_bath": "physical_folk",
    "compression": "physical_folk",
    "acupuncture": "physical_folk",
    "soap": "physical_folk",
    "avoid_aspartame": "avoidance",
    "avoid_caffeine": "avoidance",
    "avoid_alcohol": "avoidance",
    "avoid_refined_carbs": "avoidance",
    "elimination_diet": "avoidance",
    "alcohol": "food_drink",
    "milk": "food_drink",
    "chocolate": "food_drink",
    "mustard": "food_drink",
}
GROUPS = {
    "supplements",
    "herbal",
    "alpha2delta",
    "benzodiazepines",
    "other_medications",
    "physical_folk",
    "avoidance",
    "food_drink",
}
BRANDS = {
    "ropinirole": ["requip"],
    "pramipexole": ["mirapex", "sifrol"],
    "rotigotine": ["neupro"],
    "levodopa": ["sinemet"],
    "cabergoline": ["cabaser"],
    "gabapentin": ["neurontin", "horizant"],
    "pregabalin": ["lyrica"],
    "hydrocodone": ["vicodin"],
    "clonazepam": ["klonopin"],
    "acetaminophen": ["tylenol"],
    "diphenhydramine": ["benadryl"],
}


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


def test_default_codebook_is_valid(codebook):
    assert codebook.content_hash
    assert {e.id for e in codebook.effects} == {
        "helped",
        "partial",
        "no_effect",
        "worsened",
        "not_stated",
    }


@pytest.mark.parametrize(("code_id", "parent"), sorted(REQUIRED.items()))
def test_required_remedy_is_codable_with_its_parent(codebook, code_id, parent):
    code = codebook.remedy(code_id)
    assert code is not None, f"missing remedy {code_id}"
    assert code.codable and code.parent == parent and code.terms


def test_class_codes_are_the_parents_of_their_drugs(codebook):
    assert codebook.remedy("opioids").parent is None
    assert {c.id for c in codebook.children("opioids")} >= {
        "methadone",
        "hydrocodone",
        "oxycodone",
        "tramadol",
    }
    assert "diphenhydramine" in {c.id for c in codebook.children("antihistamines")}


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_groups_are_not_codable_and_have_no_terms(codebook, group):
    code = codebook.remedy(group)
    assert code is not None and code.codable is False and not code.terms


@pytest.mark.parametrize(("code_id", "brands"), sorted(BRANDS.items()))
def test_brand_names_are_terms(codebook, code_id, brands):
    terms = {t.lower() for t in codebook.remedy(code_id).terms}
    assert set(brands) <= terms


def test_effect_hotkeys_are_digits_in_order(codebook):
    keys = {e.id: e.hotkey for e in codebook.effects}
    assert keys == {
        "helped": "1",
        "partial": "2",
        "no_effect": "3",
        "worsened": "4",
        "not_stated": "5",
    }


def test_every_code_has_a_hex_colour(codebook):
    for code in [*codebook.remedies, *codebook.effects]:
        assert code.color and re.fullmatch(r"#[0-9a-fA-F]{6}", code.color), code.id


def test_avoidance_codes_name_what_they_avoid(codebook):
    avoided = {c.id: c.avoidance_of for c in codebook.remedies if c.avoidance_of}
    assert avoided["avoid_caffeine"] == "caffeine"
    assert avoided["avoid_aspartame"] == "aspartame"
    assert avoided["avoid_alcohol"] == "alcohol"
    assert avoided["avoid_refined_carbs"] == "refined_carbs"


def _hits(pattern: str, paths) -> list[str]:
    regex = re.compile(pattern, re.IGNORECASE)
    return [
        f"{path.relative_to(ROOT)}:{n}"
        for path in paths
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if regex.search(line)
    ]


def test_the_condition_is_not_hard_coded_in_the_source():
    assert _hits(r"ropinirole|restless", (ROOT / "src").rglob("*.py")) == []


def test_the_matching_engine_names_no_condition_and_no_remedy():
    engine = [ROOT / "src" / "remedycoder" / name for name in ("suggest.py", "codebook.py")]
    words = r"\brls\b|restless|magnesium|orgasm|caffeine|opioid|chamomile|\blegs?\b"
    assert _hits(words, engine) == []


def test_avoidance_of_must_name_another_codable_code():
    raw = b"""
remedies:
  - {id: coffee, label: Coffee, terms: [coffee]}
  - {id: no_coffee, label: No coffee, avoidance_of: tea}
effects:
  - {id: not_stated, label: Not stated}
"""
    with pytest.raises(CodebookError) as err:
        parse_codebook(raw, "cb.yaml")
    assert "cb.yaml:4: remedies[1].avoidance_of: `tea` is not another codable remedy id" in str(
        err.value
    )


def test_unknown_cue_placeholder_is_reported_with_its_line():
    raw = b"""
remedies:
  - {id: coffee, label: Coffee, terms: [coffee]}
effects:
  - id: helped
    label: Helped
    cues: [<symptom> gone, <drug> helps]
  - {id: not_stated, label: Not stated}
"""
    with pytest.raises(CodebookError) as err:
        parse_codebook(raw, "cb.yaml")
    problems = err.value.problems
    assert any("effects[0].cues[0]: `<symptom>` needs a list of words" in p for p in problems)
    assert any("effects[0].cues[1]: unknown placeholder `<drug>`" in p for p in problems)
