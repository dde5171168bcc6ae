"""Parquet files without a server: what query --output writes is what insert --file reads, in the
layout import jobs take (tests/server/test_import_server.py imports such a file on Milvus 2.3.5)."""

from __future__ import annotations

import json
import os
import sys

import pytest

from milvus_shell.catalog import CollectionInfo, FieldInfo
from milvus_shell.parquetfiles import META, ParquetRowWriter, open_row_file
from milvus_shell.rowfiles import FileError

pq = pytest.importorskip("pyarrow.parquet")

SHAPES = CollectionInfo("shapes", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("vector", "FloatVector(dim 2)", "FLOAT_VECTOR", dim=2),
    FieldInfo("bits", "BinaryVector(dim 16)", "BINARY_VECTOR", dim=16),
    FieldInfo("doc", "JSON", "JSON"),
    FieldInfo("tags", "Array(VarChar(8), capacity 4)", "ARRAY", element_kind="VARCHAR", max_length=8,
              max_capacity=4),
    FieldInfo("score", "Float", "FLOAT"),
), dynamic=True)

ROWS = [
    {"id": 1, "vector": [0.5, 0.25], "bits": [b"\x01\xff"], "doc": {"a": [1, 2]}, "tags": ["x"], "score": 1.5,
     "colour": "red"},
    {"id": 2, "vector": [1.0, 0.0], "bits": [b"\x00\x10"], "doc": {}, "tags": [], "score": 0.5, "year": 1999},
]
COLUMNS = ["id", "vector", "bits", "doc", "tags", "score", "colour", "year"]


def _write(path, batches=(ROWS,)):
    writer = ParquetRowWriter(str(path), SHAPES, COLUMNS)
    for batch in batches:
        writer.write(batch)
    writer.close()
    return writer


def test_the_written_layout_is_the_one_import_jobs_take(tmp_path):
    path = tmp_path / "rows.parquet"
    _write(path)
    table = pq.read_table(path)
    assert table.schema.names == ["id", "vector", "bits", "doc", "tags", "score", META]
    assert str(table.schema.field("vector").type) == "list<element: float>"
    assert str(table.schema.field("bits").type) == "list<element: uint8>"
    assert str(table.schema.field("doc").type) == "string"
    first = table.slice(0, 1).to_pylist()[0]
    assert json.loads(first["doc"]) == {"a": [1, 2]} and first["bits"] == [1, 255]
    assert json.loads(first[META]) == {"colour": "red"}
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_what_the_shell_writes_it_reads_back(tmp_path):
    path = tmp_path / "rows.parquet"
    _write(path, [ROWS[:1], ROWS[1:]])
    with open_row_file(str(path), SHAPES) as reader:
        items = list(reader)
        assert reader.bytes_read == reader.total_bytes
    assert [i.error for i in items] == [None, None]
    assert [i.line for i in items] == [1, 2]
    one, two = (i.row for i in items)
    assert one["bits"] == b"\x01\xff" and one["doc"] == {"a": [1, 2]} and one["colour"] == "red"
    assert one["vector"] == [0.5, 0.25] and one["tags"] == ["x"]
    assert two["year"] == 1999 and two["doc"] == {} and "colour" not in two


def test_a_bad_row_is_named_by_its_number_and_set_aside_as_a_json_line(tmp_path):
    path = tmp_path / "bad.parquet"
    _write(path, [[ROWS[0], dict(ROWS[1], vector=[1.0, 2.0, 3.0])]])
    with open_row_file(str(path), SHAPES) as reader:
        items = list(reader)
    assert items[0].error is None
    assert items[1].line == 2 and "dimension" in str(items[1].error) and items[1].error.field == "vector"
    assert json.loads(items[1].text)["id"] == 2


def test_an_existing_file_is_never_replaced_and_a_discarded_one_is_gone(tmp_path):
    path = tmp_path / "taken.parquet"
    path.write_text("mine")
    with pytest.raises(FileError, match="already exists"):
        ParquetRowWriter(str(path), SHAPES, COLUMNS)
    assert path.read_text() == "mine"
    fresh = tmp_path / "fresh.parquet"
    writer = ParquetRowWriter(str(fresh), SHAPES, COLUMNS)
    writer.write(ROWS)
    writer.discard()
    assert not fresh.exists()


def test_not_a_parquet_file_is_said(tmp_path):
    path = tmp_path / "text.parquet"
    path.write_text('{"id": 1}\n')
    with pytest.raises(FileError, match="not a Parquet file"):
        open_row_file(str(path), SHAPES)


def test_without_pyarrow_the_extra_is_named(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow fails
    with pytest.raises(FileError, match=r"milvus-shell\[parquet\]"):
        open_row_file(str(tmp_path / "x.parquet"), SHAPES)
    with pytest.raises(FileError, match=r"milvus-shell\[parquet\]"):
        ParquetRowWriter(str(tmp_path / "y.parquet"), SHAPES, COLUMNS)
    assert not (tmp_path / "y.parquet").exists()
