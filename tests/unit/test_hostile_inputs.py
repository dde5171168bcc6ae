"""Hostile inputs to the loaders, without a server: pipes that arrive slowly, a FIFO whose writer comes
later, /dev/zero, CSV cells past the csv module's 128 KB, UTF-16 text, VarChar lengths in bytes,
primary keys given twice in one request, a file whose every row is bad, binary and float16 vectors
as hex. The same cases against real servers: tests/server/test_hostile_server.py."""

from __future__ import annotations

import json
import os
import struct
import threading
import time

import pytest

from fake_sessions import fake_registry
from harness import Harness
from milvus_shell import rowlimits
from milvus_shell.catalog import CollectionInfo, FieldInfo, capabilities_of
from milvus_shell.rowcheck import RowChecker, RowError
from milvus_shell.rowfiles import FileError, open_rows

ROWS = CollectionInfo("rows", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("title", "VarChar(10)", "VARCHAR", max_length=10),
    FieldInfo("v", "FloatVector(dim 2)", "FLOAT_VECTOR", dim=2),
))
WIDE = CollectionInfo("wide", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("meta", "JSON", "JSON"),
    FieldInfo("v", "FloatVector(dim 16384)", "FLOAT_VECTOR", dim=16384),
))
BYTES = CollectionInfo("bytes", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("bv", "BinaryVector(dim 16)", "BINARY_VECTOR", dim=16),
    FieldInfo("hv", "Float16Vector(dim 2)", "FLOAT16_VECTOR", dim=2),
))
LINES = "".join(json.dumps({"id": i, "title": f"t{i}", "v": [i, 0]}) + "\n" for i in range(1, 4))


def rows_of(path: str, info: CollectionInfo = ROWS, **kwargs) -> list:
    with open_rows(path, info, **kwargs) as reader:
        return [item for item in reader]


def write_later(path: str, text: str, delay: float) -> threading.Thread:
    def write() -> None:
        time.sleep(delay)
        with open(path, "w") as f:
            f.write(text)
    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


# -- 7: pipes and FIFOs are read until their end -------------------------------------------------

def test_a_pipe_whose_rows_arrive_late_is_read_to_its_end():
    read_end, write_end = os.pipe()

    def write() -> None:
        time.sleep(0.6)
        os.write(write_end, LINES[:30].encode())
        time.sleep(0.3)
        os.write(write_end, LINES[30:].encode())
        os.close(write_end)

    threading.Thread(target=write, daemon=True).start()
    try:
        items = rows_of(f"/dev/fd/{read_end}", fmt="jsonl")
    finally:
        os.close(read_end)
    assert [item.row["id"] for item in items] == [1, 2, 3]


def test_a_fifo_whose_writer_comes_later_is_waited_for(tmp_path):
    fifo = str(tmp_path / "rows.fifo")
    os.mkfifo(fifo)
    writer = write_later(fifo, LINES, 0.8)
    waits = []
    items = rows_of(fifo, fmt="jsonl", waiting=lambda: waits.append(1))
    writer.join()
    assert [item.row["id"] for item in items] == [1, 2, 3]
    assert waits  # the caller heard about the wait (its progress report, where Ctrl-C stops it)


def test_a_fifo_wait_stops_where_the_caller_says():
    read_end, write_end = os.pipe()

    class Stop(Exception):
        pass

    def waiting() -> None:
        raise Stop()

    try:
        with pytest.raises(Stop):
            open_rows(f"/dev/fd/{read_end}", ROWS, fmt="jsonl", waiting=waiting)
    finally:
        os.close(read_end)
        os.close(write_end)


# -- 8: a line longer than any row ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_dev_zero_stops_at_once_in_words(fmt):
    started = time.perf_counter()
    with pytest.raises(FileError) as caught:
        rows_of("/dev/zero", fmt=fmt)
    assert time.perf_counter() - started < 5
    assert "longer than any row of 'rows' can be" in str(caught.value) or "not a JSON array" in str(caught.value)


def test_a_long_line_is_refused_by_number_and_nothing_after_it_is_read(tmp_path):
    longest = rowlimits.largest_row_bytes(ROWS)
    path = tmp_path / "rows.jsonl"
    path.write_text(LINES + "x" * (longest + 10) + "\n" + LINES)
    reader = open_rows(str(path), ROWS)
    got = []
    with pytest.raises(FileError) as caught:
        for item in reader:
            got.append(item.line)
    assert got == [1, 2, 3]
    assert f"line 4 is longer than any row of 'rows' can be ({longest:,} bytes)" in str(caught.value)
    assert reader.bytes_read < 2 * longest


def test_a_csv_record_that_never_closes_its_quote_is_refused(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('id,title,v\n1,"t' + "\nmore" * 100_000)
    with pytest.raises(FileError, match="line 2 is longer than any row"):
        rows_of(str(path))


def test_the_largest_row_follows_the_schema():
    assert rowlimits.largest_row_bytes(ROWS) < 1024 * 1024
    assert rowlimits.largest_row_bytes(WIDE) > 200 * 1024  # a JSON field: the server's message limit
    dynamic = CollectionInfo("d", ROWS.fields, dynamic=True)
    assert rowlimits.largest_row_bytes(dynamic) == rowlimits.SERVER_MESSAGE_BYTES + rowlimits.SLACK


# -- 11: CSV cells up to the schema's bounds ---------------------------------------------------

def test_csv_takes_a_16384_dim_vector_and_a_200kb_json_cell(tmp_path):
    vector = [0.123456] * 16384
    meta = {"text": "y" * 200_000}
    path = tmp_path / "wide.csv"
    cells = ['"' + json.dumps(c).replace('"', '""') + '"' for c in (meta, vector)]
    path.write_text("id,meta,v\n1," + ",".join(cells) + "\n")
    [item] = rows_of(str(path), WIDE)
    assert item.error is None, item.error
    assert len(item.row["v"]) == 16384 and item.row["meta"] == meta


# -- UTF-16 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_text_is_named_with_or_without_its_mark(tmp_path, encoding):
    path = tmp_path / "rows.csv"
    path.write_bytes("id,title,v\n1,a,\"[1, 2]\"\n".encode(encoding))
    with pytest.raises(FileError) as caught:
        rows_of(str(path))
    assert "UTF-16" in str(caught.value) and "UTF-8" in caught.value.hint


# -- 12: VarChar length in the server's unit -------------------------------------------------------

def test_varchar_length_in_bytes_where_the_server_counts_bytes():
    row = {"id": 1, "title": "é" * 10, "v": [1, 2]}
    assert RowChecker(ROWS)(dict(row))["title"] == "é" * 10  # characters (Milvus Lite)
    with pytest.raises(RowError) as caught:
        RowChecker(ROWS, server=capabilities_of("v2.3.5"))(dict(row))
    assert "20 bytes in UTF-8 (10 characters) is longer than VarChar(10) allows" in str(caught.value)
    assert RowChecker(ROWS, server=capabilities_of("v2.3.5"))({"id": 1, "title": "é" * 5, "v": [1, 2]})
    assert capabilities_of("v2.3.5").varchar_in_bytes and not capabilities_of("milvus_lite-3.2.2").varchar_in_bytes


def test_a_json_value_over_the_servers_bound_is_a_bad_row():
    row = {"id": 1, "meta": {"text": "y" * 70_000}, "v": [0.5] * 16384}
    assert RowChecker(WIDE, server=capabilities_of("milvus_lite-3.2.2"))(dict(row))
    with pytest.raises(RowError, match="a JSON value of 70,011 bytes is more than this server takes"):
        RowChecker(WIDE, server=capabilities_of("v2.3.5"))(dict(row))


# -- 15: binary and float16 vectors ---------------------------------------------------------------

def test_binary_and_float16_vectors_as_numbers_or_as_the_hex_export_writes():
    check = RowChecker(BYTES)
    row = check({"id": 1, "bv": [255, 1], "hv": [1.5, -2]})
    assert row["bv"] == b"\xff\x01" and row["hv"] == struct.pack("<2e", 1.5, -2)
    again = check({"id": 1, "bv": "ff01", "hv": row["hv"].hex()})
    assert again["bv"] == b"\xff\x01" and again["hv"] == row["hv"]
    for bad, words in ([{"bv": "ff"}, "2 bytes"], [{"bv": "zz01"}, "not hex"], [{"hv": [1e6, 0]}, "Float16's range"]):
        with pytest.raises(RowError, match=words):
            check({"id": 1, "bv": [1, 2], "hv": [0, 0], **bad})


def test_binary_vector_cells_in_hex_load_from_csv(tmp_path):
    path = tmp_path / "bytes.csv"
    path.write_text('id,bv,hv\n1,ff01,"[1.5, -2]"\n2,"[255, 1]",003e00c0\n')
    items = rows_of(str(path), BYTES)
    assert [i.error for i in items] == [None, None]
    assert items[0].row["bv"] == items[1].row["bv"] == b"\xff\x01"
    assert items[0].row["hv"] == items[1].row["hv"]


# -- 13 and the minors, through the handlers ------------------------------------------------------

def fake_shell() -> Harness:
    return Harness(registry=fake_registry({"f": "fake:19530"}, active="f"))


def sent(sh: Harness, verb: str) -> list:
    return [args[1] for name, args in sh.ctx.session().calls if name == verb]


def test_an_insert_with_a_key_given_twice_in_a_request_is_refused_by_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": "t", "vector": [i, 0, 0, 0]}) + "\n" for i in (1, 2, 1)))
    sh = fake_shell()
    err = sh.fail(f"insert books --file {path}")
    assert f"{path}:3: field 'id': primary key 1 is given again (first on line 1)" in err
    assert "2 rows went into books before it" in err
    assert [len(b) for b in sent(sh, "insert")] == [2]


def test_an_upsert_folds_a_key_given_twice_and_says_so(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": f"t{n}", "vector": [i, 0, 0, 0]}) + "\n"
                            for n, i in enumerate((1, 1, 2, 2, 3), 1)))
    sh = fake_shell()
    out = sh.ok(f"upsert books --file {path}")
    assert "upserted 3 rows" in out
    assert "2 rows replaced by a later row with the same primary key in the same request (line 1 by 2, line 3 by 4)" in out
    [batch] = sent(sh, "upsert")
    assert [(r["id"], r["title"]) for r in batch] == [(1, "t2"), (2, "t4"), (3, "t5")]


def test_rows_on_the_line_with_a_key_twice():
    sh = fake_shell()
    rows = json.dumps([{"id": 7, "title": "a", "vector": [1, 0, 0, 0]}, {"id": 7, "title": "b", "vector": [1, 0, 0, 0]}])
    err = sh.fail(f"insert books '{rows}'")
    assert "row 2: field 'id': primary key 7 is given again (first on row 1)" in err and "nothing was sent" in err
    assert sent(sh, "insert") == []
    out = sh.ok(f"upsert books '{rows}'")
    assert "upserted 1 row" in out and "row 1 by 2" in out
    assert [r["title"] for r in sent(sh, "upsert")[0]] == ["b"]


def test_skip_bad_with_every_row_bad_fails(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": "x"}\n{broken\n')
    sh = fake_shell()
    err = sh.fail(f"insert books --file {path} --skip-bad")
    assert f"every row of {path} is bad: nothing was inserted; 2 bad lines written to {path}.bad" in err
    assert (tmp_path / "rows.jsonl.bad").read_text().splitlines() == ['{"id": "x"}', "{broken"]


def test_drop_collection_through_an_alias_says_so_before_asking():
    asked = []
    sh = Harness(registry=fake_registry({"f": "fake:19530"}, active="f"), confirm=lambda q: asked.append(q) or True)
    err = sh.fail("drop collection novels")
    assert "'novels' is an alias of collection 'books'" in err and "drop alias novels" in err
    assert asked == []
    assert not [c for c in sh.ctx.session().calls if c[0] == "drop_collection"]
