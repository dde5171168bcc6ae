"""The schema document round trip on the collections of pymilvus's own examples (simple,
hybrid_search, sparse, bm25 full text, customize_schema, partition key): made by pymilvus, described
by the shell, made again from that file, described again: the same. What a server cannot keep is
refused before anything is made (a clustering key on Milvus Lite; nullable, several vector fields,
sparse vectors and functions on Milvus 2.3.5). ``create index`` with --metric BM25 and sparse types."""

from __future__ import annotations

import json
import time

import pytest
from pymilvus import DataType, Function, FunctionType, MilvusClient

from harness import Harness, connect_line
from transcripts import ROOT

pytestmark = pytest.mark.server

ANALYZER = {"tokenizer": "standard", "filter": ["lowercase"]}


def _client(server) -> MilvusClient:
    for attempt in range(3):  # Lite may refuse a new client with "too many pings": back off
        try:
            return MilvusClient(**server.client_kwargs())
        except Exception:  # noqa: BLE001 - the last attempt's error is raised
            if attempt == 2:
                raise
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")


@pytest.fixture
def lite(lite_server):
    client = _client(lite_server)
    sh = Harness(timeout=10, confirm=lambda question: True)
    sh.ok(connect_line(lite_server))
    yield sh, client
    sh.close()
    client.close()


def fresh(client, *names):
    for name in names:
        if client.has_collection(name):
            client.drop_collection(name)


# -- the example collections, as pymilvus's examples make them ----------------------------------------

def simple(client, name):
    client.create_collection(name, 8, consistency_level="Strong", metric_type="L2")


def hybrid_search(client, name):
    schema = client.create_schema(auto_id=False, description="hello_milvus is the simplest demo")
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=100)
    schema.add_field("random", DataType.DOUBLE)
    schema.add_field("embeddings", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("embeddings2", DataType.FLOAT_VECTOR, dim=8)
    index = client.prepare_index_params()
    index.add_index(field_name="embeddings", index_type="IVF_FLAT", metric_type="L2", nlist=128)
    index.add_index(field_name="embeddings2", index_type="IVF_FLAT", metric_type="L2", nlist=128)
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def sparse(client, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=100)
    schema.add_field("random", DataType.DOUBLE)
    schema.add_field("embeddings", DataType.SPARSE_FLOAT_VECTOR)
    index = client.prepare_index_params()
    index.add_index(field_name="embeddings", index_type="SPARSE_INVERTED_INDEX", metric_type="IP",
                    params={"drop_ratio_build": 0.2})
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def bm25(client, name):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True, auto_id=False)
    schema.add_field("document_content", DataType.VARCHAR, max_length=9000, enable_analyzer=True,
                     analyzer_params=ANALYZER, enable_match=True)
    schema.add_field("sparse_vector", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25_fn", input_field_names=["document_content"],
                                 output_field_names="sparse_vector", function_type=FunctionType.BM25))
    index = client.prepare_index_params()
    index.add_index(field_name="sparse_vector", index_name="sparse_inverted_index", index_type="SPARSE_INVERTED_INDEX",
                    metric_type="BM25", params={"bm25_k1": 1.2, "bm25_b": 0.75})
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def customize_schema(client, name):
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("embeddings", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("title", DataType.VARCHAR, max_length=64)
    index = client.prepare_index_params()
    index.add_index(field_name="embeddings", index_type="AUTOINDEX", metric_type="L2")  # Lite needs the type
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong",
                             properties={"mmap.enabled": "false"})


def partition_key(client, name):
    schema = client.create_schema(auto_id=True)
    schema.add_field("id", DataType.INT64, is_primary=True, auto_id=True)
    schema.add_field("shop", DataType.VARCHAR, max_length=16, is_partition_key=True)
    schema.add_field("stock", DataType.INT32, nullable=True)
    schema.add_field("price", DataType.DOUBLE, default_value=9.5)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection(name, schema=schema, consistency_level="Bounded")


EXAMPLES = [simple, hybrid_search, sparse, bm25, customize_schema, partition_key]


def _pymilvus_view(client, name):
    """describe_collection as pymilvus gives it, without what differs between two collections."""
    raw = client.describe_collection(name)
    fields = [{k: str(v) for k, v in f.items() if k != "field_id"} for f in raw["fields"]]
    functions = [{k: str(v) for k, v in f.items() if not k.endswith("_ids") and k != "id"} for f in raw["functions"]]
    return fields, functions, raw["properties"], raw.get("num_partitions")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda f: f.__name__)
def test_an_example_collection_copies_to_the_same_describe(lite, example, tmp_path):
    sh, client = lite
    source, copy = f"rt_{example.__name__}", f"rt_{example.__name__}_copy"
    fresh(client, source, copy)
    example(client, source)
    try:
        described = sh.ok(f"describe {source} --format json")
        path = tmp_path / "schema.json"
        path.write_text(described)
        made = sh.ok(f"create collection {copy} --schema {path}")
        assert f"created collection {copy}" in made
        again = json.loads(sh.ok(f"describe {copy} --format json"))
        assert again == {**json.loads(described), "collection": copy}
        assert _pymilvus_view(client, copy) == _pymilvus_view(client, source)
    finally:
        fresh(client, source, copy)


def test_the_bm25_document_says_what_makes_the_sparse_field(lite):
    sh, client = lite
    fresh(client, "rt_words")
    bm25(client, "rt_words")
    try:
        doc = json.loads(sh.ok("describe rt_words --format json"))
        text, out = doc["fields"][1], doc["fields"][2]
        assert text["enable_analyzer"] is True and text["analyzer_params"] == ANALYZER and text["enable_match"]
        assert out["function_output"] is True
        assert doc["functions"] == [{"name": "bm25_fn", "type": "BM25", "input_fields": ["document_content"],
                                     "output_fields": ["sparse_vector"], "params": {}, "description": ""}]
        assert doc["indexes"][0]["metric"] == "BM25"
    finally:
        fresh(client, "rt_words")


def test_a_clustering_key_or_a_partition_count_lite_would_drop_is_refused_first(lite, tmp_path):
    sh, client = lite
    fresh(client, "rt_refused")
    base = {"fields": [{"name": "id", "type": "Int64", "primary_key": True},
                       {"name": "v", "type": "FloatVector", "dim": 2}]}
    clustered = {**base, "fields": base["fields"] + [{"name": "ck", "type": "Int64", "clustering_key": True}]}
    counted = {**base, "fields": base["fields"] + [{"name": "p", "type": "Int64", "partition_key": True}],
               "num_partitions": 8}
    for doc, named in ((clustered, "clustering keys ('ck')"),
                       (counted, "a partition key's partition count (num_partitions 8: it always makes 16)")):
        path = tmp_path / "refused.json"
        path.write_text(json.dumps(doc))
        err = sh.fail(f"create collection rt_refused --schema {path}")
        assert f"not supported by this server (Milvus Lite 3.2.2): {named}; nothing was created" in err
        assert not client.has_collection("rt_refused")


# -- create index: sparse types and the BM25 metric ----------------------------------------------------

def test_create_index_with_the_bm25_metric_and_sparse_parameters(lite, tmp_path):
    sh, client = lite
    fresh(client, "rt_noindex", "rt_sparse")
    doc = {"fields": [{"name": "id", "type": "Int64", "primary_key": True},
                      {"name": "text", "type": "VarChar", "max_length": 200, "enable_analyzer": True},
                      {"name": "words", "type": "SparseFloatVector"},
                      {"name": "dense", "type": "FloatVector", "dim": 2}],
           "functions": [{"name": "bm25", "type": "BM25", "input_fields": ["text"], "output_fields": ["words"]}]}
    path = tmp_path / "noindex.json"
    path.write_text(json.dumps(doc))
    assert "not loaded" in sh.ok(f"create collection rt_noindex --schema {path}")
    try:
        assert "--metric BM25 needs one" in sh.fail("create index rt_noindex dense --metric BM25")
        assert "SPARSE_WAND indexes sparse vectors" in sh.fail("create index rt_noindex dense --type SPARSE_WAND")
        assert "its index takes --metric BM25, not IP" in sh.fail("create index rt_noindex words --metric IP")
        assert "--param bm25_k1 goes with --metric BM25" in sh.fail(
            "create index rt_noindex dense --param bm25_k1=1.2")
        assert client.list_indexes("rt_noindex") == []
        out = sh.ok("create index rt_noindex words --type SPARSE_INVERTED_INDEX --param bm25_k1=1.2 --param bm25_b=0.75")
        assert "built index words (SPARSE_INVERTED_INDEX, BM25) on rt_noindex.words" in out
        assert client.describe_index("rt_noindex", "words")["metric_type"] == "BM25"

        sparse(client, "rt_sparse")
        client.release_collection("rt_sparse")
        client.drop_index("rt_sparse", "embeddings")
        out = sh.ok("create index rt_sparse embeddings --type SPARSE_INVERTED_INDEX --param drop_ratio_build=0.1")
        assert "built index embeddings (SPARSE_INVERTED_INDEX, IP)" in out  # IP: a sparse field's default
        assert "drop_ratio_build goes with a sparse vector field" in sh.fail(
            "create index rt_noindex dense --param drop_ratio_build=0.1")
    finally:
        fresh(client, "rt_noindex", "rt_sparse")


# -- Milvus 2.3.5: refused, in the server's words where it gave some ------------------------------------

@pytest.fixture
def milvus(milvus_auth):
    client = _client(milvus_auth)
    sh = Harness(timeout=10, confirm=lambda question: True)
    sh.ok(connect_line(milvus_auth))
    yield sh, client
    sh.close()
    client.close()


PK = {"name": "id", "type": "Int64", "primary_key": True}
VEC = {"name": "v", "type": "FloatVector", "dim": 2}


@pytest.mark.parametrize("fields, functions, named", [
    ([PK, VEC, {"name": "n", "type": "Int64", "nullable": True}], [], "nullable fields ('n')"),
    ([PK, VEC, {**VEC, "name": "w"}], [],
     "several vector fields ('v', 'w'): multiple vector fields is not supported"),
    ([PK, {"name": "sp", "type": "SparseFloatVector"}], [], "sparse vector fields ('sp')"),
    ([PK, {"name": "t", "type": "VarChar", "max_length": 9, "enable_analyzer": True},
      {"name": "sp", "type": "SparseFloatVector"}],
     [{"name": "f", "type": "BM25", "input_fields": ["t"], "output_fields": ["sp"]}],
     "sparse vector fields ('sp'), functions ('f: BM25'), analyzers ('t')"),
    ([PK, VEC, {"name": "ck", "type": "Int64", "clustering_key": True}], [], "clustering keys ('ck')"),
])
def test_milvus_2_3_refuses_what_it_cannot_hold_and_makes_nothing(milvus, tmp_path, fields, functions, named):
    sh, client = milvus
    fresh(client, "rt_old")
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"fields": fields, "functions": functions}))
    err = sh.fail(f"create collection rt_old --schema {path}")
    assert "not supported by this server (Milvus v2.3.5" in err
    assert f"): {named}" in err and "nothing was created" in err
    assert not client.has_collection("rt_old")


def test_milvus_2_3_copies_properties_and_a_partition_count(milvus, tmp_path):
    sh, client = milvus
    fresh(client, "rt_counted", "rt_counted_copy")
    path = tmp_path / "counted.json"
    path.write_text(json.dumps({"fields": [PK, VEC, {"name": "p", "type": "Int64", "partition_key": True}],
                                "num_partitions": 4, "properties": {"collection.ttl.seconds": 60}}))
    try:
        sh.ok(f"create collection rt_counted --schema {path}")
        doc = json.loads(sh.ok("describe rt_counted --format json"))
        assert doc["num_partitions"] == 4 and doc["properties"] == {"collection.ttl.seconds": "60"}
        assert len(client.list_partitions("rt_counted")) == 4
        path.write_text(json.dumps(doc))
        sh.ok(f"create collection rt_counted_copy --schema {path}")
        assert json.loads(sh.ok("describe rt_counted_copy --format json")) == {**doc, "collection": "rt_counted_copy"}
    finally:
        fresh(client, "rt_counted", "rt_counted_copy")


def test_the_shipped_bm25_document_is_what_describe_prints(lite):
    """docs/schema.md: docs/data/articles.described.json is describe's output for articles.schema.json."""
    sh, client = lite
    fresh(client, "articles")
    try:
        sh.ok(f"create collection articles --schema {ROOT / 'docs' / 'data' / 'articles.schema.json'}")
        shipped = (ROOT / "docs" / "data" / "articles.described.json").read_text()
        assert sh.ok("describe articles --format json") == shipped
    finally:
        fresh(client, "articles")


def test_lite_says_it_keeps_no_max_length_for_array_elements(lite, tmp_path):
    sh, client = lite
    fresh(client, "rt_tags")
    path = tmp_path / "tags.json"
    path.write_text(json.dumps({"fields": [PK, VEC, {"name": "tags", "type": "Array", "element_type": "VarChar",
                                                     "max_capacity": 2, "max_length": 4}]}))
    try:
        out = sh.ok(f"create collection rt_tags --schema {path}")
        assert "created collection rt_tags" in out
        assert "warning: Milvus Lite 3.2.2 keeps no max_length for Array elements: 'tags' will take strings of any " \
               "length" in out
    finally:
        fresh(client, "rt_tags")
