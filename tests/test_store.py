"""The store: transactions (all or nothing, re-entrant), migrations, backup, suggestions."""

from __future__ import annotations

import sqlite3

import pytest

from remedycoder.errors import ConflictError, StoreError
from remedycoder.models import Coding, Comment, Event
from remedycoder.store import SCHEMA_VERSION, Store


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.sqlite3") as opened:
        yield opened


def comment(i: int, text: str | None = None) -> Comment:
    return Comment(id=f"c{i}", text=text or f"Magnesium helped ({i}).", source="t.jsonl")


def suggestion(comment_id: str, remedy: str, effect: str = "helped") -> Coding:
    return Coding(
        id=f"auto:{comment_id}:{remedy}",
        comment_id=comment_id,
        remedy=remedy,
        effect=effect,
        coder="auto",
        status="suggested",
    )


def test_an_empty_file_is_migrated_to_the_current_schema(tmp_path):
    path = tmp_path / "store.sqlite3"
    path.touch()
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.count_comments() == 0
    assert not (tmp_path / "backups").exists()  # nothing to back up in a new store


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.exit_code == 1
    assert str(caught.value).startswith(f"{path}: ")


def test_transaction_commits_everything_together(store):
    with store.transaction():
        store.add_comments([comment(1)])
        store.set_reviewed("c1", "ann")
        store.append_event(Event(coder="ann", action="review", comment_id="c1"))
    assert (store.count_comments(), store.reviewed("ann"), store.count_events()) == (
        1,
        {"c1"},
        1,
    )


def test_an_error_rolls_back_the_whole_transaction(store):
    store.add_comments([comment(1)])
    with pytest.raises(RuntimeError), store.transaction():
        store.add_comments([comment(2)])
        store.set_reviewed("c1", "ann")
        raise RuntimeError("disk on fire")
    assert store.comment_ids() == ["c1"]
    assert store.reviewed("ann") == set()
    # and the store is usable afterwards
    store.add_comments([comment(3)])
    assert store.comment_ids() == ["c1", "c3"]


def test_nested_transactions_are_one(store):
    with pytest.raises(ConflictError), store.transaction():
        store.add_comments([comment(1)])  # its own transaction() is re-entered, not committed
        with store.transaction():
            store.add_comments([comment(2)])
        store.add_comments([comment(1, "different text under the same id")])
    assert store.count_comments() == 0


def test_importing_the_same_comments_again_changes_nothing(store):
    first = store.add_comments([comment(1), comment(2)])
    again = store.add_comments([comment(1), comment(2)])
    assert (first.added, again.added, again.unchanged) == (2, 0, 2)


def test_a_changed_comment_under_a_stored_id_is_a_conflict_unless_updating(store):
    store.add_comments([comment(1)])
    with pytest.raises(ConflictError) as caught:
        store.add_comments([comment(1, "Now it is iron.")], origin="new.jsonl")
    assert caught.value.message == (
        "new.jsonl: comment id `c1` is already stored (from t.jsonl) with different content."
    )
    report = store.add_comments([comment(1, "Now it is iron.")], update=True)
    assert report.updated == 1
    assert store.get_comment("c1").text == "Now it is iron."


def test_backup_is_a_complete_consistent_copy(store, tmp_path):
    store.add_comments([comment(i) for i in range(50)])
    copy = store.backup(tmp_path / "backups" / "copy.sqlite3")
    assert not copy.with_name("copy.sqlite3.part").exists()
    with Store.open(copy) as restored:
        assert restored.comment_ids() == store.comment_ids()
        assert restored.integrity_problems() == []


def test_backup_while_another_connection_holds_a_write_transaction(store, tmp_path):
    store.add_comments([comment(1)])
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("DELETE FROM comments")
    try:
        copy = store.backup(tmp_path / "online.sqlite3")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store.open(copy) as restored:
        assert restored.comment_ids() == ["c1"]  # the committed state, not the pending one


def test_replace_suggestions_keeps_decided_ones_and_coders_codings(store):
    store.add_comments([comment(1), comment(2)])
    store.replace_suggestions(
        [suggestion("c1", "magnesium"), suggestion("c1", "iron"), suggestion("c2", "iron")]
    )
    decided = suggestion("c1", "magnesium").model_copy(
        update={
            "id": "ann-1",
            "coder": "ann",
            "status": "confirmed",
            "suggestion_id": "auto:c1:magnesium",
        }
    )
    own = suggestion("c2", "zinc").model_copy(
        update={"id": "ann-2", "coder": "ann", "status": "confirmed"}
    )
    store.put_codings([decided, own])

    fresh = [suggestion("c1", "magnesium", "partial"), suggestion("c2", "calcium")]
    stored, kept = store.replace_suggestions(
        [s.model_copy(update={"id": s.id + ":v2"}) for s in fresh]
    )

    assert (stored, kept) == (1, 1)
    autos = {(c.comment_id, c.remedy, c.effect) for c in store.codings(coders=["auto"])}
    # the decided suggestion stays as it was; no second one for (c1, magnesium); iron is gone
    assert autos == {("c1", "magnesium", "helped"), ("c2", "calcium", "helped")}
    assert {c.id for c in store.codings(coders=["ann"])} == {"ann-1", "ann-2"}


def test_replace_suggestions_for_some_comments_leaves_the_others(store):
    store.add_comments([comment(1), comment(2)])
    store.replace_suggestions([suggestion("c1", "iron"), suggestion("c2", "iron")])
    store.replace_suggestions([suggestion("c1", "zinc")], comment_ids=["c1"])
    autos = sorted((c.comment_id, c.remedy) for c in store.codings(coders=["auto"]))
    assert autos == [("c1", "zinc"), ("c2", "iron")]


def test_deleting_is_refused_by_foreign_keys_not_left_dangling(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.put_coding(suggestion("missing", "iron"))
    assert store.integrity_problems() == []
    assert all(n == 0 for n in store.orphan_counts().values())


def test_table_counts(store):
    store.add_comments([comment(1), comment(2)])
    store.set_reviewed("c1", "ann")
    counts = store.table_counts()
    assert (counts["comments"], counts["reviews"], counts["codings"]) == (2, 1, 0)


def test_a_duplicate_id_far_apart_in_one_input_is_still_caught(store):
    """Duplicates are found through the table, not a dict of every id (memory stays flat)."""
    many = [comment(i) for i in range(1200)]
    with pytest.raises(ConflictError) as caught:
        store.add_comments([*many, comment(3, "Other text")], origin="big.jsonl")
    assert (
        caught.value.message
        == "big.jsonl: comment id `c3` appears a second time, with different text."
    )
    assert store.count_comments() == 0
    report = store.add_comments([*many, comment(3)])
    assert (report.added, report.unchanged) == (1200, 1)


def test_a_duplicate_after_a_reimported_or_updated_comment_is_caught(store):
    store.add_comments([comment(1), comment(2)])
    filler = [comment(i) for i in range(10, 700)]  # the repeat lands in a later batch
    with pytest.raises(ConflictError) as caught:
        store.add_comments([comment(1), *filler, comment(1, "changed")], origin="x")
    assert caught.value.message == "x: comment id `c1` appears a second time, with different text."
    with pytest.raises(ConflictError) as caught:
        store.add_comments(
            [comment(2, "new"), *filler, comment(2, "newer")], update=True, origin="x"
        )
    assert caught.value.message == "x: comment id `c2` appears a second time, with different text."
    assert store.get_comment("c2").text == comment(2).text
    assert store.count_comments() == 2
