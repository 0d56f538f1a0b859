"""Issue 7, hostile .qdpx archives: refused by name before anything is unpacked, exit 2,
no traceback, the store unchanged and nothing written outside the project."""

from __future__ import annotations

import importlib.util

import pytest
from archive_cases import CASES
from reliability_helpers import assert_bad_input, cli, run_command, snapshot

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("remedycoder.importers.qdpx") is None,
    reason="the qdpx importer is not there yet",
)

UNSAFE = (
    "{p}: member `{m}` has an unsafe path (absolute, or climbing out with `..`); the archive "
    "is refused.\nOnly import .qdpx files from programs and people you trust.\n"
)
AGAIN = "Export the project again from the program that made it.\n"
MESSAGES = {
    "path_traversal": UNSAFE.replace("{m}", "../../evil.txt"),
    "absolute_path": UNSAFE.replace("{m}", "/tmp/evil.txt"),
    "windows_absolute_path": UNSAFE.replace("{m}", "C:/evil.txt"),
    "zip_bomb": "{p}: member `Sources/bomb.txt` would decompress to 20,000,000 bytes (1,028 "
    "times its stored size); refused as a possible zip bomb.\n"
    "Import a project of a sensible size, or check where the file came from.\n",
    "missing_project_qde": "{p}: member `project.qde` is missing, so this is not a REFI-QDA "
    "project.\nExport a .qdpx project (not a .qdc codebook or a plain zip) and import that.\n",
    "not_a_zip": "{p}: not a readable REFI-QDA project (.qdpx is a zip archive): File is not "
    "a zip file.\n" + AGAIN,
    "xml_entity_bomb": "{p}: member `project.qde` line 13: not valid XML (Maximum entity "
    "amplification factor exceeded, see xmlCtxtSetMaxAmplification., line 13, column 51).\n"
    + AGAIN,
    "broken_xml": "{p}: member `project.qde` line 1: not valid XML (Opening and ending tag "
    "mismatch: Sources line 1 and Project, line 1, column 29).\n" + AGAIN,
}


def test_every_case_has_an_expected_message():
    assert set(CASES) == set(MESSAGES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_archive_is_refused_and_nothing_is_stored(project, tmp_path, case):
    path = tmp_path / f"{case}.qdpx"
    path.write_bytes(CASES[case])
    before = snapshot(project)
    result = cli(project, "import", str(path))
    assert_bad_input(result, "Error: " + MESSAGES[case].format(p=path))
    assert snapshot(project) == before
    assert not list(tmp_path.rglob("evil.txt"))


@pytest.mark.parametrize("case", ["path_traversal", "zip_bomb"])
def test_real_process_shows_no_traceback(project, tmp_path, case):
    path = tmp_path / f"{case}.qdpx"
    path.write_bytes(CASES[case])
    done = run_command(project, "import", str(path))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "Error: " + MESSAGES[case].format(p=path)
