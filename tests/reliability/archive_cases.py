"""Hostile .qdpx archives, built in memory."""

from __future__ import annotations

import io
import zipfile

QDE = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="t" '
    'origin="test"><Sources/></Project>\n'
)
XML_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE Project [\n<!ENTITY a "lollollollollollollollol">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
    + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&i;"><Sources/></Project>\n'
)


def _zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


CASES: dict[str, bytes] = {
    "path_traversal": _zip(("project.qde", QDE.encode()), ("../../evil.txt", b"owned")),
    "absolute_path": _zip(("project.qde", QDE.encode()), ("/tmp/evil.txt", b"owned")),
    "windows_absolute_path": _zip(("project.qde", QDE.encode()), ("C:/evil.txt", b"owned")),
    "zip_bomb": _zip(("project.qde", QDE.encode()), ("Sources/bomb.txt", bytes(20_000_000))),
    "missing_project_qde": _zip(("Sources/a.txt", b"Magnesium helped.")),
    "not_a_zip": b"<Project/> this is not a zip archive",
    "xml_entity_bomb": _zip(("project.qde", XML_BOMB.encode())),
    "broken_xml": _zip(("project.qde", b"<Project><Sources></Project>")),
}
