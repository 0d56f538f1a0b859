"""Bad corpus files, as (file name, bytes, extra CLI options)."""

from __future__ import annotations

import json


def _jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


GOOD = _jsonl({"id": "g1", "text": "Magnesium helped."}, {"id": "g2", "text": "Coffee did not."})


def _xlsx_bomb() -> bytes:
    """A valid workbook whose sheet unpacks to 20 MB from about 20 KB."""
    import io
    import zipfile

    from openpyxl import Workbook

    plain = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["id", "text"])
    workbook.save(plain)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<sheetData>", b"<!--" + b"x" * 20_000_000 + b"-->" + b"<sheetData>"
                )
            archive.writestr(info.filename, data)
    return bomb.getvalue()


CASES: dict[str, tuple[str, bytes, tuple[str, ...]]] = {
    "xlsx_zip_bomb": ("comments.xlsx", _xlsx_bomb(), ()),
    "binary": ("upload.jsonl", bytes(range(256)) * 40, ()),
    "binary_without_nul": ("upload.jsonl", GOOD + b"\x81\x8d\x8f\x90\x9d\n", ()),
    "utf16": ("excel.csv", "id,text\n1,Magnesium helped\n".encode("utf-16"), ()),
    "nul_in_csv": ("comments.csv", b"id,text\n1,fine\n2,bro\x00ken\n", ()),
    "truncated_jsonl": ("comments.jsonl", GOOD + b'{"id": "g3", "text": "Magnes', ()),
    "jsonl_not_object": ("comments.jsonl", GOOD + b'["g3", "a list"]\n', ()),
    "jsonl_without_id": ("comments.jsonl", GOOD + b'{"text": "no id"}\n', ()),
    "jsonl_text_not_string": ("comments.jsonl", GOOD + b'{"id": "g3", "text": 42}\n', ()),
    "jsonl_bad_date": (
        "comments.jsonl",
        GOOD + b'{"id": "g3", "text": "x", "posted_at": "last Tuesday"}\n',
        (),
    ),
    "duplicate_ids": (
        "comments.jsonl",
        GOOD + _jsonl({"id": "g1", "text": "Something else entirely."}),
        (),
    ),
    "csv_duplicate_ids": ("comments.csv", b"id,text\n1,Magnesium helped\n\n1,Coffee did not\n", ()),
    "csv_without_text_column": ("comments.csv", b"id,body_text\n1,Magnesium helped\n", ()),
    "csv_text_col_missing": (
        "comments.csv",
        b"id,text\n1,Magnesium helped\n",
        ("--text-col", "Body"),
    ),
    "csv_bad_quote": ("comments.csv", b'id,text\n1,"fine"\n2,"broken "quote" here\n', ()),
    "csv_too_many_fields": ("comments.csv", b"id,text\n1,fine\n2,a,b,c\n", ()),
    "csv_empty": ("comments.csv", b"", ()),
    "xlsx_not_a_workbook": ("comments.xlsx", b"id,text\n1,renamed csv\n", ()),
    "unknown_suffix": ("comments.docx", b"PK\x03\x04 not really", ()),
}
