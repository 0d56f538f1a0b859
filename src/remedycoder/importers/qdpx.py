"""Read a REFI-QDA `.qdpx` project: text sources become comments, selections become codings.

Codes map to the codebook by GUID (our own exports), then by name = id or label (case
ignored); codes that match nothing are listed in `unknown_codes`, never guessed, and their
codings are left out. Codings belong to the file's users and are `confirmed` (those of the
`auto` user, which our exports use for suggestions, stay `suggested`).

The archive is untrusted: member paths with `..` or absolute paths, a total size over
`MAX_TOTAL_BYTES`, a compression ratio over `MAX_RATIO`, or a missing `project.qde` are refused
with an ImportFormatError naming the file and the member, before anything is decompressed.
The XML is parsed without DTDs, entities or network access.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from lxml import etree

from remedycoder.errors import ImportFormatError
from remedycoder.exporters.qdpx import COMMENT_FIELDS, PROJECT_NS, guid
from remedycoder.models import AUTO_CODER, AttributeValue, Codebook, Coding, Comment, Source

MAX_TOTAL_BYTES = 1 << 30
"""Refuse archives that would decompress to more than this (1 GiB)."""
MAX_MEMBER_BYTES = 256 << 20
MAX_RATIO = 200
"""Refuse a member that decompresses to more than this many times its stored size..."""
RATIO_FLOOR = 1 << 20
"""...once it is larger than this (small, repetitive members compress well legitimately)."""
MAX_MEMBERS = 200_000
_NS = {"q": PROJECT_NS}


@dataclass
class QdpxImport:
    """What a `.qdpx` holds, mapped onto the project's codebook."""

    source: Source
    comments: list[Comment]
    codings: list[Coding]
    unknown_codes: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def reviewed(self) -> dict[str, set[str]]:
        """The comments each user counts as having reviewed (to store as their reviews).

        QDA-XML records no reviews, so, as for `import-codings`, every user with codings
        counts as having reviewed every comment that anyone coded in the file (the usual
        double-coding design: all coders code the same sample).
        """
        human = [c for c in self.codings if c.status != "suggested"]
        coded = {c.comment_id for c in human}
        return {coder: set(coded) for coder in sorted({c.coder for c in human})}


def read_qdpx(path: Path, codebook: Codebook) -> QdpxImport:
    """Read and map a `.qdpx`; raise ImportFormatError for an unsafe or unreadable archive."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ImportFormatError(
            f"{path}: not a readable REFI-QDA project (.qdpx is a zip archive): {exc}.",
            "Export the project again from the program that made it.",
        ) from None
    with archive:
        members = _checked_members(path, archive)
        qde = _find_member(members, "project.qde")
        if qde is None:
            raise ImportFormatError(
                f"{path}: member `project.qde` is missing, so this is not a REFI-QDA project.",
                "Export a .qdpx project (not a .qdc codebook or a plain zip) and import that.",
            )
        root = _parse_xml(path, qde.filename, _read(path, archive, qde))
        return _Reader(path, archive, members, codebook).read(root)


# --- archive safety ----------------------------------------------------------------------------


def _checked_members(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Every member, keyed by its normalized lower-case name, after the safety checks."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ImportFormatError(f"{path}: {len(infos):,} members; at most {MAX_MEMBERS:,}.")
    total = 0
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = _safe_name(path, info.filename)
        _check_size(path, info)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ImportFormatError(
                f"{path}: member `{info.filename}`: the archive would decompress to more than "
                f"{MAX_TOTAL_BYTES:,} bytes; refused as a possible zip bomb.",
                "Import a project of a sensible size, or split it.",
            )
        members[name.lower()] = info
    return members


def _safe_name(path: Path, name: str) -> str:
    clean = name.replace("\\", "/")
    parts = PurePosixPath(clean).parts
    absolute = clean.startswith("/") or re.match(r"^[A-Za-z]:", clean) is not None
    if absolute or ".." in parts or "\x00" in clean:
        raise ImportFormatError(
            f"{path}: member `{name}` has an unsafe path (absolute, or climbing out with `..`); "
            "the archive is refused.",
            "Only import .qdpx files from programs and people you trust.",
        )
    return "/".join(p for p in parts if p not in ("", "."))


def _check_size(path: Path, info: zipfile.ZipInfo) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > MAX_MEMBER_BYTES or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
        raise ImportFormatError(
            f"{path}: member `{info.filename}` would decompress to {info.file_size:,} bytes "
            f"({ratio:,.0f} times its stored size); refused as a possible zip bomb.",
            "Import a project of a sensible size, or check where the file came from.",
        )


def _find_member(members: dict[str, zipfile.ZipInfo], name: str) -> zipfile.ZipInfo | None:
    return members.get(name.lower())


def _read(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, reading no more than its declared size (headers can lie)."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError) as exc:
        raise ImportFormatError(
            f"{path}: member `{info.filename}` cannot be read: {exc}."
        ) from None
    if len(data) > info.file_size:
        raise ImportFormatError(
            f"{path}: member `{info.filename}` is larger than its header says; refused."
        )
    return data


def _parse_xml(path: Path, member: str, data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportFormatError(
            f"{path}: member `{member}` line {exc.lineno}: not valid XML ({exc.msg}).",
            "Export the project again from the program that made it.",
        ) from None
    if root.tag != f"{{{PROJECT_NS}}}Project":
        raise ImportFormatError(
            f"{path}: member `{member}`: the root element is `{etree.QName(root).localname}`, "
            "not a QDA-XML 1.0 `Project`.",
            "Import a REFI-QDA 1.0 project export.",
        )
    return root


# --- mapping the document ----------------------------------------------------------------------


@dataclass
class _Code:
    name: str
    remedy: str | None = None
    effect: str | None = None


class _Reader:
    """Walks one project document; collects comments, codings, unknown codes and warnings."""

    def __init__(self, path: Path, archive, members, codebook: Codebook) -> None:
        self.path, self.archive, self.members, self.codebook = path, archive, members, codebook
        self.users: dict[str, str] = {}
        self.codes: dict[str, _Code] = {}
        self.variables: dict[str, tuple[str, str]] = {}
        self.notes: dict[str, str] = {}
        self.unknown: dict[str, None] = {}
        self.warnings: list[str] = []
        self.default_user = "imported"
        self.comment_ids: set[str] = set()

    def read(self, root: etree._Element) -> QdpxImport:
        self._read_users(root)
        self._read_codes(root)
        self._read_variables(root)
        self._read_notes(root)
        comments: list[Comment] = []
        codings: list[Coding] = []
        for source in root.iterfind("q:Sources/q:TextSource", _NS):
            comment = self._comment(source)
            if comment is not None:
                comments.append(comment)
                codings.extend(self._codings(source, comment))
        self._warn_other_sources(root)
        name = root.get("name") or self.path.stem
        return QdpxImport(
            source=Source(name=name, path=str(self.path), metadata={"origin": root.get("origin")}),
            comments=comments,
            codings=codings,
            unknown_codes=list(self.unknown),
            users=sorted(set(self.users.values())),
            warnings=self.warnings,
        )

    # users, codes, variables, notes

    def _read_users(self, root) -> None:
        for user in root.iterfind("q:Users/q:User", _NS):
            key = _norm_guid(user.get("guid"))
            self.users[key] = user.get("name") or user.get("id") or key
        creator = _norm_guid(root.get("creatingUserGUID"))
        if creator in self.users:
            self.default_user = self.users[creator]

    def _read_codes(self, root) -> None:
        for code in root.iterfind("q:CodeBook/q:Codes/q:Code", _NS):
            self._read_code(code, in_effects=False)

    def _read_code(self, element, in_effects: bool) -> None:
        name = element.get("name") or ""
        key = _norm_guid(element.get("guid"))
        codable = element.get("isCodable", "true").strip().lower() in ("true", "1")
        group = not codable and name.strip().casefold() in ("effects", "effect")
        mapped = self._map_code(key, name, in_effects)
        self.codes[key] = mapped
        if codable and mapped.remedy is None and mapped.effect is None:
            self.unknown.setdefault(name)
        for child in element.iterfind("q:Code", _NS):
            self._read_code(child, in_effects or group)

    def _map_code(self, key: str, name: str, in_effects: bool) -> _Code:
        for remedy in self.codebook.remedies:
            if key == guid("remedy", remedy.id):
                return _Code(name, remedy=remedy.id)
        for effect in self.codebook.effects:
            if key == guid("effect", effect.id):
                return _Code(name, effect=effect.id)
        folded = name.strip().casefold()
        effect = next(
            (e.id for e in self.codebook.effects if folded in (e.id, e.label.casefold())), None
        )
        remedy = next(
            (
                r.id
                for r in self.codebook.remedies
                if r.codable and folded in (r.id, r.label.casefold())
            ),
            None,
        )
        if effect and (in_effects or not remedy):
            return _Code(name, effect=effect)
        return _Code(name, remedy=remedy)

    def _read_variables(self, root) -> None:
        for var in root.iterfind("q:Variables/q:Variable", _NS):
            self.variables[_norm_guid(var.get("guid"))] = (
                var.get("name") or "",
                var.get("typeOfVariable") or "Text",
            )

    def _read_notes(self, root) -> None:
        for note in root.iterfind("q:Notes/q:Note", _NS):
            content = note.findtext("q:PlainTextContent", default="", namespaces=_NS)
            self.notes[_norm_guid(note.get("guid"))] = content

    # sources -> comments

    def _comment(self, source) -> Comment | None:
        text = self._source_text(source)
        if text is None:
            return None
        fields: dict[str, object] = {}
        attributes: dict[str, AttributeValue] = {}
        for holder in source.iterfind("q:VariableValue", _NS):
            self._variable(holder, fields, attributes)
        comment_id = (source.get("name") or "").strip() or _norm_guid(source.get("guid"))
        if comment_id in self.comment_ids:
            comment_id = _norm_guid(source.get("guid"))
        self.comment_ids.add(comment_id)
        try:
            return Comment(id=comment_id, text=text, attributes=attributes, **fields)
        except ValueError as exc:
            self.warnings.append(f"{self.path}: source `{comment_id}` skipped: {exc}")
            return None

    def _source_text(self, source) -> str | None:
        inline = source.find("q:PlainTextContent", _NS)
        if inline is not None:
            return _lf(inline.text or "")
        target = source.get("plainTextPath") or ""
        if not target.startswith("internal://"):
            self.warnings.append(
                f"{self.path}: source `{source.get('name')}` has no internal text "
                f"(`{target or 'no plainTextPath'}`); skipped."
            )
            return None
        member = self._source_member(target.removeprefix("internal://"))
        data = _read(self.path, self.archive, member)
        try:
            return _lf(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                f"{self.path}: member `{member.filename}` byte {exc.start}: not UTF-8 text.",
                "REFI-QDA text sources must be UTF-8; export the project again.",
            ) from None

    def _source_member(self, name: str) -> zipfile.ZipInfo:
        safe = _safe_name(self.path, name).lower()
        for candidate in (f"sources/{safe}", safe):
            if candidate in self.members:
                return self.members[candidate]
        raise ImportFormatError(
            f"{self.path}: member `sources/{name}` is missing, but a text source points at it.",
            "Export the project again; the archive is incomplete.",
        )

    def _variable(self, holder, fields: dict[str, object], attributes: dict) -> None:
        ref = holder.find("q:VariableRef", _NS)
        if ref is None or _norm_guid(ref.get("targetGUID")) not in self.variables:
            return
        name, _ = self.variables[_norm_guid(ref.get("targetGUID"))]
        value = _typed_value(holder)
        if name == "posted_at":
            fields[name] = _datetime(value)
        elif name in COMMENT_FIELDS:
            fields[name] = None if value is None else str(value)
        else:
            plain = value.isoformat() if isinstance(value, datetime) else value
            attributes[name.removeprefix("attributes.")] = plain

    # selections -> codings

    def _codings(self, source, comment: Comment) -> list[Coding]:
        out: list[Coding] = []
        for selection in source.iterfind("q:PlainTextSelection", _NS):
            out.extend(self._selection_codings(selection, comment))
        out.extend(self._source_codings(source, comment))
        return out

    def _selection_codings(self, selection, comment: Comment) -> list[Coding]:
        start, end = _int(selection.get("startPosition")), _int(selection.get("endPosition"))
        if start is None or end is None or not 0 <= start <= end <= len(comment.text):
            self.warnings.append(
                f"{self.path}: selection {selection.get('guid')} in `{comment.id}`: positions "
                f"{selection.get('startPosition')}-{selection.get('endPosition')} are outside the "
                f"text ({len(comment.text)} characters); skipped."
            )
            return []
        notes = self._note_texts(selection)
        return self._pairs(
            selection.findall("q:Coding", _NS),
            comment,
            own_guid=_norm_guid(selection.get("guid")),
            fallback_user=selection.get("creatingUser"),
            span=(start, end),
            notes=notes,
        )

    def _source_codings(self, source, comment: Comment) -> list[Coding]:
        elements = source.findall("q:Coding", _NS)
        out: list[Coding] = []
        # our exports write each pair as remedy then effect; pair them in that order
        for remedy_el in elements:
            code = self._code_of(remedy_el)
            if code.remedy is None:
                continue
            i = elements.index(remedy_el)
            partner = elements[i + 1 : i + 2]
            pair = [remedy_el, *[p for p in partner if self._code_of(p).effect]]
            out.extend(
                self._pairs(
                    pair,
                    comment,
                    own_guid=_norm_guid(remedy_el.get("guid")),
                    fallback_user=source.get("creatingUser"),
                    span=None,
                    notes=self._note_texts(remedy_el),
                )
            )
        return out

    def _pairs(self, elements, comment, *, own_guid, fallback_user, span, notes) -> list[Coding]:
        """One coding per (user, remedy) among these Coding elements, with the user's effect."""
        by_user: dict[str, tuple[list[str], list[str], datetime | None]] = {}
        for element in elements:
            code = self._code_of(element)
            user = self._user(element.get("creatingUser") or fallback_user)
            remedies, effects, when = by_user.setdefault(user, ([], [], None))
            if code.remedy:
                remedies.append(code.remedy)
            if code.effect:
                effects.append(code.effect)
            moment = _datetime(element.get("creationDateTime"))
            by_user[user] = (remedies, effects, when or moment)
        single = len(by_user) == 1 and sum(len(r) for r, _, _ in by_user.values()) == 1
        out = []
        for user, (remedies, effects, when) in by_user.items():
            effect = effects[0] if effects else self.codebook.rules.default_effect
            for remedy in remedies:
                coding_id = own_guid if single else guid("imported", f"{own_guid}:{user}:{remedy}")
                out.append(
                    self._coding(coding_id, comment, remedy, effect, user, span, notes, when)
                )
        return out

    def _coding(self, coding_id, comment, remedy, effect, user, span, notes, when) -> Coding:
        start, end = span if span else (None, None)
        extra = {"created_at": when} if when else {}
        return Coding(
            id=coding_id,
            comment_id=comment.id,
            remedy=remedy,
            effect=effect,
            coder=user,
            status="suggested" if user == AUTO_CODER else "confirmed",
            start=start,
            end=end,
            quote=comment.text[start:end] if span else "",
            note="\n\n".join(notes),
            **extra,
        )

    def _code_of(self, coding_element) -> _Code:
        ref = coding_element.find("q:CodeRef", _NS)
        key = _norm_guid(ref.get("targetGUID")) if ref is not None else ""
        return self.codes.get(key, _Code(key))

    def _user(self, user_guid: str | None) -> str:
        if not user_guid:
            return self.default_user
        key = _norm_guid(user_guid)
        return self.users.get(key, key)

    def _note_texts(self, element) -> list[str]:
        refs = element.iterfind("q:NoteRef", _NS)
        return [
            self.notes[k]
            for k in (_norm_guid(r.get("targetGUID")) for r in refs)
            if k in self.notes
        ]

    def _warn_other_sources(self, root) -> None:
        others = [
            el
            for el in root.iterfind("q:Sources/*", _NS)
            if etree.QName(el).localname != "TextSource"
        ]
        if others:
            kinds = sorted({etree.QName(el).localname for el in others})
            self.warnings.append(
                f"{self.path}: {len(others)} non-text source(s) ({', '.join(kinds)}) skipped; "
                "only text sources become comments."
            )


# --- value helpers -----------------------------------------------------------------------------


def _norm_guid(value: str | None) -> str:
    """GUIDs compare lower-case and without braces (real files use both styles)."""
    if not value:
        return ""
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    return value.lower()


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _datetime(value: object) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _number(text: str, kind: type) -> AttributeValue:
    try:
        return kind(text.strip())
    except ValueError:
        return text


def _typed_value(holder) -> AttributeValue | datetime:
    for child in holder:
        tag = etree.QName(child).localname
        text = child.text or ""
        if tag == "TextValue":
            return text
        if tag == "BooleanValue":
            return text.strip().lower() in ("true", "1")
        if tag in ("IntegerValue", "FloatValue"):
            return _number(text, int if tag == "IntegerValue" else float)
        if tag == "DateTimeValue":
            return _datetime(text)
        if tag == "DateValue":
            return text.strip()
    return None
