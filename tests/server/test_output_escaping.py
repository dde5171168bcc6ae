"""Hostile text from the server (ESC, BEL, newlines, C1 controls, bidi overrides): real rows stored in
Milvus Lite and read back by a real milvus-shell process show escaped in table and vertical output,
and stay exact in json and csv (the renderer's own tests: tests/unit/test_escaping.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from hostile import HOSTILE, KEY, SHOWN, assert_inert


HOSTILE_COLLECTION = "hostile_text"


@pytest.fixture(scope="module")
def hostile_server(lite_server):
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(**lite_server.client_kwargs(), dedicated=True)
    try:
        if client.has_collection(HOSTILE_COLLECTION):
            client.drop_collection(HOSTILE_COLLECTION)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("t", DataType.VARCHAR, max_length=512)
        schema.add_field("meta", DataType.JSON)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        index = client.prepare_index_params()
        index.add_index("v", index_type="FLAT", metric_type="L2")
        client.create_collection(HOSTILE_COLLECTION, schema=schema, index_params=index, consistency_level="Strong")
        client.insert(HOSTILE_COLLECTION, [
            {"id": 1, "t": HOSTILE, "meta": {"k": "x\u202ey\x1b"}, "v": [0.0, 1.0], KEY: "dyn\x07"},
            {"id": 2, "t": "plain", "meta": {}, "v": [1.0, 0.0]},
        ])
        client.flush(HOSTILE_COLLECTION)
        client.load_collection(HOSTILE_COLLECTION)
    finally:
        client.close()
    return lite_server


def shell(*args):
    env = {**os.environ, "COLUMNS": "400"}  # wide enough that no cell is cut
    return subprocess.run([sys.executable, "-m", "milvus_shell", *args], capture_output=True, timeout=60, env=env)


@pytest.mark.server
@pytest.mark.parametrize("fmt", ["table", "vertical"])
def test_stored_control_characters_show_escaped(hostile_server, fmt):
    lines = f"query {HOSTILE_COLLECTION} --fields * --format {fmt}"
    r = shell(hostile_server.address, "-c", lines)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert_inert(out)
    assert SHOWN in out
    assert "k\\x1b[1m" in out and "dyn\\x07" in out  # a dynamic field's key and value
    assert "x\\u202ey\\u001b" in out  # inside a JSON cell: JSON escapes ESC, the renderer the bidi override
    if fmt == "table":
        rows = [line for line in out.splitlines() if line.startswith(("1 ", "2 "))]
        assert len(rows) == 2  # the stored newline did not split the row


@pytest.mark.server
def test_stored_control_characters_stay_exact_in_json_and_csv(hostile_server):
    name = HOSTILE_COLLECTION
    r = shell(hostile_server.address, "--format", "json", "-c", f"query {name} id == 1 --fields *")
    assert r.returncode == 0, r.stderr
    (row,) = json.loads(r.stdout)
    assert row["t"] == HOSTILE and row[KEY] == "dyn\x07" and row["meta"] == {"k": "x\u202ey\x1b"}
    r = shell(hostile_server.address, "--format", "csv", "-c", f"query {name} id == 1 --fields id,t")
    assert r.returncode == 0, r.stderr
    assert list(csv.reader(io.StringIO(r.stdout.decode(), newline=""))) == [["id", "t"], ["1", HOSTILE]]
