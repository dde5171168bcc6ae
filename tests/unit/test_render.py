"""Rendering of rows: vectors, wide characters, streams in every format, the pager (no server needed)."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from milvus_shell.formats import format_document, format_table, short_vector, stream_chunks
from milvus_shell.output import Renderer
from milvus_shell.screen_text import text_width
from milvus_shell.results import Document, Float32, Group, Message, StreamTable, Table


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


def stream(batches, columns=("id", "v"), vectors=frozenset({"v"}), note=lambda: "") -> tuple[StreamTable, list]:
    closed: list[bool] = []
    return StreamTable(list(columns), iter(batches), vectors, close=lambda: closed.append(True), note=note), closed


def test_vectors_are_short_in_tables_and_whole_elsewhere():
    vec = [0.123456789] * 768
    table = Table(["id", "embedding"], [[1, vec]], vector_columns=frozenset({"embedding"}))
    shown = format_table(table, "table", 200)
    assert "[0.1235, 0.1235, 0.1235, 0.1235, … dim 768]" in shown
    assert "[0.1235, 0.1235, 0.1235, 0.1235, … dim 768]" in format_table(table, "vertical", 200)
    assert json.loads(format_table(table, "json"))[0]["embedding"] == vec
    (row,) = csv.DictReader(io.StringIO(format_table(table, "csv")))
    assert json.loads(row["embedding"]) == vec
    assert short_vector([1.0, 2.0]) == "[1, 2]"
    assert short_vector(b"\x01\xff") == "01ff"


def test_wide_characters_are_measured_and_long_values_cut_to_the_width():
    table = Table(["title", "note"], [["三体", "x" * 300], ["abc", "y"]])
    lines = format_table(table, "table", 60).splitlines()
    assert all(text_width(line) <= 60 for line in lines)
    assert lines[2].startswith("三体  | ")  # padded by cells, not characters
    assert lines[2].endswith("…")


def test_json_is_one_row_object_per_line_and_csv_reads_back():
    table = Table(["id", "meta", "tags", "ok"], [[1, {"a": "ü"}, ["x", "y"], True], [2, None, [], False]])
    text = format_table(table, "json")
    assert text.splitlines()[1].startswith('  {"id": 1')
    assert json.loads(text) == [{"id": 1, "meta": {"a": "ü"}, "tags": ["x", "y"], "ok": True},
                                {"id": 2, "meta": None, "tags": [], "ok": False}]
    assert format_table(Table(["a"], []), "json") == "[]\n"
    rows = list(csv.reader(io.StringIO(format_table(table, "csv"))))
    assert rows == [["id", "meta", "tags", "ok"], ["1", '{"a":"ü"}', '["x","y"]', "true"], ["2", "", "[]", "false"]]


@pytest.mark.parametrize("fmt", ["table", "vertical", "json", "csv"])
def test_a_stream_gives_the_same_rows_as_a_table(fmt):
    batches = [[[i, [i, 0.5]] for i in range(k, k + 3)] for k in (0, 3, 6)]
    st, closed = stream(batches)
    streamed = "".join(stream_chunks(st, fmt, 120))
    whole = format_table(Table(["id", "v"], [r for b in batches for r in b], vector_columns=frozenset({"v"})),
                         fmt, 120)
    if fmt in ("json", "csv", "vertical"):
        assert streamed == whole
    else:
        assert streamed.splitlines()[2:-1] == [line.rstrip() for line in streamed.splitlines()[2:-1]]
        assert streamed.rstrip().endswith("(9 rows)")


def test_streamed_table_keeps_room_for_wider_later_rows():
    st, _ = stream([[[1, [0.0]]], [[123456789, [0.0]]]])
    text = "".join(stream_chunks(st, "table", 120))
    assert "123456789" in text


def test_empty_stream_in_every_format():
    for fmt, expected in (("json", "[]\n"), ("csv", "id,v\n"), ("vertical", "(0 rows)\n")):
        st, _ = stream([])
        assert "".join(stream_chunks(st, fmt, 80)) == expected
    st, _ = stream([[]])
    assert "".join(stream_chunks(st, "table", 80)).endswith("(0 rows)\n")


def test_renderer_closes_the_stream_and_prints_its_note_off_stdout_in_csv():
    st, closed = stream([[[1, [0.0]]]], note=lambda: "some rows have dynamic fields not in the columns: x")
    out, err = io.StringIO(), io.StringIO()
    Renderer(out, err).render(st, "csv")
    assert out.getvalue() == "id,v\n1,[0.0]\n"
    assert err.getvalue() == "warning: some rows have dynamic fields not in the columns: x\n"
    assert closed == [True]


def test_renderer_closes_the_stream_when_it_fails_midway():
    def batches():
        yield [[1, [0.0]]]
        raise RuntimeError("server went away")

    closed: list[bool] = []
    st = StreamTable(["id", "v"], batches(), close=lambda: closed.append(True))
    with pytest.raises(RuntimeError):
        Renderer(io.StringIO(), io.StringIO()).render(st, "json")
    assert closed == [True]


def test_document_in_every_format():
    doc = Document([("collection", "books"), ("rows", 3)],
                   [("fields", Table(["field", "type"], [["id", "Int64"], ["v", "FloatVector(dim 4)"]]))])
    assert format_document(doc, "table").startswith("collection: books\nrows:       3\n\nfields:\n")
    assert json.loads(format_document(doc, "json")) == {
        "collection": "books", "rows": 3,
        "fields": [{"field": "id", "type": "Int64"}, {"field": "v", "type": "FloatVector(dim 4)"}]}
    assert format_document(doc, "csv") == "field,type\nid,Int64\nv,FloatVector(dim 4)\n"
    assert format_document(Document([("a", 1)]), "csv") == "property,value\na,1\n"


def test_tall_output_goes_through_the_pager(tmp_path, monkeypatch):
    target = tmp_path / "paged.txt"
    out, err = TtyBuffer(), io.StringIO()
    renderer = Renderer(out, err, width=80, environ={"PAGER": f"cat > {target}"})
    renderer.use_pager = True
    monkeypatch.setattr(Renderer, "height", property(lambda self: 10))
    renderer.render(Table(["n"], [[i] for i in range(50)]), "table")
    assert out.getvalue() == ""
    assert target.read_text().splitlines()[-1] == "(50 rows)"
    renderer.render(Table(["n"], [[1]]), "table")  # short output: straight to the terminal
    assert out.getvalue().endswith("(1 row)\n")


def test_a_pager_that_quits_early_stops_the_stream(monkeypatch):
    produced: list[int] = []

    def batches():
        for k in range(10_000):
            produced.append(k)
            yield [[k, [0.0]]] * 100

    closed: list[bool] = []
    st = StreamTable(["id", "v"], batches(), close=lambda: closed.append(True))
    renderer = Renderer(TtyBuffer(), io.StringIO(), width=80, environ={"PAGER": "head -n 5 > /dev/null"})
    renderer.use_pager = True
    monkeypatch.setattr(Renderer, "height", property(lambda self: 10))
    renderer.render(st, "csv")
    assert closed == [True]
    assert len(produced) < 10_000  # the broken pipe ended the reading


def test_no_pager_without_a_terminal_or_when_off(tmp_path):
    target = tmp_path / "paged.txt"
    out = io.StringIO()
    renderer = Renderer(out, io.StringIO(), environ={"PAGER": f"cat > {target}"})
    renderer.use_pager = True
    renderer.render(Table(["n"], [[i] for i in range(500)]), "table")
    assert not target.exists() and out.getvalue().count("\n") == 503


def test_group_and_messages_follow_the_format():
    out, err = io.StringIO(), io.StringIO()
    Renderer(out, err).render(Group((Table(["a"], [[1]]), Message("more rows"))), "json")
    assert json.loads(out.getvalue()) == [{"a": 1}] and err.getvalue() == "more rows\n"


def test_progress_only_on_a_terminal():
    err = io.StringIO()
    renderer = Renderer(io.StringIO(), err)
    renderer.progress("loading books: 50%")
    assert err.getvalue() == ""
    tty = TtyBuffer()
    renderer = Renderer(io.StringIO(), tty)
    renderer.progress("loading books: 50%")
    renderer.error("boom")
    assert tty.getvalue() == "\r\x1b[Kloading books: 50%\r\x1b[Kerror: boom\n"


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("pager tests use a POSIX shell")


def test_floats_read_back_from_float32_are_short_in_tables_only():
    """Float32 values (Float fields, distances) show a float32's digits; a Double keeps all of its own."""
    table = Table(["distance", "price"], [[Float32(0.010000001639127731), 1.5],
                                          [Float32(0.824999988079071), 0.9728033590489911]])
    text = format_table(table, "table")
    assert "0.01     " in text and "0.825" in text and "1.5" in text and "0.9728033590489911" in text
    assert json.loads(format_table(table, "json"))[0]["distance"] == 0.010000001639127731
    assert "0.010000001639127731" in format_table(table, "csv")
