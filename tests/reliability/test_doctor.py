"""`remedycoder doctor` (integrity, schema, counts, WAL, orphans, last backup) and `backup`."""

from __future__ import annotations

import re
import sqlite3

from reliability_helpers import CODEBOOK, cli, run_command

from remedycoder.store import SCHEMA_VERSION, Store


def test_doctor_on_a_healthy_store(project):
    result = cli(project, "doctor")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Store:          {project.store_path}\n"
        f"Schema version: {SCHEMA_VERSION}\n"
        "Rows:           3 comments, 0 codings, 0 events, 0 reviews, 0 flags, 0 comment_notes, "
        "1 sources\n"
        "WAL file:       0 bytes\n"
        "Last backup:    none (make one with `remedycoder backup`)\n"
        "Orphan rows:    none\n"
        "OK: the store passed SQLite's integrity and foreign-key checks.\n"
    )


def test_doctor_lists_orphan_rows(project):
    conn = sqlite3.connect(project.store_path)
    conn.execute(
        "INSERT INTO events (at, coder, action, comment_id, detail) "
        "VALUES ('2026-01-01', 'ann', 'review', 'gone', '')"
    )
    conn.commit()
    conn.close()
    result = cli(project, "doctor")
    assert result.exit_code == 0
    assert "Orphan rows:    1 events about a missing comment\n" in result.stdout


def test_backup_default_path_then_doctor_names_it(project):
    result = cli(project, "backup")
    assert result.exit_code == 0, result.output
    match = re.fullmatch(r"Backed up the store to (\S+) \((.+)\)\.\n", result.stdout)
    assert match, result.stdout
    copy = project.state_dir / "backups" / match[1].rsplit("/", 1)[-1]
    assert re.fullmatch(r"store-\d{8}T\d{6}\.sqlite3", copy.name)
    with Store.open(copy) as store:
        assert store.comment_ids() == ["s1", "s2", "s3"]
    second = cli(project, "backup")  # same second: a new name, never an overwrite
    assert second.exit_code == 0
    assert len(list(copy.parent.glob("store-*.sqlite3"))) == 2
    assert "Last backup:    " + str(copy.parent) in cli(project, "doctor").stdout


def test_backup_to_a_path_or_a_directory(project, tmp_path):
    target = tmp_path / "safe" / "study.sqlite3"
    assert cli(project, "backup", str(target)).exit_code == 0
    assert target.is_file()
    refused = cli(project, "backup", str(target))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {target}: already exists; a backup never overwrites a file.\n"
        "Give a new file name or a directory.\n"
    )
    into_dir = cli(project, "backup", str(tmp_path / "safe"))
    assert into_dir.exit_code == 0
    assert len(list((tmp_path / "safe").glob("store-*.sqlite3"))) == 1


def damage(path) -> None:
    """Overwrite part of every page after the schema: the kind of damage a bad disk does."""
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, len(data), 4096):
        data[offset + 100 : offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))


def test_doctor_explains_a_damaged_store_and_how_to_restore(project, tmp_path):
    more = tmp_path / "more.jsonl"
    more.write_text(
        "".join(f'{{"id": "m{i}", "text": "Coffee {i}"}}\n' for i in range(3000)), "utf-8"
    )
    assert cli(project, "import", str(more)).exit_code == 0
    assert cli(project, "backup").exit_code == 0
    (backup,) = (project.state_dir / "backups").glob("*.sqlite3")
    project.close()
    damage(project.store_path)
    result = cli(project, "doctor")
    assert result.exit_code == 1
    store = project.store_path
    assert result.stderr.startswith(f"Error: {store}: the store failed its integrity check:\n")
    assert result.stderr.endswith(
        "The file is damaged (a disk or copy problem, or a copy taken while it was being "
        "written). Close every remedycoder, then restore the latest backup: "
        f"cp {backup} {store} && rm -f {store}-wal {store}-shm\n"
    )
    assert len(result.stderr.splitlines()) <= 14  # the first findings, not hundreds


def test_doctor_on_a_file_that_is_not_sqlite_in_a_real_process(project):
    project.close()
    project.store_path.write_bytes(b"\x00garbage" * 512)
    done = run_command(project, "doctor")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    store = project.store_path
    assert done.stderr == (
        f"Error: {store}: the store failed its integrity check:\n"
        f"  {store}: cannot open the store (file is not a database).\n"
        "The file is damaged (a disk or copy problem, or a copy taken while it was being "
        f"written). There is no backup; try `sqlite3 {store} .recover` into a new file.\n"
    )


def test_doctor_before_anything_was_stored(tmp_path):
    root = tmp_path / "fresh"
    root.mkdir()
    (root / "codebook.yaml").write_bytes(CODEBOOK.read_bytes())
    result = cli(root, "doctor")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{root}: no store yet, so nothing to check. Start with: remedycoder import FILE...\n"
    )
    assert not (root / ".remedycoder").exists()
