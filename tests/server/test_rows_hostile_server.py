"""Hostile row files against a real server (Milvus Lite and Milvus 2.3.5): an existing PATH.bad is
refused before any row goes in; 1e999 in a dynamic key and a line nested past the parser are bad
lines, set aside by --skip-bad, and the rest goes in."""

from __future__ import annotations

import json

import pytest
from pymilvus import DataType, MilvusClient

from harness import Harness, connect_line

pytestmark = pytest.mark.server


@pytest.fixture
def shell(bare_server):
    sh = Harness(timeout=30, confirm=lambda question: True)
    sh.ok(connect_line(bare_server))
    yield sh
    sh.close()


def make_notes(client, name):
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    client.create_collection(name, schema=schema, consistency_level="Strong")
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_index(name, index)
    client.load_collection(name)


def count(client, name) -> int:
    return int(client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"])


def test_an_existing_bad_file_is_refused_and_nothing_goes_in(bare_client, shell, tmp_path):
    make_notes(bare_client, "hostile_bad")
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": 1, "vector": [1, 2]}) + "\n{broken\n")
    earlier = tmp_path / "rows.jsonl.bad"
    earlier.write_text("the bad lines of an earlier load\n")
    err = shell.fail(f"insert hostile_bad --file {path} --skip-bad")
    assert f"will not write bad lines to {earlier}: it already exists; nothing was inserted" in err
    assert earlier.read_text() == "the bad lines of an earlier load\n"
    assert count(bare_client, "hostile_bad") == 0


def test_huge_numbers_and_deep_lines_are_set_aside(bare_client, shell, tmp_path):
    make_notes(bare_client, "hostile_rows")
    lines = [json.dumps({"id": i, "vector": [i, 0], "note": f"n{i}"}) for i in range(1, 6)]
    lines[1] = '{"id": 2, "vector": [1, 0], "note": 1e999}'
    lines[2] = '{"id": 3, "vector": [true, false]}'
    lines[3] = '{"id": 4, "vector": [1, 0], "note": ' + "[" * 50_000 + "]" * 50_000 + "}"
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n")
    out = shell.ok(f"insert hostile_rows --file {path} --skip-bad")
    assert "inserted 2 rows" in out and "3 bad lines skipped" in out
    assert (tmp_path / "rows.jsonl.bad").read_text().splitlines() == lines[1:4]
    assert count(bare_client, "hostile_rows") == 2
