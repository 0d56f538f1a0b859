"""Issue 7, bad codebooks: each one is answered by a message naming file, line and field, exit 2,
no traceback, and the store is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from codebook_cases import CASES
from reliability_helpers import assert_bad_input, cli, run_command, snapshot

from remedycoder.codebook import MAX_CODEBOOK_BYTES, load_codebook
from remedycoder.errors import CodebookError

PROBLEMS = {
    "broken_yaml": "{p}:25:8: YAML syntax error: did not find expected ',' or ']' "
    "(while parsing a flow sequence started at line 24).",
    "tabs": "{p}:24:1: YAML syntax error: found a tab character that violates indentation "
    "(indent with spaces, not tabs).",
    "unknown_key": "{p}:25: remedies[4].synonyms: unknown key `synonyms`; check its spelling "
    "(see `remedycoder codebook check --help`).",
    "duplicate_id": "{p}:22: remedies[4].id: duplicate id `caffeine` (first defined as "
    "remedies[3]); give each code its own id.",
    "parent_cycle": "{p}:8: remedies[0].parent: `medication` is its own ancestor (a cycle of "
    "parents); break the cycle.\n"
    "  {p}:11: remedies[1].parent: `triptans` is its own ancestor (a cycle of parents); "
    "break the cycle.",
    "python_tag": "{p}:2:7: YAML syntax error: could not determine a constructor for the tag "
    "'tag:yaml.org,2002:python/object/apply:os.system' (python tags are never executed; "
    "remove the tag).",
    "billion_laughs": "{p}:2: anchors and aliases (*name) are not allowed in a codebook; "
    "write the values out.",
    "empty": "{p}: the codebook is empty. Start from the default: `remedycoder init`.",
    "only_comments": "{p}: the codebook is empty. Start from the default: `remedycoder init`.",
    "not_utf8": "{p}:23: byte 637 is not UTF-8 text. Save the codebook as UTF-8.",
    "deep_nesting": "{p}:1: lists or mappings are nested more than 50 deep, too deep for a "
    "codebook; check the brackets.",
    "top_level_list": "{p}:1: the top level must be a mapping with `remedies:` and `effects:`.",
}


def expected(path: Path, case: str) -> str:
    problems = PROBLEMS[case].format(p=path)
    count = problems.count("\n") + 1
    noun = "problem" if count == 1 else "problems"
    return (
        f"Error: {path}: the codebook has {count} {noun}:\n  {problems}\n"
        "Fix them and run `remedycoder codebook check` again.\n"
    )


def test_every_case_has_an_expected_message():
    assert set(CASES) == set(PROBLEMS)


@pytest.mark.parametrize("case", sorted(CASES))
def test_codebook_check_names_file_line_and_field(tmp_path, case):
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(CASES[case])
    assert_bad_input(cli(tmp_path, "codebook", "check", str(path)), expected(path, case))


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_project_codebook_leaves_the_store_alone(project, case):
    """`suggest` with a broken codebook.yaml refuses before writing anything."""
    project.codebook_path.write_bytes(CASES[case])
    before = snapshot(project)
    result = cli(project, "suggest")
    assert_bad_input(result, expected(project.codebook_path, case))
    assert snapshot(project) == before


def test_python_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(CodebookError):
        load_codebook(path)
    assert not marker.exists()


def test_fifty_megabyte_codebook_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NULs on disk in no time
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the whole file"))
    result = cli(tmp_path, "codebook", "check", str(path))
    problem = (
        f"{path}: the file is 52,428,800 bytes; a codebook may be at most "
        f"{MAX_CODEBOOK_BYTES:,}. Is this the right file?"
    )
    assert_bad_input(
        result,
        f"Error: {path}: the codebook has 1 problem:\n  {problem}\n"
        "Fix them and run `remedycoder codebook check` again.\n",
    )


@pytest.mark.parametrize("case", ["billion_laughs", "python_tag", "deep_nesting", "not_utf8"])
def test_real_process_prints_one_paragraph_and_exits_2(tmp_path, case):
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(CASES[case])
    done = run_command(tmp_path, "codebook", "check", str(path))
    assert done.returncode == 2
    assert done.stderr == expected(path, case)
    assert "Traceback" not in done.stderr + done.stdout
