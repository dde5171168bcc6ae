"""Hostile VarChar primary keys against Milvus Lite and Milvus 2.3.5: `get` and `delete --ids` touch
exactly the keys named, whatever quotes, brackets, `or`, backslashes or unicode they hold."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymilvus import DataType, MilvusClient

from harness import Harness, connect_line

pytestmark = pytest.mark.server

NAME = "expr_hostile_keys"
# Pieces that break a pasted expression, and plain ones around them.
PIECES = ["'", '"', "\\", "[", "]", ",", " or ", " or id != 'zz' or id in ['", '" or id != "', "\\'", '\\"',
          "\\n", "\n", "\r", "\t", "\x01", "é", "漢", "😀", "\u202e", "id", "a", "0", " "]
KEYS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)


@pytest.fixture
def hostile(server):
    client = MilvusClient(**server.client_kwargs())
    if client.has_collection(NAME):
        client.drop_collection(NAME)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    client.create_collection(NAME, schema=schema, consistency_level="Strong")
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_index(NAME, index)
    client.load_collection(NAME)
    sh = Harness(timeout=30, confirm=lambda question: True)
    sh.ok(connect_line(server))
    yield client, sh
    sh.close()
    client.drop_collection(NAME)
    client.close()


def stored(client) -> set[str]:
    return {r["id"] for r in client.query(NAME, filter="", output_fields=["id"], limit=16384)}


def words(keys) -> str:
    """Each key in single quotes, as a POSIX shell reads them (a quote inside as '"'"')."""
    return " ".join("'" + k.replace("'", "'\"'\"'") + "'" for k in keys)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_get_and_delete_touch_exactly_the_keys_named(hostile, data):
    client, sh = hostile
    number = next(_examples)
    keys = data.draw(st.lists(KEYS, min_size=2, max_size=6, unique=True))
    keys = [f"k{number}{k}" for k in keys]  # each example's keys are its own; earlier ones stay
    named = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
    client.insert(NAME, [{"id": k, "vector": [0.5, 0.5]} for k in keys])
    before = stored(client)

    out = sh.ok(f"get {NAME} {words(named)} --format json --fields id")
    assert sorted(r["id"] for r in json.loads(out)) == sorted(named)

    said = sh.ok(f"delete {NAME} --ids {words(named)} --yes")
    assert f"deleted {len(named)} row" in said
    assert stored(client) == before - set(named)


_examples = itertools.count()


def test_delete_of_an_injected_id_deletes_nothing_else(hostile):
    """Issue 21 case 1: the injection that used to delete every row."""
    client, sh = hostile
    keys = ["a", "y", "zz", "O'Brien"]
    client.insert(NAME, [{"id": k, "vector": [0.5, 0.5]} for k in keys])
    out = sh.ok(f"""get {NAME} a "x'] or id != 'zz' or id in ['y" --format json --fields id""")
    assert [r["id"] for r in json.loads(out)] == ["a"]
    said = sh.ok(f"""delete {NAME} --ids a "x'] or id != 'zz' or id in ['y" --yes""")
    assert "deleted 1 row from" in said
    assert stored(client) == {"y", "zz", "O'Brien"}
    assert "deleted 1 row from" in sh.ok(f"""delete {NAME} --ids "O'Brien" --yes""")
    # a quoted comma is part of its id: 'y,z' names no row, zz one
    assert "deleted 1 row from" in sh.ok(f"""delete {NAME} --ids 'y,z' zz --yes""")
    assert stored(client) == {"y"}
