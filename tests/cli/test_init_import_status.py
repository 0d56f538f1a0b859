"""`remedycoder init`, `import` and `status`, run in-process, state checked through the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from remedycoder.cli import app
from remedycoder.project import Project
from remedycoder.store import Store

DATA = Path(__file__).parents[1] / "data"
CODEBOOK = DATA / "migraine_codebook.yaml"
THREAD = Path(__file__).parents[2] / "corpus" / "rls-orgasm-thread-2011.txt"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "study"
    assert run("init", str(root), "--codebook", str(CODEBOOK)).exit_code == 0
    return root


def comments_file(tmp_path: Path, name: str = "c.jsonl", count: int = 3) -> Path:
    path = tmp_path / name
    rows = [{"id": f"c{i}", "text": f"Coffee helped ({i})."} for i in range(count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_init_makes_a_project(tmp_path):
    root = tmp_path / "study"
    result = run("init", str(root), "--codebook", str(CODEBOOK))
    assert result.exit_code == 0
    assert result.stdout == (
        f"Project ready in {root}\n"
        f"  codebook: {root / 'codebook.yaml'}\n"
        f"  store:    {root / '.remedycoder' / 'store.sqlite3'}\n"
        "Next: remedycoder import FILE... (thread text, JSONL, CSV, XLSX or QDPX)\n"
    )
    assert (root / "codebook.yaml").read_bytes() == CODEBOOK.read_bytes()
    assert (root / "corpus").is_dir() and (root / "exports").is_dir()
    with Store.open(root / ".remedycoder" / "store.sqlite3") as store:
        assert store.count_comments() == 0


def test_init_again_keeps_the_codebook_and_the_comments(root, tmp_path):
    assert run("--project", str(root), "import", str(comments_file(tmp_path))).exit_code == 0
    (root / "codebook.yaml").write_text(CODEBOOK.read_text() + "# edited\n")
    assert run("init", str(root)).exit_code == 0
    assert (root / "codebook.yaml").read_text().endswith("# edited\n")
    with Store.open(root / ".remedycoder" / "store.sqlite3") as store:
        assert store.count_comments() == 3


def test_init_with_a_bad_codebook_creates_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("remedies: [\n")
    result = run("init", str(tmp_path / "study"), "--codebook", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}: the codebook has 1 problem:\n")
    assert not (tmp_path / "study").exists()


def test_init_on_a_file_is_refused(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = run("init", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {target}: exists and is not a directory.\nChoose another path.\n"
    )


def test_import_reports_counts_and_keeps_a_copy(root, tmp_path):
    path = comments_file(tmp_path)
    result = run("--project", str(root), "import", str(path))
    assert result.exit_code == 0
    assert result.stdout == (
        f"{path}: 3 new, 0 already stored (jsonl)\n"
        f"  kept a copy in {root / 'corpus' / 'c.jsonl'}\n"
        "3 comments in the project.\n"
    )
    again = run("--project", str(root), "import", str(path))
    assert again.stdout == f"{path}: 0 new, 3 already stored (jsonl)\n3 comments in the project.\n"


def test_import_the_bundled_thread_with_warnings(root):
    result = run("--project", str(root), "import", str(THREAD))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{THREAD}: 35 new, 0 already stored (thread)\n")
    assert result.stderr.count("Warning: ") == 3
    assert f"Warning: {THREAD}:158: comment by Ria has no text; not imported.\n" in result.stderr


def test_import_csv_with_column_options(root, tmp_path):
    path = tmp_path / "forum.csv"
    path.write_text("post,body\nP1,Feverfew helped\nP2,Coffee did nothing\n", encoding="utf-8")
    result = run(
        "--project", str(root), "import", str(path), "--text-col", "body", "--id-col", "post"
    )
    assert result.exit_code == 0, result.output
    with Store.open(root / ".remedycoder" / "store.sqlite3") as store:
        assert store.get_comment("P2").text == "Coffee did nothing"


def test_import_a_changed_comment_needs_update(root, tmp_path):
    path = comments_file(tmp_path)
    run("--project", str(root), "import", str(path))
    path.write_text('{"id": "c1", "text": "Feverfew, actually."}\n', encoding="utf-8")
    refused = run("--project", str(root), "import", str(path))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {path}: comment id `c1` is already stored (from c.jsonl) with different "
        "content.\nRe-run with --update to replace it, or give the new comment another id.\n"
    )
    updated = run("--project", str(root), "import", str(path), "--update")
    assert updated.exit_code == 0
    assert f"{path}: 0 new, 0 already stored, 1 updated (jsonl)\n" in updated.stdout


def test_import_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REMEDYCODER_PROJECT", raising=False)
    result = run("import", "x.jsonl")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path}: no remedycoder project here or above (no codebook.yaml).\n"
        "Run `remedycoder init` to make one, or pass --project DIR.\n"
    )


def test_import_a_missing_file(root, tmp_path):
    result = run("--project", str(root), "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.csv'}: no such file.\nCheck the path.\n"


def test_status_json_and_text(root, tmp_path):
    run("--project", str(root), "import", str(comments_file(tmp_path)))
    project = Project(root)
    project.store.set_reviewed("c0", "ann")
    project.close()
    result = run("--project", str(root), "status", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "comments": 3,
        "suggested": 0,
        "coders": {"ann": {"reviewed": 1, "codings": 0}},
    }
    text = run("--project", str(root), "status")
    assert text.stdout == (
        f"Project:     {root}\nComments:    3\nSuggestions: 0\n  ann: 1 of 3 reviewed, 0 codings\n"
    )


def test_status_of_a_new_project(root):
    result = run("--project", str(root), "status")
    assert result.stdout.endswith("Coders:      none yet (start with `remedycoder code`)\n")
