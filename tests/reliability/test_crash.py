"""Issue 7, crash safety: kill -9 in the middle of a command, then the store passes SQLite's
integrity check and holds all or nothing of the interrupted command (coding: every decision
reported before the kill)."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import time

import pytest
from reliability_helpers import SEED, WORKER, cli, spawn, wait_until, write_corpus

from remedycoder.errors import StoreError
from remedycoder.store import Store

pytestmark = pytest.mark.slow


def kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wal_bytes(project) -> int:
    wal = project.store_path.with_name(project.store_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def check_healthy(project) -> Store:
    store = Store.open(project.store_path)
    assert store.integrity_problems() == []
    return store


def test_kill_during_import_keeps_all_or_nothing(project, tmp_path):
    count = 150_000
    corpus = write_corpus(tmp_path / "big.jsonl", count)
    start = wal_bytes(project)
    process = spawn("-m", "remedycoder", "--project", str(project.root), "import", str(corpus))
    assert wait_until(lambda: wal_bytes(project) > start + 2_000_000 or process.poll() is not None)
    finished = process.poll() is not None
    kill(process)
    with check_healthy(project) as store:
        stored = store.count_comments()
        assert stored in (len(SEED), len(SEED) + count)
        if not finished:
            assert stored == len(SEED)  # killed inside the transaction: nothing of it
        assert [c.id for c in store.iter_comments()][: len(SEED)] == [s["id"] for s in SEED]
    # The project works on: the same import now succeeds in full.
    result = cli(project, "import", str(write_corpus(tmp_path / "small.jsonl", 50)))
    assert result.exit_code == 0, result.output
    assert cli(project, "doctor").exit_code == 0


def test_ctrl_c_during_import_says_so_and_stores_nothing(project, tmp_path):
    corpus = write_corpus(tmp_path / "big.jsonl", 150_000)
    start = wal_bytes(project)
    process = spawn("-m", "remedycoder", "--project", str(project.root), "import", str(corpus))
    assert wait_until(lambda: wal_bytes(project) > start + 2_000_000 or process.poll() is not None)
    if process.poll() is not None:
        pytest.skip("the import finished before it could be interrupted")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out) == (130, "")
    assert err == "Interrupted; nothing half-written was kept.\n"
    with check_healthy(project) as store:
        assert store.count_comments() == len(SEED)


@pytest.mark.skipif(
    importlib.util.find_spec("remedycoder.suggest") is None, reason="no suggest module yet"
)
def test_kill_during_suggest_keeps_all_or_nothing(project, tmp_path):
    count = 12_000
    assert cli(project, "import", str(write_corpus(tmp_path / "c.jsonl", count))).exit_code == 0
    with Store.open(project.store_path) as store:
        assert store.count_suggestions() == 0
    process = spawn("-m", "remedycoder", "--project", str(project.root), "suggest")
    time.sleep(0.8)  # the run takes several seconds: this is in the middle of it
    finished = process.poll() is not None
    kill(process)
    with check_healthy(project) as store:
        interrupted = store.count_suggestions()
    full = cli(project, "suggest")
    assert full.exit_code == 0, full.output
    with Store.open(project.store_path) as store:
        complete = store.count_suggestions()
    assert complete > count  # the corpus has more than one remedy in most comments
    assert interrupted in (0, complete)
    if not finished:
        assert interrupted == 0


def test_kill_during_coding_keeps_every_decision_made(project, tmp_path):
    pytest.importorskip("remedycoder.session")
    assert cli(project, "import", str(write_corpus(tmp_path / "c.jsonl", 400))).exit_code == 0
    assert cli(project, "suggest").exit_code == 0
    coder = spawn(str(WORKER), str(project.root), "ann", "100000")
    decided = []
    while len(decided) < 40:
        line = coder.stdout.readline()
        assert line, coder.stderr.read()
        decided.append(line.strip())
    kill(coder)
    # what it printed before the kill but we had not read yet (a loaded machine runs ahead)
    decided += [line.strip() for line in coder.stdout.read().split("\n")[:-1] if line.strip()]
    with check_healthy(project) as store:
        reviewed = store.reviewed("ann")
        assert set(decided) <= reviewed
        assert len(reviewed) <= len(decided) + 1  # at most the comment in flight
        for comment_id in decided:
            suggestions = store.codings(coders=["auto"], comment_id=comment_id)
            mine = store.codings(coders=["ann"], comment_id=comment_id)
            assert sorted(c.suggestion_id for c in mine) == sorted(s.id for s in suggestions)
            if suggestions:
                assert [c.status for c in mine].count("confirmed") == 1
        events = store.events("ann")
        # Decisions on the comment in flight are kept even though it was not yet marked
        # reviewed (the kill can land between an accept and the move to the next comment).
        in_flight = {e.comment_id for e in events} - reviewed
        assert len(in_flight) <= 1
        assert not in_flight & set(decided)
        # A decision is one transaction with its event: no event without its row.
        for event in events:
            if event.action in ("confirm", "reject"):
                assert store.get_coding(event.coding_id) is not None


def test_migration_backs_the_store_up_first(tmp_path, monkeypatch):
    """A store at an older schema is copied to backups/ before its schema changes."""
    import remedycoder.store as store_module

    path = tmp_path / ".remedycoder" / "store.sqlite3"
    with Store.open(path) as store:
        store.add_comments([])
        store.set_meta("marker", "before")

    def v2(conn):
        conn.execute("CREATE TABLE newer (x TEXT)")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, v2])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(store_module.MIGRATIONS))
    with Store.open(path) as store:
        assert store.schema_version() == store_module.SCHEMA_VERSION
        assert store.get_meta("marker") == "before"
    backups = list((tmp_path / ".remedycoder" / "backups").glob("before-schema-*.sqlite3"))
    assert [b.name.split("-")[2] for b in backups] == [str(store_module.SCHEMA_VERSION)]
    old = sqlite3.connect(backups[0])
    tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
    assert "newer" not in tables and "comments" in tables
    old.close()
    # Opening again migrates nothing and backs up nothing.
    Store.open(path).close()
    assert len(list(backups[0].parent.iterdir())) == 1


def test_a_newer_store_is_refused_not_touched(tmp_path):
    path = tmp_path / "store.sqlite3"
    with Store.open(path) as store:
        store.set_meta("schema", "99")
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert str(caught.value) == (
        f"{path}: the store has schema version 99, newer than this remedycoder understands "
        "(1). Upgrade remedycoder."
    )
    assert path.read_bytes() == before
