"""Batch sizing for every collection shape, from the rows received, and a reply refused as too large
split and asked again (a fake query iterator; tests/server/test_export_shapes.py does it for real)."""

from __future__ import annotations

import grpc
import pytest

from milvus_shell.backend import data as data_ops
from milvus_shell.backend.data import BatchSizer, RowStream, reply_too_large
from milvus_shell.catalog import CollectionInfo, FieldInfo
from milvus_shell.errors import ShellError

MiB = 1024 * 1024
PK = FieldInfo("id", "Int64", "INT64", primary=True)


def shape(*fields: FieldInfo, dynamic: bool = False) -> CollectionInfo:
    return CollectionInfo("c", (PK, *fields), dynamic=dynamic)


def vector(dim: int, name: str = "vec") -> FieldInfo:
    return FieldInfo(name, f"FloatVector(dim {dim})", "FLOAT_VECTOR", dim=dim)


def varchar(n: int) -> FieldInfo:
    return FieldInfo("text", f"VarChar({n})", "VARCHAR", max_length=n)


JSON = FieldInfo("meta", "JSON", "JSON")
ARRAY = FieldInfo("tags", "Array(Int64, capacity 4096)", "ARRAY", element_kind="INT64", max_capacity=4096)
SPARSE = FieldInfo("sparse", "SparseFloatVector", "SPARSE_FLOAT_VECTOR")

# (shape, one row as pymilvus returns it): narrow values in fields the schema bounds widely or not at all
SHAPES = {
    "dynamic": (shape(vector(4), dynamic=True), lambda i: {"id": i, "vec": [0.1] * 4, "color": "red"}),
    "varchar64": (shape(varchar(64), vector(4)), lambda i: {"id": i, "text": "t%d" % i, "vec": [0.1] * 4}),
    "varchar65535": (shape(varchar(65535), vector(4)), lambda i: {"id": i, "text": "short", "vec": [0.1] * 4}),
    "json": (shape(JSON, vector(4)), lambda i: {"id": i, "meta": {"k": i}, "vec": [0.1] * 4}),
    "array": (shape(ARRAY, vector(4)), lambda i: {"id": i, "tags": [1, 2, 3], "vec": [0.1] * 4}),
    "sparse": (shape(SPARSE), lambda i: {"id": i, "sparse": {3: 0.5, 70: 0.25}}),
    "two vectors": (shape(vector(4), vector(8, "vec2")),
                    lambda i: {"id": i, "vec": [0.1] * 4, "vec2": [0.2] * 8}),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_narrow_rows_grow_the_batch_to_what_milvus_returns_per_call(name):
    info, make = SHAPES[name]
    sizer = BatchSizer(info, None)
    assert 1 <= sizer.size <= 16384
    assert sizer.size * sizer.wire_bound <= data_ops.STREAM_REPLY_BYTES  # the first reply fits at the bound
    assert sizer.measure([make(i) for i in range(sizer.size)]) == 16384


def test_wide_vectors_make_batches_bounded_in_memory():
    sizer = BatchSizer(shape(vector(1536)), None)
    rows = [{"id": i, "vec": [0.5] * 1536} for i in range(sizer.size)]
    size = sizer.measure(rows)
    assert 100 < size < 16384
    assert size * (200 + 32 * 1536) <= data_ops.STREAM_BATCH_BYTES


def test_wide_values_shrink_the_next_batch_again():
    info, make = SHAPES["dynamic"]
    sizer = BatchSizer(info, None)
    assert sizer.measure([make(i) for i in range(100)]) == 16384
    wide = [{"id": i, "vec": [0.1] * 4, "color": "x" * 500_000} for i in range(20)]
    shrunk = sizer.measure(wide)
    assert shrunk * 500_000 <= data_ops.STREAM_REPLY_BYTES
    assert shrunk * 2 * 500_000 <= data_ops.STREAM_BATCH_BYTES


class TooLarge(grpc.RpcError):
    """What gRPC raises for a reply over its limit."""

    def code(self):
        return grpc.StatusCode.RESOURCE_EXHAUSTED

    def details(self):
        return "Sent message larger than max (960223971 vs. 268435456)"


class Iterator:
    """A QueryIterator's surface over ``total`` rows: it refuses any page whose rows would be more
    than ``limit_rows`` (as the server refuses a reply over 256 MB); its cursor moves only on success."""

    def __init__(self, total: int, size: int, limit_rows: int, error: Exception | None = None) -> None:
        self.total, self.limit_rows = total, limit_rows
        self.error = error or TooLarge()
        self.cursor = 0
        self._query_options = {"batch_size": size, "limit": size}
        self.asked: list[int] = []
        self.closed = False

    def next(self):
        size = self._query_options["batch_size"]
        self.asked.append(size)
        if min(size, self.total - self.cursor) > self.limit_rows:
            raise self.error
        page = [{"id": i, "vec": [0.1] * 4, "color": "red"} for i in range(self.cursor, min(self.total, self.cursor + size))]
        self.cursor += len(page)
        return page

    def close(self):
        self.closed = True


class Session:
    """What a RowStream asks of its session: ``call`` with a timeout, failures translated."""

    def call(self, method, *args, **kwargs):
        try:
            return method(5.0, *args, **kwargs)
        except Exception as exc:
            raise ShellError(f"translated: {exc}") from exc


def stream(iterator: Iterator, sizer: BatchSizer) -> RowStream:
    return RowStream(Session(), "c", "", iterator, iterator._query_options["batch_size"], sizer)


def test_a_reply_refused_as_too_large_is_asked_again_in_halves():
    info, _ = SHAPES["dynamic"]
    sizer = BatchSizer(info, None)
    iterator = Iterator(total=50_000, size=sizer.size, limit_rows=3000)
    ids = [row["id"] for batch in stream(iterator, sizer) for row in batch]
    assert ids == list(range(50_000))  # every row once, in order
    assert max(iterator.asked) == 16384  # it grew first...
    assert 16384 // 8 in iterator.asked  # ...was halved until the server answered...
    after = iterator.asked[iterator.asked.index(16384 // 8):]
    assert max(after) <= 16384 // 8  # ...and never grew past a refused size again
    assert iterator.closed


def test_a_row_too_large_alone_fails_in_words():
    info, _ = SHAPES["dynamic"]
    sizer = BatchSizer(info, None)
    iterator = Iterator(total=10, size=sizer.size, limit_rows=0)
    with pytest.raises(ShellError) as failed:
        list(stream(iterator, sizer))
    assert isinstance(failed.value.__cause__, TooLarge)  # the session's words for the server's refusal
    assert iterator.asked[-1] == 1
    assert iterator.closed


def test_other_failures_are_not_retried():
    info, _ = SHAPES["dynamic"]
    sizer = BatchSizer(info, None)
    iterator = Iterator(total=10, size=sizer.size, limit_rows=0, error=RuntimeError("collection not loaded"))
    with pytest.raises(ShellError, match="not loaded"):
        list(stream(iterator, sizer))
    assert iterator.asked == [sizer.size]


def test_too_large_is_recognised_through_the_exception_chain():
    try:
        try:
            raise TooLarge()
        except TooLarge as inner:
            raise RuntimeError("Fail to query") from inner
    except RuntimeError as outer:
        assert reply_too_large(outer)
    assert reply_too_large(RuntimeError("grpc: received message larger than max (300000000 vs. 268435456)"))
    assert not reply_too_large(RuntimeError("collection not found"))
