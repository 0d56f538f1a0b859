"""The project store: one SQLite file (WAL), versioned schema, every write in one transaction.

All SQL lives here. Statements use parameters only and stay portable (no SQLite-only SQL outside
connection set-up and the DDL), so a PostgreSQL backend can be added beside this one.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from remedycoder.errors import ConflictError, StoreError
from remedycoder.models import AUTO_CODER, Coding, Comment, Event, Source, Span, utcnow

BATCH = 500
PACK_SEP = "\x1f"
"""Joins packed fields in `coding_rows` (the ASCII unit separator)."""
BUSY_TIMEOUT_S = 30.0

_COMMENT_COLS = ("id", "text", "author", "author_url", "posted_at", "parent_id", "source", "url")
_CODING_COLS = (
    "id",
    "comment_id",
    "remedy",
    "effect",
    "coder",
    "status",
    "start_pos",
    "end_pos",
    "quote",
    "note",
    "created_at",
    "codebook_hash",
    "suggestion_id",
    "reason",
    "spans",
)
_EVENT_COLS = (
    "at",
    "coder",
    "action",
    "comment_id",
    "coding_id",
    "before_row",
    "after_row",
    "undoes",
    "detail",
)


def _run_ddl(conn: sqlite3.Connection, script: str) -> None:
    """Run DDL statement by statement (executescript would commit the open transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1(conn: sqlite3.Connection) -> None:
    _run_ddl(
        conn,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sources (
            name TEXT PRIMARY KEY, path TEXT, metadata TEXT NOT NULL, imported_at TEXT NOT NULL
        );
        CREATE TABLE comments (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            author TEXT, author_url TEXT, posted_at TEXT, parent_id TEXT, source TEXT, url TEXT,
            attributes TEXT NOT NULL,
            content_key TEXT NOT NULL
        );
        CREATE TABLE codings (
            id TEXT PRIMARY KEY,
            comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            remedy TEXT NOT NULL, effect TEXT NOT NULL, coder TEXT NOT NULL, status TEXT NOT NULL,
            start_pos INTEGER, end_pos INTEGER, quote TEXT NOT NULL, note TEXT NOT NULL,
            created_at TEXT NOT NULL, codebook_hash TEXT NOT NULL, suggestion_id TEXT,
            reason TEXT NOT NULL, spans TEXT NOT NULL
        );
        CREATE INDEX codings_by_comment ON codings (comment_id, coder);
        CREATE INDEX codings_by_coder ON codings (coder, status);
        CREATE INDEX codings_by_suggestion ON codings (suggestion_id);
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL, coder TEXT NOT NULL, action TEXT NOT NULL,
            comment_id TEXT, coding_id TEXT, before_row TEXT, after_row TEXT, undoes INTEGER,
            detail TEXT NOT NULL
        );
        CREATE INDEX events_by_coder ON events (coder, seq);
        CREATE TABLE reviews (
            comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            coder TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (comment_id, coder)
        );
        CREATE INDEX reviews_by_coder ON reviews (coder);
        CREATE TABLE flags (
            comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            coder TEXT NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (comment_id, coder)
        );
        CREATE TABLE comment_notes (
            comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            coder TEXT NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (comment_id, coder)
        );
        """,
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]
"""Ordered: MIGRATIONS[i] takes the schema from version i to i + 1. Only ever append."""

SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class ImportReport:
    """What an import did: counts, and the ids it skipped because they were already stored."""

    added: int = 0
    unchanged: int = 0
    updated: int = 0
    added_ids: list[str] = field(default_factory=list)


@dataclass
class CoderCounts:
    reviewed: int
    codings: int


class Store:
    """A project's SQLite store. Use `Store.open(path)`; close it (or use it as a context)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._depth = 0

    # -- set-up -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, backup_dir: Path | None = None) -> Store:
        """Open (creating if needed) and migrate the store at `path`."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            conn = None
            try:
                conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
                break
            except sqlite3.DatabaseError as exc:
                if conn is not None:
                    conn.close()
                # switching a new file to WAL does not wait for the lock: another process
                # creating the same store at that moment makes it fail at once, so wait here
                if "locked" in str(exc) and time.monotonic() < deadline:
                    time.sleep(0.02)
                    continue
                raise StoreError(
                    f"{path}: cannot open the store ({exc}).",
                    "Run `remedycoder doctor` to check it, or restore a backup.",
                ) from None
        store = cls(conn, path)
        store._migrate(backup_dir or path.parent / "backups")
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        exists = self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not exists:
            return 0
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", ("schema",)).fetchone()
        return int(row[0]) if row else 0

    def _migrate(self, backup_dir: Path) -> None:
        try:
            current = self.schema_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: this file is not a remedycoder store ({exc}).",
                "Point --project at the project directory, or restore a backup.",
            ) from None
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the store has schema version {current}, newer than this "
                f"remedycoder understands ({SCHEMA_VERSION}).",
                "Upgrade remedycoder.",
            )
        if current == SCHEMA_VERSION:
            return
        if current > 0:
            backup_dir.mkdir(parents=True, exist_ok=True)
            stamp = utcnow().strftime("%Y%m%dT%H%M%S")
            self.backup(backup_dir / f"before-schema-{current + 1}-{stamp}.sqlite3")
        with self.transaction():
            # Another process may have migrated while we waited for the write lock.
            current = self.schema_version()
            for version in range(current, SCHEMA_VERSION):
                MIGRATIONS[version](self._conn)
                self._set_meta("schema", str(version + 1))

    def backup(self, dest: str | Path) -> Path:
        """Copy the store with SQLite's online backup (safe while others are writing)."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        target = sqlite3.connect(tmp)
        try:
            self._conn.backup(target)
        finally:
            target.close()
        tmp.replace(dest)
        return dest

    def integrity_problems(self) -> list[str]:
        """SQLite's integrity and foreign-key checks; an empty list means healthy."""
        try:
            rows = [r[0] for r in self._conn.execute("PRAGMA integrity_check")]
            problems = [r for r in rows if r != "ok"]
            for table, rowid, parent, _ in self._conn.execute("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid} points at a missing {parent} row")
        except sqlite3.DatabaseError as exc:  # damage bad enough that the check cannot run
            return [str(exc)]
        return problems

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (re-entrant): all of it is stored, or none of it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._commit()

    def _begin(self) -> None:
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.path}: the store stayed locked by another remedycoder for "
                        f"{BUSY_TIMEOUT_S:.0f} s.",
                        "Wait for the other command to finish and try again.",
                    ) from None
                time.sleep(0.05)

    def _commit(self) -> None:
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError:
            self._conn.execute("ROLLBACK")
            raise

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._set_meta(key, value)

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        self._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- sources and comments ---------------------------------------------------------------

    def put_source(self, source: Source) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM sources WHERE name = ?", (source.name,))
            self._conn.execute(
                "INSERT INTO sources (name, path, metadata, imported_at) VALUES (?, ?, ?, ?)",
                (
                    source.name,
                    source.path,
                    json.dumps(source.metadata),
                    source.imported_at.isoformat(),
                ),
            )

    def sources(self) -> list[Source]:
        rows = self._conn.execute(
            "SELECT name, path, metadata, imported_at FROM sources ORDER BY imported_at, name"
        )
        return [
            Source(name=n, path=p, metadata=json.loads(m), imported_at=datetime.fromisoformat(t))
            for n, p, m, t in rows
        ]

    def add_comments(
        self, comments: Iterable[Comment], *, update: bool = False, origin: str = ""
    ) -> ImportReport:
        """Store new comments; same id and content: skipped; same id, new content: conflict.

        With `update`, a changed comment replaces the stored one (its codings are kept).
        Call inside `transaction()` to make a whole import atomic; on its own it is one.
        """
        report = ImportReport()
        touched: set[str] = set()  # stored before, and met (unchanged or updated) in this input
        with self.transaction():
            # Rows past this seq were added by this call: a second copy of an id in the input
            # is found in the table, so memory stays flat however many comments come in.
            first_new = self._conn.execute("SELECT MAX(seq) FROM comments").fetchone()[0] or 0
            for batch in _batched(comments, BATCH):
                self._add_batch(batch, update, origin, report, first_new, touched)
        return report

    def _add_batch(
        self,
        batch: Sequence[Comment],
        update: bool,
        origin: str,
        report: ImportReport,
        first_new: int,
        touched: set[str],
    ) -> None:
        ids = [c.id for c in batch]
        marks = ",".join("?" * len(ids))
        stored = {
            cid: (key, seq > first_new or cid in touched)
            for cid, key, seq in self._conn.execute(
                f"SELECT id, content_key, seq FROM comments WHERE id IN ({marks})", ids
            )
        }
        new_rows, changed_rows = [], []
        for comment in batch:
            key = comment.content_key()
            stored_key, from_this_input = stored.get(comment.id, (None, False))
            if from_this_input and stored_key != key:
                raise ConflictError(
                    f"{comment._where or origin or 'input'}: comment id `{comment.id}` appears "
                    "a second time, with different text.",
                    "Give each comment its own id (or drop the duplicate row).",
                )
            if stored_key is None:
                new_rows.append(_comment_row(comment, key))
                report.added_ids.append(comment.id)
            elif stored_key == key:
                report.unchanged += 1
                touched.add(comment.id)
            elif update:
                changed_rows.append(_comment_row(comment, key))
                touched.add(comment.id)
            else:
                existing = self.get_comment(comment.id)
                raise ConflictError(
                    f"{origin or 'input'}: comment id `{comment.id}` is already stored "
                    f"(from {existing.source if existing else '?'}) with different content.",
                    "Re-run with --update to replace it, or give the new comment another id.",
                )
            stored[comment.id] = (key, True)  # a repeat later in this batch is a duplicate
        cols = (*_COMMENT_COLS, "attributes", "content_key")
        if new_rows:
            self._conn.executemany(
                f"INSERT INTO comments ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                new_rows,
            )
        for row in changed_rows:
            sets = ", ".join(f"{c} = ?" for c in cols[1:])
            self._conn.execute(f"UPDATE comments SET {sets} WHERE id = ?", (*row[1:], row[0]))
        report.added += len(new_rows)
        report.updated += len(changed_rows)

    def count_comments(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM comments").fetchone()[0]

    def get_comment(self, comment_id: str) -> Comment | None:
        row = self._conn.execute(
            f"SELECT {', '.join(_COMMENT_COLS)}, attributes FROM comments WHERE id = ?",
            (comment_id,),
        ).fetchone()
        return _comment_from(row) if row else None

    def iter_comments(self, ids: Iterable[str] | None = None) -> Iterator[Comment]:
        """Comments in import order (all, or those with the given ids), streamed."""
        sql = f"SELECT {', '.join(_COMMENT_COLS)}, attributes FROM comments"
        if ids is None:
            cursor = self._conn.cursor()
            cursor.execute(sql + " ORDER BY seq")
            while rows := cursor.fetchmany(BATCH):
                yield from (_comment_from(r) for r in rows)
            return
        for batch in _batched(ids, BATCH):
            marks = ",".join("?" * len(batch))
            rows = self._conn.execute(f"{sql} WHERE id IN ({marks}) ORDER BY seq", list(batch))
            yield from (_comment_from(r) for r in rows.fetchall())

    def comment_ids_without_suggestions(self) -> list[str]:
        """Comments the suggester has not produced anything for yet, in import order."""
        rows = self._conn.execute(
            "SELECT id FROM comments m WHERE NOT EXISTS "
            "(SELECT 1 FROM codings c WHERE c.comment_id = m.id AND c.coder = ?) ORDER BY seq",
            (AUTO_CODER,),
        )
        return [r[0] for r in rows]

    def comment_ids(self) -> list[str]:
        """Every comment id in import order (cheap: used for queues and positions)."""
        return [r[0] for r in self._conn.execute("SELECT id FROM comments ORDER BY seq")]

    # -- codings ----------------------------------------------------------------------------

    def put_coding(self, coding: Coding) -> None:
        """Insert or replace one coding (by id)."""
        with self.transaction():
            self._conn.execute("DELETE FROM codings WHERE id = ?", (coding.id,))
            self._insert_codings([coding])

    def put_codings(self, codings: Iterable[Coding]) -> int:
        """Insert codings whose id is not stored yet; returns how many were new."""
        added = 0
        with self.transaction():
            for batch in _batched(codings, BATCH):
                ids = [c.id for c in batch]
                marks = ",".join("?" * len(ids))
                have = {
                    r[0]
                    for r in self._conn.execute(
                        f"SELECT id FROM codings WHERE id IN ({marks})", ids
                    )
                }
                fresh = [c for c in batch if c.id not in have]
                self._insert_codings(fresh)
                added += len(fresh)
        return added

    def delete_coding(self, coding_id: str) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM codings WHERE id = ?", (coding_id,))

    def get_coding(self, coding_id: str) -> Coding | None:
        row = self._conn.execute(
            f"SELECT {', '.join(_CODING_COLS)} FROM codings WHERE id = ?", (coding_id,)
        ).fetchone()
        return _coding_from(row) if row else None

    def codings(
        self,
        *,
        coders: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        comment_id: str | None = None,
    ) -> list[Coding]:
        return list(self.iter_codings(coders=coders, statuses=statuses, comment_id=comment_id))

    def iter_codings(
        self,
        *,
        coders: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        comment_id: str | None = None,
    ) -> Iterator[Coding]:
        """Codings filtered by coder, status and comment, in comment then creation order."""
        where, params = [], []
        for column, values in (("coder", coders), ("status", statuses)):
            if values is not None:
                where.append(f"c.{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        if comment_id is not None:
            where.append("c.comment_id = ?")
            params.append(comment_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        cursor = self._conn.cursor()
        cursor.execute(
            f"SELECT {', '.join('c.' + col for col in _CODING_COLS)} FROM codings c "
            f"JOIN comments m ON m.id = c.comment_id {clause} "
            "ORDER BY m.seq, c.created_at, c.id",
            params,
        )
        while rows := cursor.fetchmany(BATCH):
            yield from (_coding_from(r) for r in rows)

    def coding_rows(
        self, fields: Sequence[str], *, ordered: bool = True, packed: Sequence[str] = ()
    ) -> list[tuple[Any, ...]]:
        """Plain tuples of the named Coding fields for every coding (fast, for tallies).

        Building a million Coding models takes seconds; summary tables need only a few
        fields. Dates stay ISO strings. Unordered is faster still (no join). The `packed`
        text fields come last as one string joined by `PACK_SEP` ('remedy\x1feffect'): for
        fields with few distinct values, one string a row instead of several is read faster
        and factorised once.
        """
        columns = {"start": "start_pos", "end": "end_pos"}
        unknown = [f for f in [*fields, *packed] if f not in Coding.model_fields]
        if unknown:
            raise ValueError(f"not Coding fields: {unknown}")
        selected = ["c." + columns.get(f, f) for f in fields]
        if packed:
            selected.append(f" || char({ord(PACK_SEP)}) || ".join(f"c.{f}" for f in packed))
        names = ", ".join(selected)
        if not ordered:
            return self._conn.execute(f"SELECT {names} FROM codings c").fetchall()
        return self._conn.execute(
            f"SELECT {names} FROM codings c JOIN comments m ON m.id = c.comment_id "
            "ORDER BY m.seq, c.created_at, c.id"
        ).fetchall()

    def comment_authors(self) -> list[tuple[str, str | None]]:
        """(id, author) of every comment in import order."""
        return self._conn.execute("SELECT id, author FROM comments ORDER BY seq").fetchall()

    def coders(self) -> list[str]:
        """Every human coder with a decision or a review in the project."""
        rows = self._conn.execute(
            "SELECT coder FROM codings WHERE coder <> ? UNION SELECT coder FROM reviews "
            "ORDER BY coder",
            (AUTO_CODER,),
        )
        return [r[0] for r in rows]

    def replace_suggestions(
        self, suggestions: Iterable[Coding], comment_ids: Sequence[str] | None = None
    ) -> tuple[int, int]:
        """Swap in fresh machine suggestions, in one transaction, leaving decided ones alone.

        The suggestions are first staged in a temporary table without holding the write lock
        (computing them is the slow part), then swapped in by one short transaction, so
        coders working meanwhile are not blocked. A suggestion a coder confirmed or rejected
        stays as it was, and no new suggestion is added for its (comment, remedy). Coders' own
        codings are never touched. Returns (stored, kept): suggestions written, decided kept.
        """
        self._stage_suggestions(suggestions)
        try:
            with self.transaction():
                self._delete_undecided_suggestions(comment_ids)
                kept = self._conn.execute(
                    "SELECT COUNT(*) FROM codings WHERE coder = ?", (AUTO_CODER,)
                ).fetchone()[0]
                before = self._conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
                cols = ", ".join(_CODING_COLS)
                self._conn.execute(
                    f"INSERT INTO codings ({cols}) SELECT {cols} FROM staged_suggestions s "
                    "WHERE EXISTS (SELECT 1 FROM comments m WHERE m.id = s.comment_id) "
                    "AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.comment_id = s.comment_id "
                    "AND c.coder = ? AND c.remedy = s.remedy)",
                    (AUTO_CODER,),
                )
                after = self._conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
        finally:
            self._conn.execute("DROP TABLE IF EXISTS staged_suggestions")
        return after - before, kept

    def _stage_suggestions(self, suggestions: Iterable[Coding]) -> None:
        """Fill a connection-private temporary table; this takes no lock on the store."""
        self._conn.execute("DROP TABLE IF EXISTS staged_suggestions")
        self._conn.execute(
            "CREATE TEMP TABLE staged_suggestions AS SELECT * FROM codings WHERE 0 = 1"
        )
        insert = (
            f"INSERT INTO staged_suggestions ({', '.join(_CODING_COLS)}) "
            f"VALUES ({','.join('?' * len(_CODING_COLS))})"
        )
        for batch in _batched(suggestions, BATCH * 10):
            self._conn.execute("BEGIN")
            self._conn.executemany(insert, [_coding_row(c) for c in batch])
            self._conn.execute("COMMIT")

    def _delete_undecided_suggestions(self, comment_ids: Sequence[str] | None) -> None:
        undecided = (
            "coder = ? AND NOT EXISTS (SELECT 1 FROM codings d WHERE d.suggestion_id = codings.id)"
        )
        if comment_ids is None:
            self._conn.execute(f"DELETE FROM codings WHERE {undecided}", (AUTO_CODER,))
            return
        for batch in _batched(comment_ids, BATCH):
            marks = ",".join("?" * len(batch))
            self._conn.execute(
                f"DELETE FROM codings WHERE {undecided} AND comment_id IN ({marks})",
                (AUTO_CODER, *batch),
            )

    def _insert_codings(self, codings: Sequence[Coding]) -> None:
        if not codings:
            return
        self._conn.executemany(
            f"INSERT INTO codings ({', '.join(_CODING_COLS)}) "
            f"VALUES ({','.join('?' * len(_CODING_COLS))})",
            [_coding_row(c) for c in codings],
        )

    # -- reviews, flags, notes --------------------------------------------------------------

    def set_reviewed(self, comment_id: str, coder: str, reviewed: bool = True) -> None:
        with self.transaction():
            self._conn.execute(
                "DELETE FROM reviews WHERE comment_id = ? AND coder = ?", (comment_id, coder)
            )
            if reviewed:
                self._conn.execute(
                    "INSERT INTO reviews (comment_id, coder, at) VALUES (?, ?, ?)",
                    (comment_id, coder, utcnow().isoformat()),
                )

    def reviewed(self, coder: str) -> set[str]:
        rows = self._conn.execute("SELECT comment_id FROM reviews WHERE coder = ?", (coder,))
        return {r[0] for r in rows}

    def is_reviewed(self, comment_id: str, coder: str) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM reviews WHERE comment_id = ? AND coder = ?", (comment_id, coder)
            ).fetchone()
            is not None
        )

    def set_flag(self, comment_id: str, coder: str, note: str | None) -> None:
        """Flag a comment for discussion (note may be empty); None removes the flag."""
        self._set_keyed("flags", comment_id, coder, note)

    def flags(self, coder: str | None = None) -> dict[tuple[str, str], str]:
        return self._keyed("flags", coder)

    def set_comment_note(self, comment_id: str, coder: str, note: str | None) -> None:
        self._set_keyed("comment_notes", comment_id, coder, note)

    def comment_notes(self, coder: str | None = None) -> dict[tuple[str, str], str]:
        return self._keyed("comment_notes", coder)

    def _set_keyed(self, table: str, comment_id: str, coder: str, note: str | None) -> None:
        with self.transaction():
            self._conn.execute(
                f"DELETE FROM {table} WHERE comment_id = ? AND coder = ?", (comment_id, coder)
            )
            if note is not None:
                self._conn.execute(
                    f"INSERT INTO {table} (comment_id, coder, note, at) VALUES (?, ?, ?, ?)",
                    (comment_id, coder, note, utcnow().isoformat()),
                )

    def _keyed(self, table: str, coder: str | None) -> dict[tuple[str, str], str]:
        sql = f"SELECT comment_id, coder, note FROM {table}"
        rows = (
            self._conn.execute(sql + " WHERE coder = ?", (coder,))
            if coder is not None
            else self._conn.execute(sql)
        )
        return {(c, who): note for c, who, note in rows}

    # -- events -----------------------------------------------------------------------------

    def append_event(self, event: Event) -> int:
        """Add a decision to the append-only log; returns its sequence number."""
        with self.transaction():
            cursor = self._conn.execute(
                f"INSERT INTO events ({', '.join(_EVENT_COLS)}) "
                f"VALUES ({','.join('?' * len(_EVENT_COLS))})",
                (
                    event.at.isoformat(),
                    event.coder,
                    event.action,
                    event.comment_id,
                    event.coding_id,
                    _json_or_none(event.before),
                    _json_or_none(event.after),
                    event.undoes,
                    event.detail,
                ),
            )
            return cursor.lastrowid

    def events(self, coder: str | None = None, *, newest_first: bool = False) -> list[Event]:
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT seq, {', '.join(_EVENT_COLS)} FROM events"
        rows = (
            self._conn.execute(f"{sql} WHERE coder = ? ORDER BY seq {order}", (coder,))
            if coder is not None
            else self._conn.execute(f"{sql} ORDER BY seq {order}")
        )
        return [_event_from(r) for r in rows]

    def count_events(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    # -- coding sessions (queues, undo) -----------------------------------------------------

    def queue_ids(
        self,
        *,
        suggested: bool = False,
        flagged: bool = False,
        text_contains: str | None = None,
        field_equals: tuple[str, str] | None = None,
    ) -> list[str]:
        """Comment ids in import order for a coding queue, filtered in one query.

        `text_contains` matches the text case-insensitively (ASCII); `field_equals` is a
        (name, value) pair: a comment column (author, source...) or else an attribute.
        """
        where, params = [], []
        if suggested:
            where.append(
                "EXISTS (SELECT 1 FROM codings s WHERE s.comment_id = m.id AND s.coder = ?)"
            )
            params.append(AUTO_CODER)
        if flagged:
            where.append("EXISTS (SELECT 1 FROM flags f WHERE f.comment_id = m.id)")
        if text_contains:
            where.append("LOWER(m.text) LIKE ? ESCAPE '!'")
            params.append(f"%{_like_escape(text_contains.lower())}%")
        name, value = field_equals or (None, None)
        if name in _COMMENT_COLS:
            where.append(f"LOWER(m.{name}) = ?")
            params.append(value.lower())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        if name is None or name in _COMMENT_COLS:
            sql = f"SELECT m.id FROM comments m {clause} ORDER BY m.seq"
            return [r[0] for r in self._conn.execute(sql, params)]
        sql = f"SELECT m.id, m.attributes FROM comments m {clause} ORDER BY m.seq"
        rows = self._conn.execute(sql, params)
        return [i for i, attrs in rows if _attribute_is(json.loads(attrs), name, value)]

    def latest_undoable_event(self, coder: str) -> Event | None:
        """This coder's newest decision that is not an undo and has not been undone."""
        row = self._conn.execute(
            f"SELECT e.seq, {', '.join('e.' + c for c in _EVENT_COLS)} FROM events e "
            "WHERE e.coder = ? AND e.action NOT IN (?, ?, ?, ?) AND NOT EXISTS ("
            "SELECT 1 FROM events u WHERE u.coder = e.coder AND u.seq > e.seq "
            "AND u.undoes = e.seq) ORDER BY e.seq DESC LIMIT 1",
            (coder, "undo", "import", "suggest", "adjudicate"),
        ).fetchone()
        return _event_from(row) if row else None

    def flag(self, comment_id: str, coder: str) -> str | None:
        """This coder's flag note on a comment ('' for a bare flag), None when not flagged."""
        return self._keyed_one("flags", comment_id, coder)

    def comment_note(self, comment_id: str, coder: str) -> str | None:
        return self._keyed_one("comment_notes", comment_id, coder)

    def _keyed_one(self, table: str, comment_id: str, coder: str) -> str | None:
        row = self._conn.execute(
            f"SELECT note FROM {table} WHERE comment_id = ? AND coder = ?", (comment_id, coder)
        ).fetchone()
        return row[0] if row else None

    # -- health (remedycoder doctor) ---------------------------------------------------------

    def table_counts(self) -> dict[str, int]:
        """Rows per table, for `doctor`."""
        tables = ("comments", "codings", "events", "reviews", "flags", "comment_notes", "sources")
        return {t: self._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}

    def orphan_counts(self) -> dict[str, int]:
        """Rows that point at something missing (foreign keys cover the rest), for `doctor`."""
        checks = {
            "codings without their comment": "SELECT COUNT(*) FROM codings c WHERE NOT EXISTS "
            "(SELECT 1 FROM comments m WHERE m.id = c.comment_id)",
            "decisions on a missing suggestion": "SELECT COUNT(*) FROM codings c "
            "WHERE c.suggestion_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM codings s WHERE s.id = c.suggestion_id)",
            "reviews of a missing comment": "SELECT COUNT(*) FROM reviews r WHERE NOT EXISTS "
            "(SELECT 1 FROM comments m WHERE m.id = r.comment_id)",
            "events about a missing comment": "SELECT COUNT(*) FROM events e "
            "WHERE e.comment_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM comments m WHERE m.id = e.comment_id)",
        }
        return {name: self._conn.execute(sql).fetchone()[0] for name, sql in checks.items()}

    # -- status -----------------------------------------------------------------------------

    def count_suggestions(self) -> int:
        return self._conn.execute(
            "SELECT COUNT(*) FROM codings WHERE coder = ?", (AUTO_CODER,)
        ).fetchone()[0]

    def coder_counts(self) -> dict[str, CoderCounts]:
        """Per human coder: comments reviewed and confirmed codings."""
        reviewed = dict(
            self._conn.execute("SELECT coder, COUNT(*) FROM reviews GROUP BY coder").fetchall()
        )
        coded = dict(
            self._conn.execute(
                "SELECT coder, COUNT(*) FROM codings WHERE coder <> ? AND status = ? "
                "GROUP BY coder",
                (AUTO_CODER, "confirmed"),
            ).fetchall()
        )
        return {
            name: CoderCounts(reviewed=reviewed.get(name, 0), codings=coded.get(name, 0))
            for name in sorted(set(reviewed) | set(coded))
        }


def _like_escape(text: str) -> str:
    """Escape LIKE wildcards (with `!` as the escape character)."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _attribute_is(attributes: dict[str, Any], name: str, value: str) -> bool:
    """Case-insensitive match of one import attribute (any type) against a typed value."""
    found = next((v for k, v in attributes.items() if k.lower() == name.lower()), None)
    return found is not None and str(found).lower() == value.lower()


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str)


def _comment_row(comment: Comment, key: str) -> tuple[Any, ...]:
    return (
        comment.id,
        comment.text,
        comment.author,
        comment.author_url,
        comment.posted_at.isoformat() if comment.posted_at else None,
        comment.parent_id,
        comment.source,
        comment.url,
        json.dumps(comment.attributes),
        key,
    )


def _comment_from(row: Sequence[Any]) -> Comment:
    values = dict(zip(_COMMENT_COLS, row[:-1], strict=True))
    posted = values.pop("posted_at")
    return Comment.model_construct(
        **values,
        posted_at=datetime.fromisoformat(posted) if posted else None,
        attributes=json.loads(row[-1]),
    )


def _coding_row(c: Coding) -> tuple[Any, ...]:
    return (
        c.id,
        c.comment_id,
        c.remedy,
        c.effect,
        c.coder,
        c.status,
        c.start,
        c.end,
        c.quote,
        c.note,
        c.created_at.isoformat(),
        c.codebook_hash,
        c.suggestion_id,
        c.reason,
        json.dumps([s.model_dump() for s in c.spans]),
    )


def _coding_from(row: Sequence[Any]) -> Coding:
    v = dict(zip(_CODING_COLS, row, strict=True))
    return Coding.model_construct(
        id=v["id"],
        comment_id=v["comment_id"],
        remedy=v["remedy"],
        effect=v["effect"],
        coder=v["coder"],
        status=v["status"],
        start=v["start_pos"],
        end=v["end_pos"],
        quote=v["quote"],
        note=v["note"],
        created_at=datetime.fromisoformat(v["created_at"]),
        codebook_hash=v["codebook_hash"],
        suggestion_id=v["suggestion_id"],
        reason=v["reason"],
        spans=[Span.model_construct(**s) for s in json.loads(v["spans"])],
    )


def _event_from(row: Sequence[Any]) -> Event:
    seq, at, coder, action, comment_id, coding_id, before, after, undoes, detail = row
    return Event.model_construct(
        seq=seq,
        at=datetime.fromisoformat(at),
        coder=coder,
        action=action,
        comment_id=comment_id,
        coding_id=coding_id,
        before=json.loads(before) if before else None,
        after=json.loads(after) if after else None,
        undoes=undoes,
        detail=detail,
    )
