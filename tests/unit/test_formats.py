"""The pure formats: CSV quotes every cell (and header) holding CR, LF, a quote or a comma, so every
value reads back as written; the rest of a row is written as before."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from milvus_shell.formats import format_table, stream_chunks
from milvus_shell.results import StreamTable, Table


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_lone_carriage_return_is_quoted():
    """Issue 21 case 14: `30,a\\rb` did not read back."""
    text = format_table(Table(["id", "t"], [[30, "a\rb"], [31, "plain"]]), "csv")
    assert text == 'id,t\n30,"a\rb"\n31,plain\n'
    assert read_back(text) == [["id", "t"], ["30", "a\rb"], ["31", "plain"]]


def test_every_special_character_is_quoted_and_plain_rows_are_not():
    cells = ["cr\r", "lf\n", "crlf\r\n", 'q"', "c,d", "plain", "", " lead"]
    text = format_table(Table([f"c{i}" for i in range(len(cells))], [cells]), "csv")
    assert text.splitlines()[0] == ",".join(f"c{i}" for i in range(len(cells)))
    assert text.endswith('"cr\r","lf\n","crlf\r\n","q""","c,d",plain,, lead\n')
    assert read_back(text)[1] == cells


def test_a_header_with_a_carriage_return_is_quoted_too():
    text = format_table(Table(["id", "key\rx"], [[1, 2]]), "csv")
    assert text == 'id,"key\rx"\n1,2\n'


CELLS = st.text(st.one_of(st.sampled_from("\r\n\",' "), st.characters()))


@given(st.lists(st.lists(CELLS, min_size=2, max_size=2), min_size=1, max_size=5))
def test_any_text_reads_back_from_a_stream_in_batches(rows):
    batches = [rows[:2], rows[2:]]
    stream = StreamTable(["a", "b"], iter(batches), frozenset(), close=lambda: None, note=lambda: "")
    text = "".join(stream_chunks(stream, "csv", 100))
    assert read_back(text) == [["a", "b"], *rows]
