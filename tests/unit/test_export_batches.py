"""Export's batch sizing, without a server: the first batch bounded by the schema, later ones by the rows
received; cells written as before (tests/unit/test_batching.py: every shape, and a reply refused as too
large)."""

from __future__ import annotations

import csv
import io

from milvus_shell.catalog import CollectionInfo, FieldInfo
from milvus_shell import rowshape
from milvus_shell.backend import data as data_ops
from milvus_shell.backend.data import BatchSizer, RowStream
from milvus_shell.formats import format_table
from milvus_shell.results import ABSENT, Float32, Table

MiB = 1024 * 1024


def collection(*fields: FieldInfo, dynamic: bool = False) -> CollectionInfo:
    pk = FieldInfo("id", "Int64", "INT64", primary=True)
    return CollectionInfo("c", (pk, *fields), dynamic=dynamic)


def text(max_length: int) -> FieldInfo:
    return FieldInfo("text", f"VarChar({max_length})", "VARCHAR", max_length=max_length)


VEC = FieldInfo("vec", "FloatVector(dim 4)", "FLOAT_VECTOR", dim=4)


# -- sizing, without a server ----------------------------------------------------------------------

def test_the_first_batch_counts_a_varchar_at_its_max_length():
    narrow = BatchSizer(collection(text(16), VEC), None)
    wide = BatchSizer(collection(text(65535), VEC), None)
    assert narrow.size == 16384  # the most Milvus returns per call
    assert 100 <= wide.size <= 1000  # STREAM_BATCH_BYTES of rows at 2 x 64 KiB each
    assert wide.size * wide.row_bound <= data_ops.STREAM_BATCH_BYTES
    # only the fields asked for (and the primary key) count
    assert BatchSizer(collection(text(65535), VEC), ["vec"]).size == 16384


def test_json_arrays_and_the_dynamic_field_have_a_bound_too():
    meta = FieldInfo("meta", "JSON", "JSON")
    tags = FieldInfo("tags", "Array(VarChar(1000), capacity 100)", "ARRAY", element_kind="VARCHAR",
                     max_length=1000, max_capacity=100)
    for info in (collection(meta), collection(tags), collection(VEC, dynamic=True)):
        sizer = BatchSizer(info, None)
        assert sizer.size < 16384
        assert sizer.size * sizer.wire_bound <= data_ops.STREAM_REPLY_BYTES < 256 * MiB


def test_later_batches_are_sized_from_the_rows_received():
    sizer = BatchSizer(collection(text(65535), VEC), None)
    first = sizer.size
    short = [{"id": i, "text": "x" * 20, "vec": [0.1] * 4} for i in range(first)]
    grown = sizer.measure(short)
    assert grown > first  # short values in a wide field: bigger batches, as many as Milvus returns
    assert grown == sizer.high == 16384
    long = [{"id": i, "text": "x" * 60000, "vec": [0.1] * 4} for i in range(grown)]
    shrunk = sizer.measure(long)
    assert shrunk < grown and shrunk * 2 * 60000 <= data_ops.STREAM_BATCH_BYTES  # wide values: smaller again
    assert sizer.measure([]) == sizer.size


def test_one_huge_row_still_makes_a_batch_of_one():
    sizer = BatchSizer(collection(FieldInfo("v", "FloatVector(dim 32768)", "FLOAT_VECTOR", dim=32768),
                                  text(65535)), None)
    assert sizer.size >= 1
    assert sizer.measure([{"id": 1, "v": [0.5] * 32768, "text": "x" * 65535}] * 3) >= 1


class FakeIterator:
    """A pymilvus QueryIterator's surface: ``next`` and the page size in ``_query_options``; it
    records the page size it was asked for before each batch."""

    def __init__(self, batches: list[list[dict]], size: int) -> None:
        self.batches = batches
        self._query_options = {"batch_size": size, "limit": size}
        self.asked: list[int] = []

    def next(self) -> list[dict]:
        if not self.batches:
            return []
        self.asked.append(self._query_options["batch_size"])
        return self.batches.pop(0)

    def close(self) -> None:
        pass


class CallingSession:
    """What a RowStream asks of its session: ``call`` with a timeout."""

    def call(self, method, *args, **kwargs):
        return method(5.0, *args, **kwargs)


def test_the_stream_resizes_the_next_call_after_each_batch():
    info = collection(text(65535), VEC)
    sizer = BatchSizer(info, None)
    wide = [{"id": i, "text": "x" * 60000, "vec": [0.5] * 4} for i in range(3)]
    narrow = [{"id": i, "text": "y", "vec": [0.5] * 4} for i in range(3, 6)]
    iterator = FakeIterator([wide, narrow, narrow], sizer.size)
    batches = RowStream(CallingSession(), "c", "", iterator, sizer.size, sizer)
    stream = rowshape.stream_table(info, batches, None)
    got = [row for batch in stream.batches for row in batch]
    assert [r[0] for r in got] == [0, 1, 2, 3, 4, 5, 3, 4, 5]
    first, after_wide, after_narrow = iterator.asked
    assert first == BatchSizer(info, None).size
    assert after_wide < after_narrow == sizer.high


def test_batch_values_are_row_values():
    info = collection(FieldInfo("score", "Float", "FLOAT"), text(64), dynamic=True)
    columns = ["id", "score", "text", "extra"]
    float32 = rowshape.float32_columns(info, columns)
    full = [{"id": 1, "score": 0.1, "text": "a", "extra": True}, {"id": 2, "score": None, "text": "b", "extra": 3}]
    partial = full + [{"id": 3, "score": 0.5, "text": "c"}]  # a row without the dynamic key
    for rows in (full, partial, []):
        got = rowshape.batch_values(columns, rows, float32)
        expected = [rowshape.row_values(columns, r, float32) for r in rows]
        assert got == expected
        assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]  # Float32 kept
    assert rowshape.batch_values(columns, partial, float32)[2][3] is ABSENT
    assert rowshape.batch_values(["id"], full, float32) == [[1], [2]]


def test_csv_cells_are_written_as_before():
    """The fast paths of the csv writer (values as they are, float vectors joined by hand) write what
    the per-cell conversion wrote."""
    rows = [[1, "a,b", 0.1, Float32(0.1), True, None, ABSENT, b"\x01\xff", [0.5, 1e-20, -3e300],
             [1.0, float("nan")], [1.0, float("inf")], [1.0, 2], [1.0, True], ["é", {"k": [1, None]}], {"a": "ü"}, []]]
    out = format_table(Table([f"c{i}" for i in range(len(rows[0]))], rows), "csv")
    cells = next(csv.reader(io.StringIO(out.splitlines()[1])))
    assert cells == ["1", "a,b", "0.1", "0.1", "true", "",
                     "", "01ff", "[0.5,1e-20,-3e+300]", "[1.0,NaN]", "[1.0,Infinity]", "[1.0,2]", "[1.0,true]",
                     '["é",{"k":[1,null]}]', '{"a":"ü"}', "[]"]



def test_csv_cells_are_written_as_before():
    """The fast paths of the csv writer (values as they are, float vectors joined by hand) write what
    the per-cell conversion wrote."""
    rows = [[1, "a,b", 0.1, Float32(0.1), True, None, ABSENT, b"\x01\xff", [0.5, 1e-20, -3e300],
             [1.0, float("nan")], [1.0, float("inf")], [1.0, 2], [1.0, True], ["é", {"k": [1, None]}], {"a": "ü"}, []]]
    out = format_table(Table([f"c{i}" for i in range(len(rows[0]))], rows), "csv")
    cells = next(csv.reader(io.StringIO(out.splitlines()[1])))
    assert cells == ["1", "a,b", "0.1", "0.1", "true", "",
                     "", "01ff", "[0.5,1e-20,-3e+300]", "[1.0,NaN]", "[1.0,Infinity]", "[1.0,2]", "[1.0,true]",
                     '["é",{"k":[1,null]}]', '{"a":"ü"}', "[]"]
