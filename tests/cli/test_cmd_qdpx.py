"""REFI-QDA through the CLI: `export --format qdpx|qdc`, then `import FILE.qdpx` elsewhere."""

from __future__ import annotations

import zipfile
from pathlib import Path

from agreement_helpers import confirmed, make_project, run
from lxml import etree

from remedycoder.project import Project

XSD = Path(__file__).resolve().parents[1] / "data" / "refi-qda"


def test_export_then_import_into_a_new_project_keeps_everything(tmp_path: Path):
    source = make_project(tmp_path / "a")
    store = source.store
    for cid, remedy, coder, effect in [
        ("c01", "tea", "alice", "helped"),
        ("c01", "tea", "bob", "partial"),
        ("c02", "iron", "alice", "no_effect"),
    ]:
        text = store.get_comment(cid).text
        start = text.index(remedy)
        store.put_coding(
            confirmed(cid, remedy, coder, effect).model_copy(
                update={"start": start, "end": start + len(remedy), "quote": remedy}
            )
        )
    source.close()
    out = tmp_path / "a.qdpx"
    assert run(source, "export", "--format", "qdpx", "--out", str(out)).exit_code == 0
    qdc = tmp_path / "a.qdc"
    assert run(source, "export", "--format", "qdc", "--out", str(qdc)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    assert etree.XMLSchema(etree.parse(str(XSD / "Project.xsd"))).validate(root)
    assert etree.XMLSchema(etree.parse(str(XSD / "Codebook.xsd"))).validate(etree.parse(str(qdc)))

    target = make_project(tmp_path / "b")  # same comments already there: nothing new
    target.close()
    result = run(target, "import", str(out))
    assert result.exit_code == 0, result.output
    assert "0 new, 40 already stored, 3 codings (qdpx)" in result.output

    def codings(project: Project):
        opened = Project(project.root)
        rows = opened.store.codings()
        opened.close()
        fields = ("id", "comment_id", "remedy", "effect", "coder", "start", "end", "quote")
        return sorted(tuple(getattr(c, f) for f in fields) for c in rows)

    assert codings(target) == codings(source)
    again = run(target, "import", str(out))
    assert "0 new, 40 already stored" in again.output
    assert codings(target) == codings(source)
