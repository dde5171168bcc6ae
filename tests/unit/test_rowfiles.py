"""The row file reader and the schema check, without a server: formats, line numbers, every refusal
naming its field, NaN and Infinity, the file of bad lines; plus the insert/delete handlers over a
FakeSession (what reaches the server, and the Ctrl-C report)."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from fake_sessions import fake_registry
from harness import Harness
from milvus_shell import rowcheck, rowfiles
from milvus_shell.badlines import BadLines
from milvus_shell.catalog import CollectionInfo, FieldInfo
from milvus_shell.load_progress import Tally
from milvus_shell.rowcheck import RowChecker, RowError
from milvus_shell.rowfiles import FileError, open_rows

BOOKS = CollectionInfo("books", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("title", "VarChar(8)", "VARCHAR", max_length=8),
    FieldInfo("year", "Int32", "INT32"),
    FieldInfo("price", "Float", "FLOAT", nullable=True),
    FieldInfo("tags", "Array(VarChar(16), capacity 2)", "ARRAY", element_kind="VARCHAR", max_length=16,
              max_capacity=2),
    FieldInfo("meta", "JSON", "JSON", has_default=True),
    FieldInfo("ok", "Bool", "BOOL", has_default=True),
    FieldInfo("v", "FloatVector(dim 3)", "FLOAT_VECTOR", dim=3),
))
AUTO = CollectionInfo("auto", (
    FieldInfo("id", "Int64", "INT64", primary=True, auto_id=True),
    FieldInfo("v", "FloatVector(dim 2)", "FLOAT_VECTOR", dim=2),
), auto_id=True, dynamic=True)


def good(i: int = 1, **over) -> dict:
    row = {"id": i, "title": f"t{i}", "year": 2000 + i, "tags": ["a"], "v": [0.1, 0.2, 0.3]}
    row.update(over)
    return row


def refusal(info, row, upsert=False) -> RowError:
    with pytest.raises(RowError) as caught:
        RowChecker(info, upsert)(row)
    return caught.value


# -- the schema check -----------------------------------------------------------------------------

def test_a_good_row_passes_and_optional_fields_may_be_left_out():
    assert RowChecker(BOOKS)(good()) == good()
    assert RowChecker(BOOKS)(good(price=None))["price"] is None  # nullable


@pytest.mark.parametrize("row, field, words", [
    ({k: v for k, v in good().items() if k != "id"}, "id", "primary key is missing"),
    ({k: v for k, v in good().items() if k != "year"}, "year", "missing"),
    (good(v=[0.1, 0.2]), "v", "wrong vector dimension: 2 numbers, but FloatVector(dim 3) has 3"),
    (good(v=[0.1, "x", 0.3]), "v", "element 1 is a string"),
    (good(v=[0.1, 0.2, 1e39]), "v", "out of float32's range"),
    (good(v="0.1,0.2,0.3"), "v", "a list of 3 numbers"),
    (good(year="1999"), "year", "Int32 wants a whole number, not a string"),
    (good(year=2**31), "year", "out of range for Int32"),
    (good(year=True), "year", "not a boolean"),
    (good(title="much too long"), "title", "longer than VarChar(8)"),
    (good(tags=["a", "b", "c"]), "tags", "3 elements is more than"),
    (good(tags=[1]), "tags", "element 0: VarChar(16) wants a string"),
    (good(price="cheap"), "price", "Float wants a number"),
    (good(ok="yes"), "ok", "true or false"),
    (good(extra=1), "extra", "no such field in collection 'books'"),
])
def test_each_refusal_names_its_field_and_reason(row, field, words):
    error = refusal(BOOKS, row)
    assert error.field == field
    assert words in str(error), str(error)


def test_nan_and_infinity_are_refused_by_field_whatever_the_spelling():
    for word in ("NaN", "Infinity", "-Infinity"):
        line = json.dumps(good()).replace('"year": 2001', f'"year": {word}')
        error = refusal(BOOKS, rowcheck.loads(line))
        assert error.field == "year" and f"{word} is not a number JSON allows" in str(error)
        vector = rowcheck.loads(json.dumps(good()).replace("0.2", word))
        error = refusal(BOOKS, vector)
        assert error.field == "v" and word in str(error) and "element 1" in str(error)
    meta = rowcheck.loads('{"id": 1, "title": "a", "year": 1, "tags": [], "v": [1, 2, 3], "meta": {"x": [NaN]}}')
    assert refusal(BOOKS, meta).field == "meta"


def test_auto_id_is_left_to_the_server_on_insert_but_upsert_takes_it():
    error = refusal(AUTO, {"id": 5, "v": [1, 2]})
    assert error.field == "id" and "auto id" in str(error)
    assert RowChecker(AUTO)({"v": [1, 2], "colour": "red"}) == {"v": [1, 2], "colour": "red"}  # dynamic
    assert RowChecker(AUTO, upsert=True)({"id": 5, "v": [1, 2]}) == {"id": 5, "v": [1, 2]}


def test_a_row_must_be_an_object():
    assert "JSON object" in str(refusal(BOOKS, [1, 2]))


# -- formats and line numbers ---------------------------------------------------------------------

def read(path, info=BOOKS, fmt=None):
    with open_rows(str(path), info, fmt=fmt) as reader:
        return list(reader), reader


def test_json_lines_give_line_numbers_skip_blank_lines_and_keep_bad_lines_as_they_were(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(good(1)) + "\n\n" + json.dumps(good(2, v=[1, 2])) + "\n{not json\n"
                    + json.dumps(good(4)) + "\n")
    items, reader = read(path)
    assert [i.line for i in items] == [1, 3, 4, 5]
    assert items[0].row == good(1) and items[3].row == good(4)
    assert items[1].error.field == "v" and items[1].text.startswith('{"id": 2')
    assert "not valid JSON" in str(items[2].error)
    assert reader.bytes_read == reader.total_bytes == path.stat().st_size
    assert sum(i.size for i in items) == path.stat().st_size - 1  # all but the blank line


def test_a_json_array_is_read_element_by_element_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(rowfiles, "ARRAY_CHUNK", 7)  # elements, numbers and strings cut anywhere
    rows = [good(i, title="é" * (i % 3)) for i in range(1, 6)]
    rows[2]["year"] = "bad"
    path = tmp_path / "rows.json"
    path.write_text("[\n" + ",\n".join(json.dumps(r, indent=1, ensure_ascii=False) for r in rows) + "\n]\n",
                    encoding="utf-8")
    items, reader = read(path)
    assert [i.row for i in items if i.row] == [rows[0], rows[1], rows[3], rows[4]]
    lines = path.read_text(encoding="utf-8").splitlines()
    for item in items:
        assert lines[item.line - 1] == "{", item.line  # each element starts on its own line
    assert items[2].error.field == "year"
    assert json.loads(items[2].text) == rows[2]  # one line, for the file of bad lines
    assert reader.bytes_read == path.stat().st_size


@pytest.mark.parametrize("text, words", [("{}", "not a JSON array"), ("[{}, {}", "not closed"),
                                         ('[{"id": 1} {"id": 2}]', "expected ','")])
def test_a_broken_json_array_is_a_file_error(tmp_path, text, words):
    path = tmp_path / "rows.json"
    path.write_text(text)
    with pytest.raises(FileError, match=words):
        read(path, fmt="json")


def test_csv_converts_cells_by_field_type_with_vectors_as_json(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('id,title,year,price,tags,v\n'
                    '1,"a, b",2001,,"[""x""]","[0.1, 0.2, 0.3]"\n'
                    '2,"two\nrows",2002,1.5,[],"[1,2,3]"\n'
                    '3,c,year,1,[],"[1,2,3]"\n'
                    '4,d,2004,nan,[],"[1,2,3]"\n'
                    '5,e,2005,1,[],"[1,2]"\n'
                    '6,f,2006,1,[]\n')
    items, reader = read(path)
    assert items[0].row == {"id": 1, "title": "a, b", "year": 2001, "tags": ["x"], "v": [0.1, 0.2, 0.3]}
    assert items[1].row["title"] == "two\nrows" and items[1].row["price"] == 1.5
    assert [i.line for i in items] == [2, 3, 5, 6, 7, 8]  # the second record spans lines 3 and 4
    assert items[2].error.field == "year" and "whole number" in str(items[2].error)
    assert items[3].error.field == "price" and "nan" in str(items[3].error)
    assert items[4].error.field == "v" and "dimension" in str(items[4].error)
    assert "5 cells, but the header names 6" in str(items[5].error)
    assert reader.header == "id,title,year,price,tags,v"


def test_the_format_comes_from_the_name_else_the_first_character(tmp_path):
    assert rowfiles.detect_format("x.jsonl", b"[") == "jsonl"
    assert rowfiles.detect_format("x.csv", b"{") == "csv"
    assert rowfiles.detect_format("x.txt", b"  [") == "json"
    assert rowfiles.detect_format("x.json", b'{"a"') == "jsonl"
    assert rowfiles.detect_format("x", b"id,v") == "csv"
    path = tmp_path / "rows.data"
    path.write_text(json.dumps(good()) + "\n")
    items, reader = read(path)
    assert reader.format == "jsonl" and items[0].row == good()


def test_a_missing_file_or_a_folder_is_said_in_words(tmp_path):
    with pytest.raises(FileError, match="cannot read .*no such file"):
        read(tmp_path / "nope.jsonl")
    with pytest.raises(FileError, match="it is a folder"):
        read(tmp_path)


def test_the_reader_is_lazy(tmp_path):
    """A row comes out before the rest of the file is read: memory does not grow with the file."""
    path = tmp_path / "rows.jsonl"
    line = json.dumps(good()) + "\n"
    path.write_text(line * 20000)
    with open_rows(str(path), BOOKS) as reader:
        next(iter(reader))
        assert reader.bytes_read < 200_000 < reader.total_bytes


# -- the file of bad lines -------------------------------------------------------------------------

def test_bad_lines_go_to_a_private_file_never_through_a_symlink(tmp_path):
    source = tmp_path / "rows.csv"
    bad = BadLines(str(source), header="id,v")
    bad.write(rowfiles.Item(3, "1,[1]\n", 6))
    bad.close()
    assert bad.path == str(source) + ".bad" and bad.count == 1
    assert (tmp_path / "rows.csv.bad").read_text() == "id,v\n1,[1]\n"
    assert stat.S_IMODE(os.stat(bad.path).st_mode) == 0o600

    target = tmp_path / "elsewhere"
    target.write_text("keep me")
    os.symlink(target, tmp_path / "other.jsonl.bad")
    linked = BadLines(str(tmp_path / "other.jsonl"))
    with pytest.raises(FileError, match="symbolic link"):
        linked.write(rowfiles.Item(1, "x", 1))
    assert target.read_text() == "keep me"


# -- handlers over a fake session ------------------------------------------------------------------

def fake_shell(**kwargs) -> Harness:
    h = Harness(registry=fake_registry({"f": "fake:19530"}, active="f"), **kwargs)
    return h


def test_insert_sends_checked_rows_in_batches_bounded_by_rows(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": f"b{i}", "vector": [i, 0, 0, 0]}) + "\n" for i in range(7)))
    sh = fake_shell()
    out = sh.ok(f"insert books --file {path} --batch 3")
    assert "inserted 7 rows" in out
    session = sh.ctx.session()
    batches = [args[1] for name, args in session.calls if name == "insert"]
    assert [len(b) for b in batches] == [3, 3, 1]


def test_insert_batches_are_bounded_by_bytes_too(tmp_path, monkeypatch):
    from milvus_shell.commands import write as rows

    monkeypatch.setattr(rows, "BATCH_BYTES", 200)
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": "x" * 20, "vector": [i, 0, 0, 0]}) + "\n" for i in range(10)))
    sh = fake_shell()
    sh.ok(f"insert books --file {path}")
    sizes = [len(args[1]) for name, args in sh.ctx.session().calls if name == "insert"]
    assert sum(sizes) == 10 and max(sizes) <= 3  # ~65 bytes a line, 200 bytes a batch


def test_inline_rows_are_checked_before_anything_is_sent():
    sh = fake_shell()
    err = sh.fail("""insert books '[{"id": 9, "title": "a", "vector": [1, 2, 3, 4]}, {"id": 10, "title": "b", "vector": [1]}]'""")
    assert "row 2: field 'vector': wrong vector dimension" in err and "nothing was sent" in err
    assert not [c for c in sh.ctx.session().calls if c[0] == "insert"]
    assert "needs rows" in sh.fail("insert books")


def test_delete_by_ids_types_them_by_the_primary_key_and_asks_with_the_count():
    asked = []
    sh = fake_shell(confirm=lambda q: asked.append(q) or True)
    assert "deleted 3 rows from books" in sh.ok("delete books --ids 0 1,2")
    assert "delete 3 rows of 'books' with primary key 0, 1, 2" in asked[0].loss
    calls = sh.ctx.session().calls
    assert ("count", ("books", "id in [0, 1, 2]")) in calls
    assert ("delete", ("books", "id in [0, 1, 2]", "")) in calls  # the very filter it counted with
    assert "not a valid id" in sh.fail("delete books --ids x --yes")


def test_delete_sends_the_filter_as_typed_and_no_answer_changes_nothing():
    sh = fake_shell(confirm=lambda q: False)
    assert "nothing changed" in sh.fail("delete books title like 'A%'")
    assert not [c for c in sh.ctx.session().calls if c[0] == "delete"]
    sh2 = fake_shell()  # a script: no one to ask
    assert "without --yes" in sh2.fail("delete books year > 1")
    sh2.ok("delete books title like 'A%' --yes")
    assert ("delete", ("books", "title like 'A%'", "")) in sh2.ctx.session().calls
    assert "needs a FILTER or --ids" in sh2.fail("delete books --yes")


# -- the Ctrl-C report --------------------------------------------------------------------------------

def test_the_tally_waits_briefly_for_the_batch_on_its_way_then_stops_the_next():
    tally = Tally("books", "rows.jsonl")
    tally.start(100, (1, 100))
    tally.done(True)
    sender = threading.Thread(target=tally.start, args=(50, (101, 150)))  # the worker's batch
    sender.start()
    sender.join()
    threading.Timer(0.1, tally.done, (True,)).start()
    note = tally.note(grace=2)
    assert note.startswith("150 rows went into books (lines 1 to 150 of rows.jsonl)")
    with pytest.raises(Exception, match="cancelled"):
        tally.start(10, (151, 160))  # nothing starts after the report


def test_the_tally_says_when_a_batch_may_still_go_in():
    tally = Tally("books", "rows.jsonl")
    started = threading.Event()
    thread = threading.Thread(target=lambda: (tally.start(20, (1, 20)), started.set()))
    thread.start()
    started.wait()
    note = tally.note(grace=0.05)
    assert "0 rows went into books; 20 more (lines 1 to 20) were on their way and may go in too" in note
