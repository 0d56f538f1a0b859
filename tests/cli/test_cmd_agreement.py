"""`remedycoder agreement`: JSON contract, numbers against references, errors with exit 2."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from agreement_helpers import N, confirmed, make_project, ref_alpha, ref_kappa, run

from remedycoder.project import Project


@pytest.fixture
def coded(tmp_path: Path):
    """Alice and Bob code 40 comments at random (seeded): tea often, iron rarely, no ginger."""
    project = make_project(tmp_path)
    rng = random.Random(6)
    marks = {"alice": {}, "bob": {}}
    store = project.store
    for i in range(N):
        cid = f"c{i:02d}"
        for coder in marks:
            store.set_reviewed(cid, coder)
            for remedy, p in (("tea", 0.5), ("iron", 0.2)):
                if rng.random() < p:
                    effect = rng.choice(["helped", "partial"])
                    store.put_coding(confirmed(cid, remedy, coder, effect))
                    marks[coder][(cid, remedy)] = effect
    project.close()
    return project, marks


def test_json_matches_independent_kappa_and_alpha(coded):
    project, marks = coded
    result = run(project, "agreement", "--coders", "alice,bob", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["comments"] == N
    for remedy in ("tea", "iron"):
        a = [int((f"c{i:02d}", remedy) in marks["alice"]) for i in range(N)]
        b = [int((f"c{i:02d}", remedy) in marks["bob"]) for i in range(N)]
        stat = doc["per_code"][remedy]
        assert stat["n"] == N
        assert math.isclose(stat["kappa"], ref_kappa(a, b), abs_tol=1e-9)
        assert math.isclose(stat["alpha"], ref_alpha(a, b), abs_tol=1e-9)
        agree = sum(x == y for x, y in zip(a, b, strict=True)) / N
        assert math.isclose(stat["percent_agreement"], agree)
    assert doc["per_code"]["ginger"] == {
        "kappa": None,
        "alpha": None,
        "percent_agreement": 1.0,
        "n": N,
    }
    both = sorted(set(marks["alice"]) & set(marks["bob"]))
    ea = [marks["alice"][k] for k in both]
    eb = [marks["bob"][k] for k in both]
    assert doc["effect"]["n"] == len(both)
    assert math.isclose(doc["effect"]["kappa"], ref_kappa(ea, eb), abs_tol=1e-9)
    assert math.isclose(doc["effect"]["alpha"], ref_alpha(ea, eb), abs_tol=1e-9)
    assert len(doc["disagreements"]) > 0


def test_text_report_shows_na_and_disagreements(coded):
    project, _ = coded
    result = run(project, "agreement", "--coders", "alice,bob")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"Agreement between alice and bob over {N} comments reviewed by both.")
    assert "Not used by anyone (statistics n/a): magnesium, ginger" in out
    assert "(effect, same remedy)" in out
    assert "settle them with `remedycoder adjudicate`" in out


def test_a_code_everybody_used_everywhere_is_not_called_unused(tmp_path: Path):
    project = make_project(tmp_path)
    for i in range(3):
        for coder in ("alice", "bob"):
            project.store.set_reviewed(f"c{i:02d}", coder)
            project.store.put_coding(confirmed(f"c{i:02d}", "tea", coder, "helped"))
    project.close()
    out = run(project, "agreement", "--coders", "alice,bob").output
    assert "tea                              n/a     n/a  100.0%      3" in out
    assert "Not used by anyone (statistics n/a): magnesium, iron, ginger" in out


@pytest.mark.parametrize(
    ("coders", "message"),
    [
        ("alice", "Error: --coders alice: name at least two different coders."),
        ("alice,zed", "Error: --coders: unknown coder zed (coders in this project: alice, bob)."),
        ("alice,alice", "Error: --coders alice,alice: name at least two different coders."),
    ],
)
def test_bad_coders_exit_2_with_a_clear_message(coded, coders, message):
    project, _ = coded
    result = run(project, "agreement", "--coders", coders)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message


def test_coder_without_reviews_exits_2(tmp_path: Path):
    project = make_project(tmp_path)
    project.store.set_reviewed("c00", "alice")
    rejected = confirmed("c00", "tea", "bob", "helped").model_copy(update={"status": "rejected"})
    project.store.put_coding(rejected)
    project.close()
    result = run(project, "agreement", "--coders", "alice,bob", "--json")
    assert result.exit_code == 2
    assert "Error: Coder `bob` has not reviewed any comment." in result.stderr
    coded_units = run(project, "agreement", "--coders", "alice,bob", "--units", "coded")
    assert coded_units.exit_code == 0, coded_units.output


def test_three_coders_report_pairwise_kappas(coded):
    project, _ = coded
    store = Project(project.root).store
    for i in range(10):
        store.set_reviewed(f"c{i:02d}", "carol")
    store.put_coding(confirmed("c01", "tea", "carol", "helped"))
    store.close()
    result = run(project, "agreement", "--coders", "alice,bob,carol", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc["per_code"]["tea"]["pairwise_kappa"]) == {
        "alice,bob",
        "alice,carol",
        "bob,carol",
    }
    assert doc["pairwise_comments"] == {"alice,bob": N, "alice,carol": 10, "bob,carol": 10}


def test_workbook_agreement_frame(coded, tmp_path: Path):
    from remedycoder.cli.agreement import workbook_agreement

    project, _ = coded
    opened = Project(project.root)
    frame = workbook_agreement(opened)
    assert frame is not None
    assert frame.attrs["coders"] == ["alice", "bob"]
    assert "tea" in set(frame["variable"])
    assert workbook_agreement(opened, ["alice"]) is None
    opened.close()
