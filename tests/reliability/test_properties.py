"""Issue 7, property-based: any input either imports valid comments or fails with our own error
(a RemedyError), never anything else; and imported text round-trips exactly, through the store."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from remedycoder.codebook import parse_codebook
from remedycoder.errors import RemedyError
from remedycoder.importers.jsonl import read_jsonl
from remedycoder.importers.tabular import Columns, read_csv, read_xlsx
from remedycoder.importers.thread import BULLETS, read_thread
from remedycoder.models import Codebook, Comment
from remedycoder.store import Store

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
any_text = st.text(st.characters(codec="utf-8"), max_size=200)
"""Any string that can be stored: every code point but the lone surrogates."""


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def import_or_our_error(read, *args) -> list[Comment] | None:
    """Run an importer to the end: its comments, or None when it refused with our error."""
    try:
        return list(read(*args))
    except RemedyError as error:
        assert error.message  # every refusal says something
        return None


def stored_texts(comments: list[Comment]) -> dict[str, str]:
    """What the store gives back after storing these comments."""
    with Store.open(":memory:") as store:
        store.add_comments(comments)
        return {c.id: c.text for c in store.iter_comments()}


# -- arbitrary bytes: comments or our error, never a crash ------------------------------------


@SETTINGS
@given(st.binary(max_size=400))
@example(b'{"id": "1", "text": "a\\ud800b"}\n')
@example(b'{"id": "1", "text": "x"}\n{"id": "1", "text": "y"}\n')
def test_jsonl_any_bytes(data):
    with scratch() as folder:
        path = folder / "c.jsonl"
        path.write_bytes(data)
        comments = import_or_our_error(read_jsonl, path, [])
        if comments:
            with suppress(RemedyError):  # duplicate ids with different text: ConflictError
                stored_texts(comments)


@SETTINGS
@given(st.binary(max_size=400))
@example(b"id,text\n1,\x81\n")
def test_csv_any_bytes(data):
    with scratch() as folder:
        path = folder / "c.csv"
        path.write_bytes(data)
        import_or_our_error(read_csv, path, Columns(), [])


@SETTINGS
@given(st.binary(max_size=400))
def test_xlsx_any_bytes(data):
    with scratch() as folder:
        path = folder / "c.xlsx"
        path.write_bytes(data)
        import_or_our_error(read_xlsx, path, Columns(), [])


@SETTINGS
@given(st.binary(max_size=400) | any_text.map(str.encode))
def test_thread_any_bytes(data):
    with scratch() as folder:
        path = folder / "t.txt"
        path.write_bytes(data)
        try:
            result = read_thread(path)
        except RemedyError:
            return
        assert all(c.text.strip() for c in result.comments)


@SETTINGS
@given(st.binary(max_size=400) | any_text.map(str.encode))
@example(b"remedies: [" + b"[" * 200)
@example(b"a: &x 1\nb: *x\n")
def test_codebook_any_bytes(data):
    try:
        assert isinstance(parse_codebook(data, "c.yaml"), Codebook)
    except RemedyError as error:
        assert error.message.startswith("c.yaml")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "label", "parent", "terms", "x"]) | any_text, inner, max_size=4
        )
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "name": yaml_values,
            "remedies": st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.sampled_from(["a", "b", "c", "Bad Id"]) | any_text,
                        "label": any_text,
                    },
                    optional={
                        "parent": st.sampled_from(["a", "b", "c", "zz"]) | yaml_values,
                        "terms": st.lists(any_text, max_size=3) | yaml_values,
                        "hotkey": st.sampled_from(["a", "k", "kk", ""]) | yaml_values,
                        "codable": st.booleans() | yaml_values,
                    },
                ),
                max_size=4,
            )
            | yaml_values,
            "effects": yaml_values,
            "rules": yaml_values,
        },
    )
)
def test_codebook_any_structure(data):
    """Well-formed YAML of every shape: a valid Codebook or a CodebookError naming the file."""
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    try:
        codebook = parse_codebook(raw, "c.yaml")
    except RemedyError as error:
        assert all(p.startswith("c.yaml") for p in error.problems), error.problems
        return
    ids = [r.id for r in codebook.remedies]
    assert len(ids) == len(set(ids))


# -- round trips: text in == Comment.text out, through the store ------------------------------

ids = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12)
records = st.lists(st.tuples(ids, any_text), min_size=1, max_size=8, unique_by=lambda r: r[0])


@SETTINGS
@given(records, st.booleans())
@example([("1", "a\u2028b\x85c\u2029d")], False)
def test_jsonl_text_round_trips(rows, ensure_ascii):
    with scratch() as folder:
        path = folder / "c.jsonl"
        lines = [json.dumps({"id": i, "text": t}, ensure_ascii=ensure_ascii) for i, t in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        comments = list(read_jsonl(path, []))
        assert [(c.id, c.text) for c in comments] == rows
        assert stored_texts(comments) == dict(rows)


csv_ids = st.from_regex(r"[A-Za-z0-9_-]{1,10}", fullmatch=True)
csv_texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=200)


@SETTINGS
@given(
    st.lists(st.tuples(csv_ids, csv_texts), min_size=1, max_size=8, unique_by=lambda r: r[0]),
    st.sampled_from(["utf-8", "utf-8-sig"]),
)
@example([("1", "a;b;c;d;e"), ("2", "x;y;z")], "utf-8")
@example([("1", '"a";"b";"c"'), ("2", '"x";"y"')], "utf-8")
@example([("1", "tab\there"), ("2", "and\tthere")], "utf-8")
def test_csv_text_round_trips(rows, encoding):
    with scratch() as folder:
        path = folder / "c.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "text"])
        writer.writerows(rows)
        path.write_bytes(buffer.getvalue().encode(encoding))
        warnings: list[str] = []
        comments = list(read_csv(path, Columns(), warnings))
        kept = [(i, t) for i, t in rows if t.strip()]
        assert [(c.id, c.text) for c in comments] == kept
        assert len(warnings) == len(rows) - len(kept)  # blank texts are reported, not lost
        assert stored_texts(comments) == dict(kept)


xlsx_texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]) | st.sampled_from("\t\n"),
    max_size=200,
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(csv_ids, xlsx_texts), min_size=1, max_size=5, unique_by=lambda r: r[0]))
@example([("A", "_x0041_ stays as typed"), ("B", "=1+1")])
def test_xlsx_text_round_trips(rows):
    from openpyxl import Workbook

    with scratch() as folder:
        path = folder / "c.xlsx"
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["id", "text"])
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                # as a spreadsheet program stores typed text: "=0" is text, not a formula
                sheet.cell(number, column, value).data_type = "s"
        workbook.save(path)
        comments = list(read_xlsx(path, Columns(), []))
        kept = [(i, t) for i, t in rows if t.strip()]
        assert [(c.id, c.text) for c in comments] == kept


body_lines = st.lists(
    st.text(
        st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
        min_size=1,
        max_size=40,
    ).map(str.strip),
    min_size=1,
    max_size=4,
)
authors = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zs", "Zl", "Zp"]),
    min_size=1,
    max_size=15,
)


@SETTINGS
@given(st.lists(st.tuples(authors, body_lines), min_size=1, max_size=5))
def test_thread_text_round_trips(comments):
    """Bodies written in the thread layout come back as written (paragraphs kept)."""
    assume(all(any(line for line in body) for _, body in comments))
    assume(not any(line.lstrip().startswith(tuple(BULLETS)) for _, b in comments for line in b))
    assume(not any(a.startswith(("http://", "https://")) for a, _ in comments))
    parts = ["A title", ""]
    for author, body in comments:
        parts.append(f"  • {author}")
        parts.append("")
        parts.extend(f"    {line}" if line else "" for line in body)
        parts.append("")
    with scratch() as folder:
        path = folder / "t.txt"
        path.write_text("\n".join(parts), encoding="utf-8")
        result = read_thread(path)
    expected = ["\n".join(body).strip("\n") for _, body in comments]
    assert [c.text for c in result.comments] == [e for e in expected]
    assert [c.author for c in result.comments] == [a for a, _ in comments]
