"""`query C --limit all`: batches sized in bytes, not only rows. The first batch is sized from the
schema's bound on a row, the next ones from the rows received, never beyond what one reply may hold;
wide rows export completely with memory that does not grow with them (the sizing without a server:
tests/unit/test_export_batches.py)."""

from __future__ import annotations

import csv
import resource
import subprocess
import sys

import pytest


# -- against Milvus Lite -----------------------------------------------------------------------------

WIDE = "export_wide_rows"
WIDE_ROWS = 2000
WIDE_VALUE = 60_000  # characters of each row's text: 120 MB in all


@pytest.fixture(scope="module")
def wide_server(lite_server):
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(**lite_server.client_kwargs(), dedicated=True)
    try:
        if client.has_collection(WIDE):
            client.drop_collection(WIDE)
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text", DataType.VARCHAR, max_length=65535)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
        index = client.prepare_index_params()
        index.add_index("vec", index_type="FLAT", metric_type="L2")
        client.create_collection(WIDE, schema=schema, index_params=index, timeout=60)
        for start in range(0, WIDE_ROWS, 250):
            rows = [{"id": i, "text": f"{i:08d}" + "x" * (WIDE_VALUE - 8), "vec": [0.5, 0.25]}
                    for i in range(start, start + 250)]
            client.insert(WIDE, rows, timeout=120)
        client.flush(WIDE, timeout=120)
        client.load_collection(WIDE, timeout=120)
    finally:
        client.close()
    return lite_server


@pytest.mark.server
def test_wide_rows_export_completely_with_bounded_memory(wide_server, tmp_path):
    """2,000 rows of 60 KB: the old row-count batching asked for them all in one 120 MB reply and
    the process peaked at ~1 GB (16,000 such rows were refused by the server: over 256 MB)."""
    out = tmp_path / "wide.csv"
    with open(out, "wb") as f:
        proc = subprocess.run([sys.executable, "-m", "milvus_shell", wide_server.address, "--timeout", "60",
                               "-c", f"query {WIDE} --limit all --format csv"],
                              stdout=f, stderr=subprocess.PIPE, timeout=300)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    assert proc.returncode == 0, proc.stderr.decode()
    ids = []
    with open(out, newline="") as f:
        for row in csv.DictReader(f):
            assert len(row["text"]) == WIDE_VALUE and row["text"].startswith(f"{int(row['id']):08d}")
            ids.append(int(row["id"]))
    assert sorted(ids) == list(range(WIDE_ROWS))
    # Python, pymilvus and the shell take ~180 MB before the first row; a batch adds ~100 MB.
    assert peak_mb < 500, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.server
def test_a_resized_query_iterator_neither_skips_nor_repeats_rows(wide_server, monkeypatch):
    """pymilvus's QueryIterator takes a new page size between calls (RowStream.batch_size): the
    stream's own sizing asks for 7 rows after each batch, the loop for 13 after every other."""
    from milvus_shell.addresses import parse_address
    from milvus_shell.backend import data as data_ops
    from milvus_shell.connection import ConnectionSettings
    from milvus_shell.backend import data as data_ops
    from milvus_shell.registry import ConnectionRegistry

    with ConnectionRegistry(timeout=60) as registry:
        registry.connect("a", ConnectionSettings(parse_address(wide_server.address)))
        _, session = registry.session("a")
        monkeypatch.setattr(data_ops, "STREAM_BATCH_RANGE", (7, 7))
        stream = session.query_batches(WIDE, "id < 100", ["id"], session.describe_collection(WIDE))
        sizes, ids = [], []
        for n, batch in enumerate(stream):
            sizes.append(len(batch))
            ids += [r["id"] for r in batch]
            if n % 2 == 0:
                stream.batch_size = 13  # after the stream sized the next call: 13, 7, 13, ...
        assert sizes[:4] == [7, 13, 7, 13]
        assert ids == list(range(100))
