"""Agreement statistics against reference implementations (krippendorff, statsmodels)."""

from __future__ import annotations

import json
import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa

from remedycoder.agreement import (
    agreement_table,
    cohen_kappa,
    compute_agreement,
    disagreement_table,
    krippendorff_alpha,
)
from remedycoder.errors import InputError
from remedycoder.models import Codebook, Coding, EffectCode, RemedyCode

CODEBOOK = Codebook(
    remedies=[
        RemedyCode(id="minerals", label="Minerals", codable=False),
        RemedyCode(id="magnesium", label="Magnesium", parent="minerals"),
        RemedyCode(id="iron", label="Iron", parent="minerals"),
        RemedyCode(id="tea", label="Tea"),
    ],
    effects=[EffectCode(id=e, label=e) for e in ("helped", "partial", "no_effect")],
)


def coding(comment: str, remedy: str, coder: str, effect: str = "helped", **kw) -> Coding:
    return Coding(
        comment_id=comment, remedy=remedy, effect=effect, coder=coder, status="confirmed", **kw
    )


def reference_kappa(a: list[int], b: list[int]) -> float | None:
    """statsmodels' Cohen's kappa from the 2x2 (or kxk) contingency table."""
    cats = sorted(set(a) | set(b))
    table = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b, strict=True):
        table[cats.index(x), cats.index(y)] += 1
    if len(cats) < 2:
        return None
    value = sm_cohens_kappa(table, return_results=False)
    return None if math.isnan(value) else float(value)


def reference_alpha(data: list[list[float]]) -> float | None:
    """krippendorff's alpha; its ValueError or NaN (no variation) is our None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # "There has to be more than one value in the domain."
        return None
    return None if math.isnan(value) else float(value)


def approx(value: float | None, expected: float | None) -> bool:
    if value is None or expected is None:
        return value is expected
    return math.isclose(value, expected, abs_tol=1e-9)


def test_worked_example_two_coders():
    # magnesium: A on c1..c5, B on c1..c4 and c6 -> 4 both, 1 A-only, 1 B-only, 4 neither.
    a = [coding(f"c{i}", "magnesium", "A") for i in range(1, 6)]
    b = [coding(f"c{i}", "magnesium", "B") for i in (1, 2, 3, 4, 6)]
    reviewed = {"A": [f"c{i}" for i in range(1, 11)], "B": [f"c{i}" for i in range(1, 11)]}
    result = compute_agreement({"A": a, "B": b}, reviewed, CODEBOOK)
    mg = result.per_code["magnesium"]
    assert result.comments == 10
    assert mg.n == 10
    assert mg.percent_agreement == pytest.approx(0.8)
    assert mg.kappa == pytest.approx(0.6)
    assert mg.alpha == pytest.approx(0.62)
    assert [(d.comment_id, d.remedy, d.values) for d in result.disagreements] == [
        ("c5", "magnesium", {"A": "present", "B": "absent"}),
        ("c6", "magnesium", {"A": "absent", "B": "present"}),
    ]


def test_unused_code_is_null_not_one():
    result = compute_agreement(
        {"A": [coding("c1", "tea", "A")], "B": [coding("c1", "tea", "B")]},
        {"A": ["c1", "c2"], "B": ["c1", "c2"]},
        CODEBOOK,
    )
    doc = json.loads(json.dumps(result.to_json()))
    assert "minerals" not in doc["per_code"]  # a group, not codable
    assert doc["per_code"]["iron"] == {
        "kappa": None,
        "alpha": None,
        "percent_agreement": 1.0,
        "n": 2,
    }
    assert doc["per_code"]["tea"]["kappa"] == pytest.approx(1.0)
    assert doc["effect"]["n"] == 1
    assert doc["effect"]["kappa"] is None  # one effect value only: undefined
    assert doc["comments"] == 2
    assert doc["unused_codes"] == ["magnesium", "iron"]


def test_only_comments_reviewed_by_both_count():
    result = compute_agreement(
        {"A": [coding("c1", "tea", "A"), coding("c9", "tea", "A")], "B": []},
        {"A": ["c1", "c2", "c9"], "B": ["c1", "c2"]},
        CODEBOOK,
    )
    assert result.comments == 2
    assert result.per_code["tea"].n == 2
    assert [d.comment_id for d in result.disagreements] == ["c1"]


def test_suggestions_and_rejections_do_not_count():
    rejected = coding("c2", "iron", "A").model_copy(update={"status": "rejected"})
    a = [coding("c1", "tea", "A"), rejected]
    result = compute_agreement(
        {"A": a, "B": [coding("c1", "tea", "B")]}, {"A": ["c1", "c2"], "B": ["c1", "c2"]}, CODEBOOK
    )
    assert result.disagreements == []
    assert result.per_code["iron"].kappa is None


def test_effect_compared_where_both_coded_the_remedy():
    a = [coding("c1", "tea", "A", "helped"), coding("c2", "tea", "A", "partial")]
    b = [coding("c1", "tea", "B", "helped"), coding("c2", "tea", "B", "no_effect")]
    a.append(coding("c3", "iron", "A", "helped"))  # B did not code iron: not an effect unit
    reviewed = {"A": ["c1", "c2", "c3"], "B": ["c1", "c2", "c3"]}
    result = compute_agreement({"A": a, "B": b}, reviewed, CODEBOOK)
    assert result.effect.n == 2
    assert result.effect.percent_agreement == pytest.approx(0.5)
    assert approx(result.effect.kappa, reference_kappa([0, 1], [0, 2]))
    assert approx(result.effect.alpha, reference_alpha([[0, 1], [0, 2]]))
    kinds = {(d.comment_id, d.kind) for d in result.disagreements}
    assert kinds == {("c2", "effect"), ("c3", "presence")}


def test_unknown_code_in_codings_is_reported_too():
    result = compute_agreement(
        {"A": [coding("c1", "ginger", "A")], "B": []}, {"A": ["c1"], "B": ["c1"]}, CODEBOOK
    )
    assert "ginger" in result.per_code


@pytest.mark.parametrize(
    ("codings", "reviewed", "message"),
    [
        ({"A": []}, {"A": ["c1"]}, "Agreement needs at least two different coders; got A."),
        ({"A": [], "B": []}, {"A": ["c1"]}, "Coder `B` has not reviewed any comment."),
        (
            {"A": [], "B": []},
            {"A": ["c1"], "B": ["c2"]},
            "No comment was reviewed by at least two of the coders A, B.",
        ),
    ],
)
def test_bad_input_raises_clear_error(codings, reviewed, message):
    with pytest.raises(InputError) as info:
        compute_agreement(codings, reviewed, CODEBOOK)
    assert info.value.message == message


def test_three_coders_alpha_with_missing_and_pairwise_kappa():
    units = [f"c{i}" for i in range(8)]
    marks = {"A": [1, 1, 0, 0, 1, 0, 1, 0], "B": [1, 0, 0, 0, 1, 0, 1, 1], "C": [1, 1, 0, 1, 1, 0]}
    reviewed = {"A": units, "B": units, "C": units[:6]}
    codings = {
        coder: [coding(u, "tea", coder) for u, m in zip(units, ms, strict=False) if m]
        for coder, ms in marks.items()
    }
    result = compute_agreement(codings, reviewed, CODEBOOK)
    data = [ms + [np.nan] * (8 - len(ms)) for ms in marks.values()]
    tea = result.per_code["tea"]
    assert approx(tea.alpha, reference_alpha(data))
    assert approx(tea.pairwise_kappa[("A", "B")], reference_kappa(marks["A"], marks["B"]))
    assert approx(tea.pairwise_kappa[("A", "C")], reference_kappa(marks["A"][:6], marks["C"]))
    expected_mean = sum(tea.pairwise_kappa.values()) / 3
    assert tea.kappa == pytest.approx(expected_mean)
    assert set(tea.to_json()["pairwise_kappa"]) == {"A,B", "A,C", "B,C"}
    assert result.pairwise_comments[("B", "C")] == 6
    frame = agreement_table(result)
    assert list(frame.columns)[5:] == ["kappa A,B", "kappa A,C", "kappa B,C"]
    assert frame["kappa"].isna().tolist() == [True, True, False, True, False]  # effect: 1 value


_values = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(_values)
def test_kappa_and_alpha_match_references(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    assert approx(cohen_kappa(pairs), reference_kappa(a, b))
    assert approx(krippendorff_alpha([list(p) for p in pairs]), reference_alpha([a, b]))


_matrix = st.lists(
    st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=3, max_size=3),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(_matrix)
def test_alpha_with_missing_values_matches_krippendorff(units):
    data = [[np.nan if u[c] is None else u[c] for u in units] for c in range(3)]
    ours = krippendorff_alpha([[v for v in u if v is not None] for u in units])
    counts = [sum(v is not None for v in u) for u in units]
    pairable = sum(n for n in counts if n > 1)
    if pairable < 2:
        assert ours is None
        return
    assert approx(ours, reference_alpha(data))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=30))
def test_compute_agreement_matches_references_end_to_end(marks):
    units = [f"c{i:02d}" for i in range(len(marks))]
    codings = {
        "A": [coding(u, "tea", "A") for u, (x, _) in zip(units, marks, strict=True) if x],
        "B": [coding(u, "tea", "B") for u, (_, y) in zip(units, marks, strict=True) if y],
    }
    result = compute_agreement(codings, {"A": units, "B": units}, CODEBOOK)
    a, b = [int(x) for x, _ in marks], [int(y) for _, y in marks]
    tea = result.per_code["tea"]
    assert approx(tea.kappa, reference_kappa(a, b))
    assert approx(tea.alpha, reference_alpha([a, b]))
    same = sum(x == y for x, y in zip(a, b, strict=True))
    assert tea.percent_agreement == pytest.approx(same / len(a))


def test_agreement_table_has_one_row_per_code_plus_effect_and_overall():
    result = compute_agreement(
        {"A": [coding("c1", "tea", "A")], "B": [coding("c2", "tea", "B")]},
        {"A": ["c1", "c2"], "B": ["c1", "c2"]},
        CODEBOOK,
    )
    frame = agreement_table(result)
    assert list(frame.columns) == ["variable", "kappa", "alpha", "percent_agreement", "n"]
    assert list(frame["variable"]) == [
        "magnesium",
        "iron",
        "tea",
        "(effect, same remedy)",
        "(overall, codes used)",
    ]
    assert frame.attrs["coders"] == ["A", "B"]
    assert frame.loc[frame["variable"] == "tea", "kappa"].item() == pytest.approx(-1.0)
    dis = disagreement_table(result)
    assert dis.to_dict("records") == [
        {"comment_id": "c1", "remedy": "tea", "kind": "presence", "A": "present", "B": "absent"},
        {"comment_id": "c2", "remedy": "tea", "kind": "presence", "A": "absent", "B": "present"},
    ]


_coder_marks = st.lists(
    st.tuples(st.booleans(), st.booleans(), st.sampled_from([None, False, True])),
    min_size=2,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(_coder_marks)
def test_three_coders_with_gaps_match_references(marks):
    """C reviews only some comments (None: not reviewed); A and B review all."""
    units = [f"c{i:02d}" for i in range(len(marks))]
    reviewed = {
        "A": units,
        "B": units,
        "C": [u for u, m in zip(units, marks, strict=True) if m[2] is not None],
    }
    if not reviewed["C"]:
        return
    codings = {
        coder: [coding(u, "tea", coder) for u, m in zip(units, marks, strict=True) if m[i]]
        for i, coder in enumerate("ABC")
    }
    tea = compute_agreement(codings, reviewed, CODEBOOK).per_code["tea"]
    data = [[np.nan if m[i] is None else float(m[i]) for m in marks] for i in range(3)]
    assert approx(tea.alpha, reference_alpha(data))
    pairs = {("A", "B"): (0, 1), ("A", "C"): (0, 2), ("B", "C"): (1, 2)}
    for pair, (i, j) in pairs.items():
        both = [(int(m[i]), int(m[j])) for m in marks if m[i] is not None and m[j] is not None]
        expected = reference_kappa([x for x, _ in both], [y for _, y in both])
        assert approx(tea.pairwise_kappa[pair], expected)
