"""Issue 7, concurrency: two coders and a `suggest` run at once on one project (three processes).
Every decision is stored exactly once, no "database is locked" reaches anyone, and the result
equals the same work done one after the other."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from reliability_helpers import CODEBOOK, WORKER, cli, run_command, spawn, write_corpus

from remedycoder.project import Project
from remedycoder.store import Store

pytestmark = pytest.mark.slow
pytest.importorskip("remedycoder.session")

COMMENTS = 1500
PER_CODER = 250


def outcome(project: Project) -> dict[str, object]:
    """The result that must not depend on timing: decisions, reviews, events, suggestions."""
    with Store.open(project.store_path) as store:
        assert store.integrity_problems() == []
        decisions = Counter(
            (c.comment_id, c.coder, c.remedy, c.effect, c.status, c.suggestion_id)
            for c in store.iter_codings(coders=["ann", "bob"])
        )
        suggestions = sorted((c.id, c.comment_id, c.remedy) for c in store.codings(coders=["auto"]))
        return {
            "decisions": decisions,
            "reviews": {coder: sorted(store.reviewed(coder)) for coder in ("ann", "bob")},
            "events": Counter((e.coder, e.action, e.comment_id) for e in store.events()),
            "suggestions": suggestions,
        }


def prepared(root, tmp_path) -> Project:
    project = Project.init(root, CODEBOOK)
    corpus = write_corpus(tmp_path / "corpus.jsonl", COMMENTS)
    assert cli(project, "import", str(corpus)).exit_code == 0
    assert cli(project, "suggest").exit_code == 0
    return project


def test_two_coders_and_suggest_at_once_equal_a_serial_run(tmp_path):
    together = prepared(tmp_path / "together", tmp_path)
    serial = prepared(tmp_path / "serial", tmp_path)

    go = tmp_path / "go"
    processes = {
        "ann": spawn(str(WORKER), str(together.root), "ann", str(PER_CODER), str(go)),
        "bob": spawn(str(WORKER), str(together.root), "bob", str(PER_CODER), str(go)),
    }
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"go.{c}.ready").exists() for c in ("ann", "bob")):
        assert time.monotonic() < deadline, "coders did not start"
        time.sleep(0.01)
    go.touch()  # both coders start together, with suggest
    processes["suggest"] = spawn("-m", "remedycoder", "--project", str(together.root), "suggest")
    results = {name: p.communicate(timeout=120) for name, p in processes.items()}
    for name, process in processes.items():
        out, err = results[name]
        assert process.returncode == 0, (name, err)
        assert "locked" not in err and "Error" not in err, (name, err)
    for coder in ("ann", "bob"):
        decided = results[coder][0].split()
        assert len(decided) == len(set(decided)) == PER_CODER

    assert run_command(serial, "suggest").returncode == 0
    for coder in ("ann", "bob"):
        done = spawn(str(WORKER), str(serial.root), coder, str(PER_CODER))
        assert done.wait(timeout=120) == 0

    with Store.open(together.root / ".remedycoder" / "store.sqlite3") as store:
        spans = {c: [e.at for e in store.events(c)] for c in ("ann", "bob")}
    assert spans["ann"][0] < spans["bob"][-1] and spans["bob"][0] < spans["ann"][-1]  # overlap

    got, expected = outcome(together), outcome(serial)
    assert max(got["decisions"].values()) == 1  # every decision stored exactly once
    assert sum(got["decisions"].values()) >= 2 * PER_CODER
    assert got == expected


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path):
    """The first one creates the schema; the others wait for it instead of failing."""
    script = (
        "import sys\n"
        "from remedycoder.store import Store\n"
        "with Store.open(sys.argv[1]) as store:\n"
        "    print(store.schema_version())\n"
    )
    for attempt in range(3):
        path = tmp_path / f"new-{attempt}" / "store.sqlite3"
        processes = [spawn("-c", script, str(path), str(n)) for n in range(4)]
        results = [p.communicate(timeout=60) for p in processes]
        assert [p.returncode for p in processes] == [0] * 4, [err for _, err in results]
        assert {out.strip() for out, _ in results} == {"1"}
        with Store.open(path) as store:
            assert store.integrity_problems() == []
