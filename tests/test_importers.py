"""Importers: the bundled thread, JSONL, CSV and XLSX, encodings, column options, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from remedycoder.errors import ImportFormatError
from remedycoder.importers import open_corpus
from remedycoder.importers.jsonl import read_jsonl
from remedycoder.importers.tabular import Columns, read_csv, read_xlsx
from remedycoder.importers.thread import read_thread

THREAD = Path(__file__).parents[1] / "corpus" / "rls-orgasm-thread-2011.txt"


# -- the bundled blog thread ------------------------------------------------------------------


@pytest.fixture(scope="module")
def thread():
    return read_thread(THREAD)


def test_thread_has_35_comments_with_stable_ids(thread):
    assert len(thread.comments) == 35
    assert thread.comments[0].id == "rls-orgasm-thread-2011:1"
    assert thread.comments[0].author == "Dennis"
    assert len({c.id for c in thread.comments}) == 35


def test_a_reply_points_at_its_parent(thread):
    by_author = {c.author: c for c in thread.comments}
    assert by_author["Fiona"].parent_id == by_author["Sam"].id
    assert by_author["Fiona"].text.startswith("Try methodone… It’s wonderful and no more rls.")
    assert by_author["Sam"].parent_id is None


def test_multi_paragraph_bodies_are_kept(thread):
    carrot = next(c for c in thread.comments if c.author == "the carrot")
    paragraphs = carrot.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[1].startswith("However, I have found")
    assert paragraphs[2] == "great article this."
    assert carrot.author_url == "http://lifeasacarrot.blogspot.com"


def test_empty_bullets_are_reported_by_line(thread):
    path = str(THREAD)
    assert thread.warnings == [
        f"{path}:158: comment by Ria has no text; not imported.",
        f"{path}:199: comment by Yhan has no text; not imported.",
        f"{path}:221: comment by felicja has no text; not imported.",
    ]


def test_article_metadata(thread):
    meta = thread.source.metadata
    assert meta["title"] == "A New, Effective Treatment for Restless Leg Syndrome: Orgasm"
    assert meta["byline"] == "Patrick Morgan"
    assert meta["date"] == "2011-04-02T16:03:00"
    assert meta["article"].startswith("Spasms. Burning sensations.")


def test_text_without_bullets_warns_that_nothing_was_found(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes\n\nabout magnesium.\n", encoding="utf-8")
    result = read_thread(path)
    assert result.comments == []
    assert result.warnings == [
        f"{path}: no comments found: a thread file has one bullet line (• Author) per comment. "
        "For a table or JSON lines use --format csv or jsonl."
    ]


# -- JSONL ------------------------------------------------------------------------------------


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_jsonl_fields_and_attributes(tmp_path):
    path = write_jsonl(
        tmp_path / "c.jsonl",
        {
            "id": 7,
            "text": "Magnesium helped.",
            "author": "Ann",
            "posted_at": "2011-04-02T16:03:00",
            "parent_id": "6",
            "age": 54,
            "forum": "rls",
            "tags": ["a", "b"],
        },
    )
    (comment,) = read_jsonl(path, [])
    assert comment.id == "7"
    assert (comment.author, comment.parent_id, comment.source) == ("Ann", "6", "c.jsonl")
    assert comment.posted_at.isoformat() == "2011-04-02T16:03:00"
    assert comment.attributes == {"age": 54, "forum": "rls", "tags": '["a", "b"]'}


def test_jsonl_blank_lines_and_crlf_are_fine(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "1", "text": "one"}\r\n\r\n{"id": "2", "text": "two\\r\\n"}\r\n')
    assert [(c.id, c.text) for c in read_jsonl(path, [])] == [("1", "one"), ("2", "two\r\n")]


def test_jsonl_bad_line_is_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "1", "text": "ok"}\n{"id": "2", "text": ok}\n', encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        list(read_jsonl(path, []))
    assert caught.value.message == f"{path}:2: not valid JSON (Expecting value at column 21)."


def test_jsonl_unpaired_surrogate_is_refused_by_line(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", {"id": "1", "text": "ok"}, {"id": "2", "text": "x"})
    path.write_text(path.read_text().replace('"x"', '"half \\ud83d"'), encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        list(read_jsonl(path, []))
    assert caught.value.message == (
        f"{path}:2: a \\u escape encodes half a character (an unpaired UTF-16 surrogate)."
    )


def test_jsonl_raw_line_separator_inside_a_string_is_not_a_line_break(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"id": "1", "text": "a\u2028b\x85c"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert [c.text for c in read_jsonl(path, [])] == ["a\u2028b\x85c"]


# -- CSV and XLSX -----------------------------------------------------------------------------

CSV_TEXT = 'id,comment,who\n1,Café helped – “really”,Ann\n2,"Two\nlines, quoted",Bo\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "c.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    warnings: list[str] = []
    comments = list(read_csv(path, Columns(), warnings))
    assert [(c.id, c.text) for c in comments] == [
        ("1", "Café helped – “really”"),
        ("2", "Two\nlines, quoted"),
    ]
    assert comments[0].attributes == {"who": "Ann"}
    if encoding == "cp1252":
        assert warnings == [
            f"{path}: not valid UTF-8 (line 2); read those lines as Windows-1252 (cp1252). "
            "Check accented letters and curly quotes in the imported text."
        ]
    else:
        assert warnings == []


def test_csv_text_col_and_id_col(tmp_path):
    path = tmp_path / "forum.csv"
    path.write_text("post_id;body;text\nA1;Magnesium helped;ignored\n", encoding="utf-8")
    (comment,) = read_csv(path, Columns(text="body", id="post_id"), [])
    assert (comment.id, comment.text) == ("A1", "Magnesium helped")
    assert comment.attributes == {"text": "ignored"}


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("id,text", ","),
        ("id;text", ";"),
        ("id\ttext", "\t"),
        ("id|text", "|"),
        ('"name, first";text', ";"),
    ],
)
def test_csv_delimiter_comes_from_the_header(tmp_path, header, delimiter):
    """Texts full of other delimiters do not fool it."""
    path = tmp_path / "c.csv"
    body, cell = ('"a";"b"', '"""a"";""b"""') if delimiter == "," else ("a,b", '"a,b"')
    path.write_text(f"{header}\n1{delimiter}{cell}\n", encoding="utf-8")
    (comment,) = read_csv(path, Columns(text="text"), [])
    assert comment.text == body


def test_csv_rows_without_an_id_get_one_from_the_line(tmp_path):
    path = tmp_path / "forum.tsv"
    path.write_text("body\tauthor\nMagnesium helped\tAnn\n\t\nIron did not\tBo\n", "utf-8")
    warnings: list[str] = []
    comments = list(read_csv(path, Columns(text="body"), warnings))
    assert [(c.id, c.author) for c in comments] == [("forum:2", "Ann"), ("forum:4", "Bo")]
    assert warnings == []  # a fully blank row is skipped silently


def test_csv_empty_text_is_reported_by_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,text\n1,ok\n2,  \n", encoding="utf-8")
    warnings: list[str] = []
    assert len(list(read_csv(path, Columns(), warnings))) == 1
    assert warnings == [f"{path}:3: empty text; row not imported."]


def test_csv_bad_date_is_named_by_line_and_field(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,text,date\n1,ok,2011-04-02\n2,ok,someday\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        list(read_csv(path, Columns(), []))
    assert caught.value.message == (
        f"{path}:3: field posted_at: `someday` is not a date remedycoder can read."
    )


def test_csv_unknown_text_col_lists_the_columns(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,body\n1,ok\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        list(read_csv(path, Columns(text="Body"), []))
    assert caught.value.message == f"{path}: no column `Body` for --text-col (columns: id, body)."


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_rows_columns_and_types(tmp_path):
    from datetime import datetime

    path = write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["Post", "Body", "Age", "When"],
            ["p1", "Magnesium helped", 54, datetime(2011, 4, 2, 16, 3)],
            [None, None, None, None],
            ["p2", "  ", 30, None],
        ],
    )
    warnings: list[str] = []
    comments = list(read_xlsx(path, Columns(text="Body", id="Post", date="When"), warnings))
    assert [(c.id, c.text) for c in comments] == [("p1", "Magnesium helped")]
    assert comments[0].posted_at == datetime(2011, 4, 2, 16, 3)
    assert comments[0].attributes == {"Age": 54}
    assert warnings == [f"{path}: row 4: empty text; row not imported."]


def test_xlsx_unknown_sheet(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["id", "text"], ["1", "ok"]])
    with pytest.raises(ImportFormatError) as caught:
        list(read_xlsx(path, Columns(), [], sheet="Comments"))
    assert caught.value.message == f"{path}: no sheet named `Comments` (sheets: Sheet)."


def test_format_is_guessed_from_the_suffix(tmp_path):
    path = write_jsonl(tmp_path / "c.ndjson", {"id": "1", "text": "ok"})
    assert open_corpus(path, None, Columns()).format == "jsonl"
