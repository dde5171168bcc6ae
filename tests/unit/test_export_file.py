"""`query … --output FILE` without a server: rows streamed into a new file in each format, and an
unfinished file removed when the export stops (tests/server/test_import_server.py does it on 2.3.5)."""

from __future__ import annotations

import json

import pytest

from milvus_shell.catalog import CollectionInfo, FieldInfo
from milvus_shell.errors import Cancelled, UsageError
from milvus_shell.exportfile import export_rows

BOOKS = CollectionInfo("books", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("title", "VarChar(64)", "VARCHAR"),
    FieldInfo("vector", "FloatVector(dim 2)", "FLOAT_VECTOR", dim=2),
), dynamic=True)


class Batches:
    def __init__(self, batches):
        self.batches = batches
        self.closed = False
        self.batch_size = 2

    def __iter__(self):
        return iter(self.batches)

    def close(self):
        self.closed = True


def _batches():
    return Batches([[{"id": i, "title": f"t{i}", "vector": [0.5, float(i)], "year": 1990 + i} for i in (1, 2)],
                    [{"id": 3, "title": "t3", "vector": [0.5, 3.0], "year": 1993}]])


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_every_row_goes_into_a_new_private_file(tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    said: list[str] = []
    batches = _batches()
    message = export_rows(batches, BOOKS, None, str(path), fmt, said.append)
    assert message.text.startswith(f"wrote 3 rows of books to {path} ({fmt}) in ")
    assert batches.closed and path.stat().st_mode & 0o777 == 0o600
    if fmt == "json":
        assert [r["year"] for r in json.loads(path.read_text())] == [1991, 1992, 1993]
    elif fmt == "csv":
        assert path.read_text().splitlines()[0] == "id,title,vector,year"
    else:
        pq = pytest.importorskip("pyarrow.parquet")
        rows = pq.read_table(path).to_pylist()
        assert [json.loads(r["$meta"]) for r in rows] == [{"year": 1991}, {"year": 1992}, {"year": 1993}]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_stopped_export_leaves_no_file(tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"

    def progress(text: str) -> None:
        raise Cancelled()  # Ctrl-C: the runner refuses the abandoned worker's report

    batches = _batches()
    with pytest.raises(Cancelled):
        export_rows(batches, BOOKS, None, str(path), fmt, progress)
    assert not path.exists() and batches.closed


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_existing_file_is_refused_and_kept(tmp_path, fmt):
    path = tmp_path / "taken"
    path.write_text("mine")
    with pytest.raises(UsageError, match="already exists"):
        export_rows(_batches(), BOOKS, None, str(path), fmt, lambda text: None)
    assert path.read_text() == "mine"
