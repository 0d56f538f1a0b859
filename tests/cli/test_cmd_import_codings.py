"""`remedycoder import-codings`: merge idempotently, refuse bad files whole, feed agreement."""

from __future__ import annotations

import json
import math
from pathlib import Path

from agreement_helpers import make_project, ref_alpha, ref_kappa, run

from remedycoder.project import Project


def rows_for(coder: str, tea_on: list[int]) -> list[dict]:
    return [
        {
            "comment_id": f"c{i:02d}",
            "remedy": "tea",
            "effect": "helped",
            "coder": coder,
            "status": "confirmed",
            "start": 12,
            "end": 15,
            "quote": "tea",
            "note": "",
            "created_at": "2024-03-01T12:00:00+00:00",
        }
        for i in tea_on
    ] + [
        # a rejected suggestion on every other comment: the coder looked at it
        {
            "comment_id": f"c{i:02d}",
            "remedy": "iron",
            "effect": "not_stated",
            "coder": coder,
            "status": "rejected",
            "start": None,
            "end": None,
            "quote": "",
            "note": "",
            "created_at": "2024-03-01T12:00:00+00:00",
        }
        for i in range(10)
        if i not in tea_on
    ]


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def stored_codings(project: Project) -> int:
    store = Project(project.root).store
    try:
        return len(store.codings())
    finally:
        store.close()


def test_imported_codings_give_the_known_agreement(tmp_path: Path):
    project = make_project(tmp_path)
    project.close()
    alice_on, bob_on = [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 6]
    a = write(tmp_path / "alice.jsonl", rows_for("alice", alice_on))
    b = write(tmp_path / "bob.jsonl", rows_for("bob", bob_on))
    result = run(project, "import-codings", str(a), str(b))
    assert result.exit_code == 0, result.output
    assert f"{a}: 10 new, 0 updated, 0 already stored" in result.output
    again = run(project, "import-codings", str(a))
    assert f"{a}: 0 new, 0 updated, 10 already stored" in again.output
    assert stored_codings(project) == 20

    doc = json.loads(run(project, "agreement", "--coders", "alice,bob", "--json").output)
    x = [int(i in alice_on) for i in range(10)]
    y = [int(i in bob_on) for i in range(10)]
    tea = doc["per_code"]["tea"]
    assert doc["comments"] == 10
    assert math.isclose(tea["kappa"], ref_kappa(x, y), abs_tol=1e-9)
    assert math.isclose(tea["alpha"], ref_alpha(x, y), abs_tol=1e-9)
    assert tea["percent_agreement"] == 0.7


def test_a_bad_row_rejects_the_file_and_stores_nothing(tmp_path: Path):
    project = make_project(tmp_path)
    project.close()
    rows = rows_for("alice", [0, 1])
    rows[3] = {**rows[3], "remedy": "ginseng"}
    path = write(tmp_path / "bad.jsonl", rows)
    good = write(tmp_path / "good.jsonl", rows_for("bob", [0]))
    result = run(project, "import-codings", str(good), str(path))
    assert result.exit_code == 2
    assert f"Error: {path}: 1 bad row; nothing was imported from this file:" in result.stderr
    assert f"{path}:4: field `remedy`: `ginseng` is not a remedy code of the codebook." in (
        result.stderr
    )
    assert stored_codings(project) == 0


def test_a_coder_name_with_control_characters_is_a_bad_row(tmp_path: Path):
    # it would reach workbook properties and chart titles, which cannot hold it
    project = make_project(tmp_path)
    project.close()
    path = write(tmp_path / "odd.jsonl", rows_for("bo\u0001b", [0]))
    result = run(project, "import-codings", str(path))
    assert result.exit_code == 2
    assert f"{path}:1: field `coder`: 'bo\\x01b': a coder name must not hold control" in (
        result.stderr
    )
    assert stored_codings(project) == 0


def test_changed_row_with_the_same_id_updates(tmp_path: Path):
    project = make_project(tmp_path)
    project.close()
    row = {**rows_for("alice", [0])[0], "id": "row-1"}
    run(project, "import-codings", str(write(tmp_path / "v1.jsonl", [row])))
    edited = write(tmp_path / "v2.jsonl", [{**row, "effect": "partial"}])
    result = run(project, "import-codings", str(edited))
    assert f"{edited}: 0 new, 1 updated, 0 already stored" in result.output
    store = Project(project.root).store
    assert store.get_coding("row-1").effect == "partial"
    assert [e.action for e in store.events("alice")] == ["import", "import"]
    store.close()
