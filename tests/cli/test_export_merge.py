"""A coder working on another copy: export --include-rejected, import-codings, same reviews."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coding_helpers import make_project
from remedycoder.cli import app
from remedycoder.project import Project
from remedycoder.session import CodingSession


def _code_elsewhere(root: Path) -> None:
    """Ben accepts c1's suggestion, rejects c3's, and reviews c4 with nothing to code."""
    project = make_project(root)
    session = CodingSession.open(project.store, project.codebook, "ben")
    for comment_id in ("c1", "c2", "c3", "c4"):
        assert session.goto(comment_id)
        if comment_id == "c1":
            session.accept(0)
        if comment_id == "c3":
            session.reject(0)
        session.next()
    project.close()


def test_merge_export_carries_reviews_and_rejections(tmp_path: Path) -> None:
    _code_elsewhere(tmp_path / "elsewhere")
    out = tmp_path / "ben.jsonl"
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["-P", str(tmp_path / "elsewhere"), "export", "--format", "jsonl", "--include-rejected",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(r["comment_id"], r["status"]) for r in rows} == {
        ("c1", "confirmed"), ("c2", "reviewed"), ("c3", "rejected"), ("c4", "reviewed"),
    }  # fmt: skip

    home = make_project(tmp_path / "home")
    home.close()
    result = runner.invoke(app, ["-P", str(tmp_path / "home"), "import-codings", str(out)])
    assert result.exit_code == 0, result.output
    merged = Project(tmp_path / "home")
    assert merged.store.reviewed("ben") == {"c1", "c2", "c3", "c4"}
    assert [c.remedy for c in merged.store.codings(coders=["ben"], statuses=["confirmed"])] == [
        "triptans"
    ]
    merged.close()
