"""REFI-QDA export (validated against the schemas) and import (round trip, samples, bad zips)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from remedycoder.errors import ImportFormatError, InputError
from remedycoder.exporters.qdpx import guid, write_qdc, write_qdpx
from remedycoder.importers import qdpx as qdpx_import
from remedycoder.importers.qdpx import read_qdpx
from remedycoder.models import Codebook, Coding, Comment, EffectCode, RemedyCode

DATA = Path(__file__).parent / "data" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0"}
T0 = datetime(2024, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)

CODEBOOK = Codebook(
    name="remedies",
    remedies=[
        RemedyCode(id="supplements", label="Supplements", codable=False),
        RemedyCode(
            id="magnesium", label="Magnesium", parent="supplements", definition="Mg & salts"
        ),
        RemedyCode(id="iron", label="Iron", parent="supplements", color="#aa3300"),
        RemedyCode(id="tea", label="Chamomile tea"),
    ],
    effects=[
        EffectCode(id="helped", label="Helped"),
        EffectCode(id="partial", label="Partial"),
        EffectCode(id="no_effect", label="No effect"),
        EffectCode(id="not_stated", label="Not stated"),
    ],
)

COMMENTS = [
    Comment(
        id="c1",
        text="Magnesium helped me a lot. Tea did nothing.",
        author="Ann <ann@example.org>",
        posted_at=datetime(2011, 5, 2, 21, 4, tzinfo=UTC),
        url="https://example.org/t#c1",
        attributes={"age": 54, "sex": "f", "verified": True, "score": 0.25},
    ),
    Comment(id="c2", text="Iron 🙂 pills: only five minutes of relief.", author="Bob"),
    Comment(id="c3", text="=SUM(A1)\nno remedy here, just a question?", parent_id="c1"),
]


def coding(cid, remedy, effect, coder, quote=None, status="confirmed", note="", n=0) -> Coding:
    text = next(c.text for c in COMMENTS if c.id == cid)
    start = text.index(quote) if quote else None
    return Coding(
        id=f"00000000-0000-4000-8000-{n:012d}",
        comment_id=cid,
        remedy=remedy,
        effect=effect,
        coder=coder,
        status=status,
        start=start,
        end=None if quote is None else start + len(quote),
        quote=quote or "",
        note=note,
        created_at=T0,
    )


CODINGS = [
    coding("c1", "magnesium", "helped", "alice", "Magnesium helped", note="clear report", n=1),
    coding("c1", "tea", "no_effect", "alice", "Tea did nothing", n=2),
    coding("c1", "magnesium", "helped", "bob", "Magnesium", n=3),
    coding("c2", "iron", "partial", "bob", "Iron 🙂 pills: only five minutes", n=4),
    coding("c2", "iron", "partial", "alice", None, note="whole comment", n=5),
    coding("c3", "tea", "not_stated", "auto", "question", status="suggested", n=6),
    coding("c1", "iron", "helped", "alice", "a lot", status="rejected", n=7),
]


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / name)))


def qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    path = tmp_path / "project.qdpx"
    write_qdpx(path, COMMENTS, CODINGS, CODEBOOK)
    return path


def test_qdpx_validates_against_project_schema(exported: Path):
    root = qde(exported)
    validator = schema("Project.xsd")
    assert validator.validate(root), validator.error_log
    children = [etree.QName(el).localname for el in root]
    assert children == ["Users", "CodeBook", "Variables", "Sources", "Notes"]


def test_every_selection_slices_out_its_quote(exported: Path):
    root = qde(exported)
    with zipfile.ZipFile(exported) as archive:
        names = set(archive.namelist())
        checked = 0
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            member = source.get("plainTextPath").replace("internal://", "sources/")
            assert member in names
            text = archive.read(member).decode("utf-8")
            for sel in source.iterfind("q:PlainTextSelection", NS):
                coding_ = next(c for c in CODINGS if c.id == sel.get("guid"))
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert text[start:end] == coding_.quote
                checked += 1
    assert checked == 5  # rejected and span-less codings have no selection


def test_codes_nested_and_effects_grouped(exported: Path):
    codes = qde(exported).find("q:CodeBook/q:Codes", NS)
    top = [(c.get("name"), c.get("isCodable")) for c in codes.iterfind("q:Code", NS)]
    assert top == [("Supplements", "false"), ("Chamomile tea", "true"), ("Effects", "false")]
    supplements = codes.find("q:Code", NS)
    assert [c.get("name") for c in supplements.iterfind("q:Code", NS)] == ["Magnesium", "Iron"]
    effects = codes.findall("q:Code", NS)[-1]
    assert [c.get("guid") for c in effects] == [guid("effect", e.id) for e in CODEBOOK.effects]
    users = [u.get("name") for u in qde(exported).iterfind("q:Users/q:User", NS)]
    assert users == ["alice", "auto", "bob"]


def test_export_is_deterministic_and_guids_stable(tmp_path: Path, exported: Path):
    again = tmp_path / "again.qdpx"
    write_qdpx(again, reversed(COMMENTS[::-1]), CODINGS, CODEBOOK)
    assert again.read_bytes() == exported.read_bytes()
    source = qde(exported).find("q:Sources/q:TextSource", NS)
    assert source.get("guid") == guid("comment", "c1")
    assert source.get("plainTextPath") == f"internal://{guid('comment', 'c1')}.txt"


def test_round_trip_preserves_comments_and_codings(exported: Path):
    result = read_qdpx(exported, CODEBOOK)
    assert result.unknown_codes == []
    assert result.warnings == []
    assert result.comments == COMMENTS
    keep = [c for c in CODINGS if c.status != "rejected"]
    fields = ["id", "comment_id", "remedy", "effect", "coder", "status", "start", "end", "quote"]
    fields += ["note", "created_at"]

    def rows(items):
        return sorted(tuple(getattr(c, f) for f in fields) for c in items)

    assert rows(result.codings) == rows(keep)
    assert result.users == ["alice", "auto", "bob"]
    assert result.reviewed == {"alice": {"c1", "c2"}, "bob": {"c1", "c2"}}


def test_crlf_written_as_lf_with_positions_shifted(tmp_path: Path):
    comment = Comment(id="w", text="line one\r\nline two: magnesium\r\nhelped")
    start = comment.text.index("magnesium\r\nhelped")
    crlf_coding = Coding(
        comment_id="w",
        remedy="magnesium",
        effect="helped",
        coder="alice",
        status="confirmed",
        start=start,
        end=len(comment.text),
        quote=comment.text[start:],
    )
    path = tmp_path / "w.qdpx"
    write_qdpx(path, [comment], [crlf_coding], CODEBOOK)
    with zipfile.ZipFile(path) as archive:
        text = archive.read(f"sources/{guid('comment', 'w')}.txt").decode()
    assert "\r" not in text
    sel = qde(path).find("q:Sources/q:TextSource/q:PlainTextSelection", NS)
    assert text[int(sel.get("startPosition")) : int(sel.get("endPosition"))] == "magnesium\nhelped"
    back = read_qdpx(path, CODEBOOK)
    assert back.comments[0].text == text
    assert back.codings[0].quote == "magnesium\nhelped"


def test_empty_project_omits_empty_containers(tmp_path: Path):
    path = tmp_path / "empty.qdpx"
    write_qdpx(path, [], [], Codebook())
    root = qde(path)
    assert len(root) == 0
    assert schema("Project.xsd").validate(root)


def test_qdc_validates_against_codebook_schema(tmp_path: Path):
    path = tmp_path / "codebook.qdc"
    write_qdc(path, CODEBOOK)
    root = etree.parse(str(path)).getroot()
    validator = schema("Codebook.xsd")
    assert validator.validate(root), validator.error_log
    names = [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert names[:3] == ["Supplements", "Magnesium", "Iron"]
    assert "Effects" in names


def test_atlas_samples_validate_and_import():
    for name in ("ponte_blank-atlas-project.qdpx", "ponte_target-atlas-project.qdpx"):
        assert schema("Project.xsd").validate(qde(DATA / name))
    blank = read_qdpx(DATA / "ponte_blank-atlas-project.qdpx", CODEBOOK)
    assert (blank.comments, blank.codings) == ([], [])
    assert blank.users == ["ATLAS.ti", "Enric Llagostera"]
    target = read_qdpx(DATA / "ponte_target-atlas-project.qdpx", CODEBOOK)
    assert target.unknown_codes == [
        "Commits",
        "2022-05-10T02:05:59Z 19e4dce",
        "2022-02-11T10:39:25Z cdbfd92",
    ]
    assert target.source.name == "target-atlas-project"


FOREIGN_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="foreign"
         creatingUserGUID="{AAAAAAAA-0000-0000-0000-000000000001}">
  <Users><User guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Carol"/></Users>
  <CodeBook><Codes>
    <Code guid="BBBBBBBB-0000-0000-0000-000000000001" name="magnesium" isCodable="true"/>
    <Code guid="BBBBBBBB-0000-0000-0000-000000000002" name="Chamomile Tea" isCodable="true"/>
    <Code guid="BBBBBBBB-0000-0000-0000-000000000003" name="Ginger" isCodable="true"/>
    <Code guid="BBBBBBBB-0000-0000-0000-000000000004" name="Helped" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="CCCCCCCC-0000-0000-0000-000000000001" name="Interview 1"
                plainTextPath="internal://CCCCCCCC-0000-0000-0000-000000000001.txt">
      <PlainTextSelection guid="DDDDDDDD-0000-0000-0000-000000000001" startPosition="0"
                          endPosition="9" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
        <Coding guid="EEEEEEEE-0000-0000-0000-000000000001">
          <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/></Coding>
        <Coding guid="EEEEEEEE-0000-0000-0000-000000000002">
          <CodeRef targetGUID="bbbbbbbb-0000-0000-0000-000000000004"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="DDDDDDDD-0000-0000-0000-000000000002" startPosition="14"
                          endPosition="20">
        <Coding guid="EEEEEEEE-0000-0000-0000-000000000003">
          <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000003"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="DDDDDDDD-0000-0000-0000-000000000003" startPosition="22"
                          endPosition="35">
        <Coding guid="EEEEEEEE-0000-0000-0000-000000000004">
          <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000002"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_foreign_project_maps_codes_by_name_and_label(tmp_path: Path):
    text = "Magnesium\r\nand ginger, chamomile tea"
    path = make_zip(
        tmp_path / "foreign.qdpx",
        {
            "project.qde": FOREIGN_QDE.encode(),
            "Sources/CCCCCCCC-0000-0000-0000-000000000001.txt": text.encode("utf-8-sig"),
        },
    )
    result = read_qdpx(path, CODEBOOK)
    assert [c.id for c in result.comments] == ["Interview 1"]
    assert result.unknown_codes == ["Ginger"]
    got = [(c.remedy, c.effect, c.coder, c.quote, c.status) for c in result.codings]
    assert got == [
        ("magnesium", "helped", "Carol", "Magnesium", "confirmed"),
        ("tea", "not_stated", "Carol", "chamomile tea", "confirmed"),
    ]
    assert result.codings[0].id == "dddddddd-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"project.qde": b"<x/>", "../evil.txt": b"x"}, "member `../evil.txt` has an unsafe path"),
        ({"project.qde": b"<x/>", "/etc/passwd": b"x"}, "member `/etc/passwd` has an unsafe path"),
        ({"sources/a.txt": b"x"}, "member `project.qde` is missing"),
        ({"project.qde": b"\0" * (30 << 20)}, "member `project.qde` would decompress to"),
        ({"project.qde": b"<Project"}, "member `project.qde` line 1: not valid XML"),
        ({"project.qde": b"<CodeBook/>"}, "the root element is `CodeBook`"),
    ],
)
def test_hostile_or_broken_archives_are_refused(tmp_path: Path, members, message):
    path = make_zip(tmp_path / "bad.qdpx", members)
    with pytest.raises(ImportFormatError) as info:
        read_qdpx(path, CODEBOOK)
    assert str(path) in info.value.message
    assert message in info.value.message
    assert isinstance(info.value, InputError)


def test_total_size_limit(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(qdpx_import, "MAX_TOTAL_BYTES", 1000)
    path = make_zip(tmp_path / "big.qdpx", {"project.qde": b"<x/>", "sources/a.txt": b"a" * 2000})
    with pytest.raises(ImportFormatError, match="member `sources/a.txt`: the archive would"):
        read_qdpx(path, CODEBOOK)


def test_not_a_zip_and_entities_not_expanded(tmp_path: Path):
    junk = tmp_path / "junk.qdpx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ImportFormatError, match="not a readable REFI-QDA project"):
        read_qdpx(junk, CODEBOOK)
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&e;"/>'
    )
    with pytest.raises(ImportFormatError, match="references external entity") as info:
        read_qdpx(make_zip(tmp_path / "xxe.qdpx", {"project.qde": xxe}), CODEBOOK)
    assert "root:" not in str(info.value)


def test_missing_source_member_is_named(tmp_path: Path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("project.qde", FOREIGN_QDE)
    path = tmp_path / "nosrc.qdpx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(ImportFormatError, match="member `sources/CCCCCCCC-.*` is missing"):
        read_qdpx(path, CODEBOOK)


def test_bundled_thread_exports_valid_and_round_trips(tmp_path: Path):
    """The repository's own thread and codebook: suggestions plus a coder's confirmations."""
    from remedycoder.project import Project

    repo = Path(__file__).resolve().parents[1]
    project = Project(Project.init(tmp_path / "p", repo / "codebook.yaml").root)
    project.import_files([repo / "corpus" / "rls-orgasm-thread-2011.txt"])
    project.suggest()
    comments = list(project.store.iter_comments())
    suggestions = project.store.codings()
    confirmed = [
        s.model_copy(update={"id": f"alice-{s.id}", "coder": "alice", "status": "confirmed"})
        for s in suggestions[::2]
    ]
    codings = suggestions + confirmed
    path = tmp_path / "thread.qdpx"
    write_qdpx(path, comments, codings, project.codebook)
    root = qde(path)
    validator = schema("Project.xsd")
    assert validator.validate(root), validator.error_log
    texts = {c.id: c.text for c in comments}
    selections = list(root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
    assert len(selections) == sum(c.start is not None for c in codings) > 50
    by_id = {c.id: c for c in codings}
    for sel in selections:
        coding_ = by_id.get(sel.get("guid")) or next(
            c for c in codings if guid("coding", c.id) == sel.get("guid")
        )
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        assert texts[coding_.comment_id][start:end] == coding_.quote
    back = read_qdpx(path, project.codebook)
    assert back.comments == comments
    fields = ["comment_id", "remedy", "effect", "coder", "status", "start", "end", "quote"]
    assert sorted(tuple(getattr(c, f) for f in fields) for c in back.codings) == sorted(
        tuple(getattr(c, f) for f in fields) for c in codings
    )
    assert back.reviewed == {"alice": {c.comment_id for c in confirmed}}
    project.close()


def test_guid_is_uuid5_and_text_is_made_xml_safe(tmp_path: Path):
    import uuid

    from remedycoder.exporters.qdpx import GUID_NAMESPACE

    for key in ("c1", "ünïcode 🙂", ""):
        assert guid("comment", key) == str(uuid.uuid5(GUID_NAMESPACE, f"comment:{key}"))
    nasty = Comment(id="bad\x00id\x1b", text="a\x07b\ud800c magnesium", author="x\x0by")
    path = tmp_path / "nasty.qdpx"
    write_qdpx(path, [nasty], [], CODEBOOK)
    root = qde(path)
    assert schema("Project.xsd").validate(root)
    assert root.find("q:Sources/q:TextSource", NS).get("name") == "badid"


_text = st.lists(
    st.sampled_from(list("ab \r\n\t\u00e9\u4e2d") + ["\U0001f642", "\U00010348", "\r\n"]),
    min_size=1,
    max_size=30,
).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_text, data=st.data())
def test_any_text_and_span_round_trips(tmp_path: Path, text: str, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    comment = Comment(id="x", text=text)
    coding_ = Coding(
        comment_id="x",
        remedy="tea",
        effect="helped",
        coder="alice",
        status="confirmed",
        start=start,
        end=end,
        quote=text[start:end],
    )
    path = tmp_path / "h.qdpx"
    write_qdpx(path, [comment], [coding_], CODEBOOK)
    assert schema("Project.xsd").validate(qde(path))
    lf = text.replace("\r\n", "\n").replace("\r", "\n")
    back = read_qdpx(path, CODEBOOK)
    assert back.comments[0].text == lf
    if back.codings[0].start is not None:
        got = back.codings[0]
        assert lf[got.start : got.end] == got.quote
        expected = text[start:end].replace("\r\n", "\n").replace("\r", "\n")
        # a span that starts or ends inside a CRLF loses that half of the line break
        assert got.quote in expected or expected in got.quote


def test_failed_export_keeps_the_previous_file(tmp_path: Path, exported: Path, monkeypatch):
    from remedycoder.exporters import qdpx as qdpx_export

    before = exported.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(qdpx_export, "_write_member", boom)
    with pytest.raises(OSError):
        write_qdpx(exported, COMMENTS, CODINGS, CODEBOOK)
    assert exported.read_bytes() == before
    assert [p.name for p in exported.parent.iterdir()] == [exported.name]


def test_inline_text_other_sources_and_bad_positions_are_handled(tmp_path: Path):
    qde_text = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="inline">
  <CodeBook><Codes>
    <Code guid="BBBBBBBB-0000-0000-0000-000000000001" name="Magnesium" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="CCCCCCCC-0000-0000-0000-000000000001" name="memo">
      <PlainTextContent>Magnesium, twice.</PlainTextContent>
      <PlainTextSelection guid="DDDDDDDD-0000-0000-0000-000000000001" startPosition="0"
                          endPosition="9">
        <Coding guid="EEEEEEEE-0000-0000-0000-000000000001">
          <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="DDDDDDDD-0000-0000-0000-000000000002" startPosition="5"
                          endPosition="99">
        <Coding guid="EEEEEEEE-0000-0000-0000-000000000002">
          <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="CCCCCCCC-0000-0000-0000-000000000002" name="photo"/>
  </Sources>
</Project>
"""
    path = make_zip(tmp_path / "inline.qdpx", {"project.qde": qde_text.encode()})
    result = read_qdpx(path, CODEBOOK)
    assert [(c.id, c.text) for c in result.comments] == [("memo", "Magnesium, twice.")]
    assert [(c.remedy, c.effect, c.coder, c.quote) for c in result.codings] == [
        ("magnesium", "not_stated", "imported", "Magnesium")
    ]
    assert len(result.warnings) == 2
    assert "positions 5-99 are outside the text (17 characters); skipped" in result.warnings[0]
    assert "1 non-text source(s) (PictureSource) skipped" in result.warnings[1]
