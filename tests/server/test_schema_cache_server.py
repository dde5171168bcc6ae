"""The kept schema (schema_cache.py) on Milvus Lite while another client, pymilvus, drops and recreates
the collection between two searches of the shell: the answer is the new collection's (the same as
pymilvus's own search), or a clear error in words; never an answer shaped by the old schema."""

from __future__ import annotations

import json
import random

import pytest
from pymilvus import DataType, MilvusClient

from harness import connect_line
from milvus_shell.schema_cache import SchemaCache

pytestmark = pytest.mark.server

NAME = "cache_recreated"
ROWS = 50


@pytest.fixture(scope="module")
def client(lite_server):
    c = MilvusClient(**lite_server.client_kwargs())
    yield c
    c.close()


@pytest.fixture
def sh(sh, lite_server):
    """A shell that keeps a schema for ten minutes: the other client's change always lands while it is kept."""
    sh.ctx.schemas = SchemaCache(ttl=600)
    sh.ok(connect_line(lite_server))
    return sh


def make(client: MilvusClient, dim: int, key: str, metric: str, seed: int) -> list[dict]:
    """(Re)create the collection as another client would: its own key name, dimension and metric."""
    if client.has_collection(NAME):
        client.drop_collection(NAME)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field(key, DataType.INT64, is_primary=True)
    schema.add_field("tag", DataType.VARCHAR, max_length=20)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type=metric)
    client.create_collection(NAME, schema=schema, index_params=index, consistency_level="Strong")
    rng = random.Random(seed)
    rows = [{key: seed * 1000 + i, "tag": f"{dim}-{i}", "vector": [rng.random() for _ in range(dim)]}
            for i in range(ROWS)]
    client.insert(NAME, rows)
    return rows


def search_line(vector: list[float]) -> str:
    return f"search {NAME} --vector '{json.dumps(vector)}' --limit 5 --consistency Strong --format json"


def test_a_collection_recreated_wider_by_another_client_is_searched_as_it_now_is(sh, client):
    make(client, dim=4, key="id", metric="L2", seed=1)
    first = json.loads(sh.ok(search_line([0.5, 0.5, 0.5, 0.5])))
    assert [h["id"] for h in first] and all(1000 <= h["id"] < 2000 for h in first)

    make(client, dim=8, key="doc", metric="IP", seed=2)  # within the shell's few seconds of keeping
    query = [0.25] * 8
    ours = json.loads(sh.ok(search_line(query)))
    theirs = client.search(NAME, data=[query], limit=5, anns_field="vector", output_fields=["tag"],
                           search_params={"metric_type": "IP"}, consistency_level="Strong")[0]
    assert [(h["doc"], round(h["distance"], 4)) for h in ours] == \
           [(h["doc"], round(h["distance"], 4)) for h in theirs]
    assert ours and all(h["tag"].startswith("8-") for h in ours)
    assert "score (IP)" in sh.ok(search_line(query).replace(" --format json", "")).splitlines()[0]

    err = sh.fail(search_line([0.5, 0.5, 0.5, 0.5]))  # the old width, now wrong: said so, in words
    assert "wrong vector dimension: 4 numbers given" in err and "8" in err
    client.drop_collection(NAME)


def test_a_collection_dropped_by_another_client_is_said_to_be_gone(sh, client):
    make(client, dim=4, key="id", metric="L2", seed=3)
    assert json.loads(sh.ok(search_line([0.1, 0.2, 0.3, 0.4])))
    client.drop_collection(NAME)
    err = sh.fail(search_line([0.1, 0.2, 0.3, 0.4]))
    assert f"collection {NAME!r} not found" in err
