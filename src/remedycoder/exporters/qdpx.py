"""REFI-QDA exchange: a `.qdpx` project (codebook, comments, codings) or a `.qdc` codebook.

Layout of a `.qdpx` (a zip): `project.qde` (QDA-XML, `urn:QDA-XML:project:1.0`) and one
`sources/<guid>.txt` per comment (UTF-8, LF line ends). Remedy codes keep their tree; effect
codes sit under a non-codable "Effects" code. A coding with evidence becomes a
PlainTextSelection carrying two Coding elements (remedy, effect); a coding without evidence
becomes the same pair of Codings on the source itself. Comment fields and attributes are
variables on the source; coders are Users; coding notes are Notes.

GUIDs are stable across exports: uuid5 of the record ids, and a coding whose id is already a
UUID keeps it as its selection's GUID (so an import gets the same coding id back). Positions
are code points into the LF text (CRLF in a comment is written as LF and positions shifted).
The output is deterministic: the same data gives the same bytes.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from remedycoder import __version__
from remedycoder.exporters.atomic import atomic_path
from remedycoder.models import AttributeValue, Codebook, Coding, Comment

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6f1c1e2a-5d0b-5c55-9a57-72656d656479")
"""Namespace for uuid5 GUIDs; changing it would change every GUID ever exported."""
_NS_BYTES = GUID_NAMESPACE.bytes
EFFECTS_GROUP = "Effects"
COMMENT_FIELDS = ("author", "author_url", "posted_at", "parent_id", "source", "url")
"""Comment fields written as variables (besides the attributes); the id is the source name."""
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CRLF = re.compile("\r\n")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_RGB = "0123456789abcdefABCDEF"


def guid(kind: str, key: str) -> str:
    """The stable GUID of a record: `kind` is remedy, effect, comment, user, note, ...

    Equal to `str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))`, computed without building
    UUID objects (an export makes several per coding).
    """
    digest = bytearray(hashlib.sha1(_NS_BYTES + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def coding_guid(coding_id: str) -> str:
    """A coding's own GUID: its id when that is a UUID, else a uuid5 of it."""
    try:
        return str(uuid.UUID(coding_id))
    except ValueError:
        return guid("coding", coding_id)


# --- entry points ------------------------------------------------------------------------------


def write_qdpx(
    path: Path,
    comments: Iterable[Comment],
    codings: Iterable[Coding],
    codebook: Codebook,
    *,
    name: str | None = None,
) -> None:
    """Write a REFI-QDA project; rejected codings are left out (QDA-XML has no status)."""
    comments = list(comments)
    codings = [c for c in codings if c.status != "rejected"]
    texts = {c.id: LfText(c.text) for c in comments}
    root = project_element(comments, codings, codebook, texts, name or codebook.name)
    members = {f"sources/{guid('comment', c.id)}.txt": texts[c.id].text for c in comments}
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_member(archive, "project.qde", _xml_bytes(root))
        for member, text in members.items():
            _write_member(archive, member, text.encode("utf-8", "replace"))


def write_qdc(path: Path, codebook: Codebook) -> None:
    """Write the codebook alone as a REFI-QDA `.qdc` file (`urn:QDA-XML:codebook:1.0`)."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", f"remedycoder {__version__}")
    _codes_element(root, CODEBOOK_NS, codebook, extra_remedies=(), with_description=True)
    with atomic_path(path) as tmp:
        tmp.write_bytes(_xml_bytes(root))


# --- text with LF line ends --------------------------------------------------------------------


class LfText:
    """A comment's text with CRLF and CR written as LF, and old positions mapped to new ones."""

    def __init__(self, text: str) -> None:
        self._crlf = [m.start() for m in _CRLF.finditer(text)] if "\r" in text else []
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")

    def position(self, old: int) -> int:
        """Where code point `old` of the original text is in the LF text."""
        return old - bisect.bisect_left(self._crlf, old)


# --- the project document ----------------------------------------------------------------------


def project_element(
    comments: Sequence[Comment],
    codings: Sequence[Coding],
    codebook: Codebook,
    texts: dict[str, LfText],
    name: str,
) -> etree._Element:
    """The `project.qde` root, children in schema order, empty containers left out."""
    root = etree.Element(_p("Project"), nsmap={None: PROJECT_NS})
    root.set("name", _xml_safe(name))
    root.set("origin", f"remedycoder {__version__}")
    coders = sorted({c.coder for c in codings})
    if coders:
        users = etree.SubElement(root, _p("Users"))
        for coder in coders:
            etree.SubElement(users, _p("User"), guid=guid("user", coder), name=_xml_safe(coder))
    extra = sorted({c.remedy for c in codings} - {r.id for r in codebook.remedies})
    extra_effects = sorted({c.effect for c in codings} - {e.id for e in codebook.effects})
    if codebook.remedies or codebook.effects or extra or extra_effects:
        book = etree.SubElement(root, _p("CodeBook"))
        _codes_element(book, PROJECT_NS, codebook, extra, True, extra_effects)
    variables = _variables(comments)
    if variables:
        _variables_element(root, variables)
    if comments:
        _sources_element(root, comments, codings, texts, variables)
    noted = [c for c in codings if c.note]
    if noted:
        _notes_element(root, noted)
    return root


def _p(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def _codes_element(
    parent: etree._Element,
    ns: str,
    codebook: Codebook,
    extra_remedies: Sequence[str],
    with_description: bool,
    extra_effects: Sequence[str] = (),
) -> None:
    codes = etree.SubElement(parent, f"{{{ns}}}Codes")
    known = {r.id for r in codebook.remedies}
    roots = [r for r in codebook.remedies if r.parent is None or r.parent not in known]
    for remedy in roots:
        _remedy_code(codes, ns, codebook, remedy.id, with_description)
    for remedy_id in extra_remedies:
        _code(codes, ns, guid("remedy", remedy_id), remedy_id, True)
    if codebook.effects or extra_effects:
        group = _code(codes, ns, guid("group", EFFECTS_GROUP), EFFECTS_GROUP, False)
        for effect in codebook.effects:
            code = _code(group, ns, guid("effect", effect.id), effect.label or effect.id, True)
            _describe(code, ns, effect.definition, effect.color)
        for effect_id in extra_effects:
            _code(group, ns, guid("effect", effect_id), effect_id, True)
    if not len(codes):
        parent.remove(codes)


def _remedy_code(parent, ns: str, codebook: Codebook, remedy_id: str, describe: bool) -> None:
    remedy = codebook.remedy(remedy_id)
    code = _code(parent, ns, guid("remedy", remedy.id), remedy.label or remedy.id, remedy.codable)
    if describe:
        _describe(code, ns, remedy.definition, remedy.color)
    for child in codebook.children(remedy.id):
        _remedy_code(code, ns, codebook, child.id, describe)


def _code(parent, ns: str, code_guid: str, name: str, codable: bool) -> etree._Element:
    return etree.SubElement(
        parent,
        f"{{{ns}}}Code",
        guid=code_guid,
        name=_xml_safe(name),
        isCodable=str(codable).lower(),
    )


def _describe(code: etree._Element, ns: str, definition: str, color: str | None) -> None:
    if definition:
        etree.SubElement(code, f"{{{ns}}}Description").text = _xml_safe(definition)
    if color and _is_rgb(color):
        code.set("color", color)


def _is_rgb(color: str) -> bool:
    digits = color[1:]
    return color.startswith("#") and len(digits) in (3, 6) and all(c in _RGB for c in digits)


# --- variables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    name: str
    key: str  # the comment field, or "attributes.<key>"
    type: str  # Text, Boolean, Integer, Float, DateTime

    @property
    def guid(self) -> str:
        return guid("variable", self.name)


def _variables(comments: Sequence[Comment]) -> list[Variable]:
    out = []
    for field_name in COMMENT_FIELDS:
        values = [getattr(c, field_name) for c in comments]
        if any(v is not None for v in values):
            out.append(Variable(field_name, field_name, _type_of(values)))
    keys = sorted({k for c in comments for k in c.attributes})
    for key in keys:
        name = f"attributes.{key}" if key in COMMENT_FIELDS else key
        values = [c.attributes.get(key) for c in comments]
        if any(v is not None for v in values):
            out.append(Variable(name, f"attributes.{key}", _type_of(values)))
    return out


def _type_of(values: Sequence[object]) -> str:
    present = [v for v in values if v is not None]
    if all(isinstance(v, datetime) for v in present):
        return "DateTime"
    if all(isinstance(v, bool) for v in present):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "Integer"
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)
    if numbers and all(math.isfinite(v) for v in present):
        return "Float"
    return "Text"


def _variables_element(root: etree._Element, variables: Sequence[Variable]) -> None:
    container = etree.SubElement(root, _p("Variables"))
    for var in variables:
        etree.SubElement(
            container, _p("Variable"), guid=var.guid, name=var.name, typeOfVariable=var.type
        )


def _value_of(comment: Comment, var: Variable) -> AttributeValue | datetime:
    if var.key.startswith("attributes."):
        return comment.attributes.get(var.key.removeprefix("attributes."))
    return getattr(comment, var.key)


def _variable_value(parent: etree._Element, var: Variable, value: object) -> None:
    holder = etree.SubElement(parent, _p("VariableValue"))
    etree.SubElement(holder, _p("VariableRef"), targetGUID=var.guid)
    tag, text = _typed_text(var.type, value)
    etree.SubElement(holder, _p(tag)).text = text


def _typed_text(kind: str, value: object) -> tuple[str, str]:
    if kind == "DateTime":
        return "DateTimeValue", value.isoformat()  # type: ignore[union-attr]
    if kind == "Boolean":
        return "BooleanValue", str(value).lower()
    if kind == "Integer":
        return "IntegerValue", str(value)
    if kind == "Float":
        return "FloatValue", format(Decimal(repr(float(value))), "f")  # type: ignore[arg-type]
    if isinstance(value, datetime | date):
        return "TextValue", value.isoformat()
    return "TextValue", _xml_safe(str(value))


# --- sources, selections, codings, notes -------------------------------------------------------


def _sources_element(
    root: etree._Element,
    comments: Sequence[Comment],
    codings: Sequence[Coding],
    texts: dict[str, LfText],
    variables: Sequence[Variable],
) -> None:
    by_comment: dict[str, list[Coding]] = {}
    for coding in codings:
        by_comment.setdefault(coding.comment_id, []).append(coding)
    sources = etree.SubElement(root, _p("Sources"))
    for comment in comments:
        source_guid = guid("comment", comment.id)
        source = etree.SubElement(
            sources,
            _p("TextSource"),
            guid=source_guid,
            name=_xml_safe(comment.id),
            plainTextPath=f"internal://{source_guid}.txt",
        )
        _source_body(source, comment, by_comment.get(comment.id, []), texts[comment.id], variables)


def _source_body(
    source: etree._Element,
    comment: Comment,
    codings: Sequence[Coding],
    text: LfText,
    variables: Sequence[Variable],
) -> None:
    spanned = [c for c in codings if _span(c, text) is not None]
    whole = [c for c in codings if _span(c, text) is None]
    for coding in spanned:
        _selection(source, coding, *_span(coding, text), text.text)
    for coding in whole:
        _coding_pair(source, coding, own_guid=True)
    for var in variables:
        value = _value_of(comment, var)
        if value is not None:
            _variable_value(source, var, value)


def _span(coding: Coding, text: LfText) -> tuple[int, int] | None:
    """The coding's evidence in the LF text, or None when it has none (or it is out of range)."""
    if coding.start is None or coding.end is None or coding.end <= coding.start:
        return None
    start, end = text.position(coding.start), text.position(coding.end)
    if end > len(text.text):
        return None
    return start, end


def _selection(source, coding: Coding, start: int, end: int, text: str) -> None:
    quote = text[start:end]
    selection = etree.SubElement(
        source,
        _p("PlainTextSelection"),
        guid=coding_guid(coding.id),
        name=_xml_safe(_short(quote)),
        startPosition=str(start),
        endPosition=str(end),
        creatingUser=guid("user", coding.coder),
        creationDateTime=_when(coding.created_at),
    )
    _coding_pair(selection, coding, own_guid=False)
    if coding.note:
        etree.SubElement(selection, _p("NoteRef"), targetGUID=guid("note", coding.id))


def _coding_pair(parent, coding: Coding, *, own_guid: bool) -> None:
    """The remedy and effect Coding elements; on a source (no selection) the remedy Coding
    carries the coding's own GUID and its note."""
    user, when = guid("user", coding.coder), _when(coding.created_at)
    remedy_guid = coding_guid(coding.id) if own_guid else guid("coding-remedy", coding.id)
    remedy = etree.SubElement(
        parent, _p("Coding"), guid=remedy_guid, creatingUser=user, creationDateTime=when
    )
    etree.SubElement(remedy, _p("CodeRef"), targetGUID=guid("remedy", coding.remedy))
    if own_guid and coding.note:
        etree.SubElement(remedy, _p("NoteRef"), targetGUID=guid("note", coding.id))
    effect = etree.SubElement(
        parent,
        _p("Coding"),
        guid=guid("coding-effect", coding.id),
        creatingUser=user,
        creationDateTime=when,
    )
    etree.SubElement(effect, _p("CodeRef"), targetGUID=guid("effect", coding.effect))


def _notes_element(root: etree._Element, codings: Sequence[Coding]) -> None:
    notes = etree.SubElement(root, _p("Notes"))
    for coding in codings:
        note = etree.SubElement(
            notes,
            _p("Note"),
            guid=guid("note", coding.id),
            name=_xml_safe(f"{coding.remedy} ({coding.coder})"),
            creatingUser=guid("user", coding.coder),
            creationDateTime=_when(coding.created_at),
        )
        etree.SubElement(note, _p("PlainTextContent")).text = _xml_safe(coding.note)


# --- small helpers -----------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return moment.isoformat()


def _short(quote: str, limit: int = 80) -> str:
    flat = " ".join(quote.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/F)."""
    return _NOT_XML.sub("", text)


def _xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _write_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
