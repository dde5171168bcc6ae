"""search against real servers, step by step as pymilvus's examples do it (hybrid_search.py, sparse.py,
BM25 full-text search, a group-by search), each answer compared with pymilvus's own on the same data:
ids, order, and scores to 4 decimals. The key column filled whatever the key is called, on Milvus Lite
and Milvus 2.3.5; what Milvus 2.3.5 lacks refused in words."""

from __future__ import annotations

import json
import random
import re

import pytest
from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusClient, RRFRanker, WeightedRanker

from harness import connect_line

pytestmark = pytest.mark.server

DIM = 8
ROWS = 200
WORDS = ("red", "green", "blue", "apple", "car", "tea", "fast", "slow", "river", "stone", "light", "song")


def hits_of(out: str) -> list[dict]:
    return json.loads(out)


def same(shell_hits: list[dict], pymilvus_hits, pk: str) -> None:
    """The shell's hits are pymilvus's: the same keys in the same order, scores equal to 4 decimals."""
    theirs = [(h[pk] if pk in h else h["id"], round(h["distance"], 4)) for h in pymilvus_hits]
    ours = [(h[pk], round(h["distance"], 4)) for h in shell_hits]
    assert ours == theirs
    assert ours, "a comparison of two empty answers proves nothing"


@pytest.fixture(scope="module")
def client(lite_server):
    c = MilvusClient(**lite_server.client_kwargs())
    yield c
    c.close()


@pytest.fixture
def sh(sh, lite_server):
    sh.ok(connect_line(lite_server))
    return sh


@pytest.fixture(scope="module")
def hybrid(client):
    """pymilvus's hybrid_search.py: a VarChar key 'pk', a Double 'random', two 8-dim float vector fields."""
    name = "srch_hybrid"
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=100)
    schema.add_field("random", DataType.DOUBLE)
    schema.add_field("embeddings", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("embeddings2", DataType.FLOAT_VECTOR, dim=DIM)
    index = client.prepare_index_params()
    index.add_index("embeddings", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 16})
    index.add_index("embeddings2", index_type="FLAT", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    rng = random.Random(7)
    rows = [{"pk": str(i), "random": rng.random(), "embeddings": [rng.random() for _ in range(DIM)],
             "embeddings2": [rng.random() for _ in range(DIM)]} for i in range(ROWS)]
    client.insert(name, rows)
    return name, rows


@pytest.fixture(scope="module")
def sparse(client):
    """pymilvus's sparse.py: a VarChar key, a Double, a sparse vector field under SPARSE_INVERTED_INDEX (IP)."""
    name = "srch_sparse"
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=100)
    schema.add_field("random", DataType.DOUBLE)
    schema.add_field("embeddings", DataType.SPARSE_FLOAT_VECTOR)
    index = client.prepare_index_params()
    index.add_index("embeddings", index_type="SPARSE_INVERTED_INDEX", metric_type="IP",
                    params={"drop_ratio_build": 0.2})
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    rng = random.Random(11)
    rows = [{"pk": str(i), "random": rng.random(),
             "embeddings": {d: rng.random() for d in rng.sample(range(1000), 20)}} for i in range(ROWS)]
    client.insert(name, rows)
    return name, rows


@pytest.fixture(scope="module")
def texts(client):
    """A BM25 full-text collection (pymilvus's full-text search example): text -> sparse by a BM25
    function, a dense field beside it, a 'kind' field to group by."""
    name = "srch_texts"
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=1000, enable_analyzer=True)
    schema.add_field("kind", DataType.INT64)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["text"], output_field_names=["sparse"]))
    index = client.prepare_index_params()
    index.add_index("dense", index_type="FLAT", metric_type="COSINE")
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    rng = random.Random(5)
    rows = [{"id": i, "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))), "kind": i % 7,
             "dense": [rng.uniform(-1, 1) for _ in range(DIM)]} for i in range(ROWS)]
    client.insert(name, rows)
    return name, rows


def vec(seed: int) -> list[float]:
    rng = random.Random(seed)
    return [round(rng.random(), 6) for _ in range(DIM)]


# -- the key column, on every server ---------------------------------------------------------------

def test_a_key_not_named_id_is_shown_on_every_server(sh, bare_server, bare_client):
    sh.ok("disconnect default")
    sh.ok(connect_line(bare_server))
    name = "srch_pk"
    if bare_client.has_collection(name):
        bare_client.drop_collection(name)
    sh.ok(f"create collection {name} --dim 2 --id-field pk")
    sh.ok(f"insert {name} '[{{\"pk\": 11, \"vector\": [1, 0]}}, {{\"pk\": 12, \"vector\": [0, 1]}}]'")
    sh.ok(f"flush {name}")
    hits = hits_of(sh.ok(f"search {name} --vector '[1, 0.1]' --limit 2 --consistency Strong --format json"))
    assert [h["pk"] for h in hits] == [11, 12]
    table = sh.ok(f"search {name} --vector '[1, 0.1]' --limit 2 --consistency Strong")
    assert table.splitlines()[0].split(" | ")[0].strip() == "pk" and "\n11 " in table
    bare_client.drop_collection(name)


# -- pymilvus's hybrid_search.py -------------------------------------------------------------------

def test_dense_search_with_a_varchar_key_equals_pymilvus(sh, client, hybrid):
    name, _ = hybrid
    q = vec(1)
    ours = hits_of(sh.ok(f"search {name} --vector 'embeddings={json.dumps(q)}' --limit 5 --param nprobe=16 "
                         "--format json"))
    theirs = client.search(name, data=[q], anns_field="embeddings", limit=5,
                           search_params={"metric_type": "L2", "params": {"nprobe": 16}})[0]
    same(ours, theirs, "pk")
    assert "distance (L2, squared)" in sh.ok(f"search {name} --vector 'embeddings={json.dumps(q)}' --limit 1")
    assert "score (IP)" in sh.ok(f"search {name} --vector 'embeddings2={json.dumps(q)}' --limit 1")


@pytest.mark.parametrize("rerank", [None, "rrf:10", "weighted:0.8,0.2"])
def test_hybrid_search_equals_pymilvus(sh, client, hybrid, rerank):
    name, _ = hybrid
    q1, q2 = vec(2), vec(3)
    line = (f"search {name} --vector 'embeddings={json.dumps(q1)}' --vector 'embeddings2={json.dumps(q2)}' "
            "--limit 6 --filter 'random > 0.3' --fields random --format json")
    ours = hits_of(sh.ok(line + (f" --rerank {rerank}" if rerank else "")))
    reqs = [AnnSearchRequest([q1], "embeddings", {"metric_type": "L2", "params": {}}, 6, expr="random > 0.3"),
            AnnSearchRequest([q2], "embeddings2", {"metric_type": "IP", "params": {}}, 6, expr="random > 0.3")]
    ranker = RRFRanker() if rerank is None else RRFRanker(10) if rerank == "rrf:10" else WeightedRanker(0.8, 0.2)
    theirs = client.hybrid_search(name, reqs, ranker, limit=6, output_fields=["random"])[0]
    same(ours, theirs, "pk")
    assert all(h["random"] > 0.3 for h in ours)
    label = "score (RRF)" if rerank is None or rerank.startswith("rrf") else "score (weighted)"
    assert label in sh.ok(line.replace("--format json", "") + (f" --rerank {rerank}" if rerank else ""))


def test_hybrid_search_refuses_a_wrong_rerank(sh, hybrid):
    name, _ = hybrid
    two = f"search {name} --vector 'embeddings={json.dumps(vec(1))}' --vector 'embeddings2={json.dumps(vec(2))}'"
    assert "--rerank weighted has 1 weights for 2 searches" in sh.fail(two + " --rerank weighted:0.5")
    assert "--rerank takes rrf" in sh.fail(two + " --rerank max")
    assert "give more than one --vector or --text" in sh.fail(
        f"search {name} --vector 'embeddings={json.dumps(vec(1))}' --rerank rrf")


# -- pymilvus's sparse.py ---------------------------------------------------------------------------

def test_sparse_search_equals_pymilvus(sh, client, sparse):
    # sparse.py searches with drop_ratio_search 0.2; Milvus Lite takes only 0
    name, rows = sparse
    q = rows[3]["embeddings"]
    text = json.dumps({str(k): v for k, v in q.items()})
    ours = hits_of(sh.ok(f"search {name} --vector '{text}' --limit 5 --param drop_ratio_search=0 --format json"))
    theirs = client.search(name, data=[q], anns_field="embeddings", limit=5,
                           search_params={"metric_type": "IP", "params": {"drop_ratio_search": 0}})[0]
    same(ours, theirs, "pk")
    assert ours[0]["pk"] == "3"
    like = hits_of(sh.ok(f"search {name} --like 3 --limit 5 --param drop_ratio_search=0 --format json"))
    assert like == ours


def test_a_sparse_vector_is_checked_in_words(sh, sparse):
    name, _ = sparse
    assert "takes a sparse vector" in sh.fail(f"search {name} --vector '[0.1, 0.2]'")
    assert "sparse index 'x'" in sh.fail(f"search {name} --vector '{{\"x\": 0.5}}'")
    assert "not a finite number" in sh.fail(f"search {name} --vector '{{\"3\": \"a\"}}'")


# -- BM25 full-text search ---------------------------------------------------------------------------

def test_full_text_search_equals_pymilvus(sh, client, texts):
    name, _ = texts
    ours = hits_of(sh.ok(f"search {name} --text 'red apple river' --limit 5 --fields text --format json"))
    theirs = client.search(name, data=["red apple river"], anns_field="sparse", limit=5, output_fields=["text"],
                           search_params={"metric_type": "BM25"})[0]
    same(ours, theirs, "id")
    assert "score (BM25)" in sh.ok(f"search {name} --text 'red apple' --limit 1")
    assert sh.ok(f"search {name} --text 'text=red apple' --limit 3 --format json") == \
        sh.ok(f"search {name} --text 'red apple' --limit 3 --format json")


def test_dense_and_full_text_hybrid_equals_pymilvus(sh, client, texts):
    name, _ = texts
    q = [0.5] * DIM
    ours = hits_of(sh.ok(f"search {name} --vector '{json.dumps(q)}' --text 'fast car' --limit 5 "
                         "--rerank weighted:0.3,0.7 --format json"))
    reqs = [AnnSearchRequest([q], "dense", {"metric_type": "COSINE", "params": {}}, 5),
            AnnSearchRequest(["fast car"], "sparse", {"metric_type": "BM25", "params": {}}, 5)]
    theirs = client.hybrid_search(name, reqs, WeightedRanker(0.3, 0.7), limit=5)[0]
    same(ours, theirs, "id")


# -- grouped, range, iterated ----------------------------------------------------------------------

def test_group_by_search_equals_pymilvus(sh, client, texts):
    name, _ = texts
    q = [0.1 * i for i in range(DIM)]
    ours = hits_of(sh.ok(f"search {name} --vector '{json.dumps(q)}' --group-by kind --limit 5 --fields kind "
                         "--format json"))
    theirs = client.search(name, data=[q], anns_field="dense", limit=5, group_by_field="kind",
                           output_fields=["kind"])[0]
    same(ours, theirs, "id")
    assert len({h["kind"] for h in ours}) == len(ours) == 5
    sized = hits_of(sh.ok(f"search {name} --vector '{json.dumps(q)}' --group-by kind --group-size 2 --limit 3 "
                          "--strict-group-size --fields kind --format json"))
    theirs = client.search(name, data=[q], anns_field="dense", limit=3, group_by_field="kind", group_size=2,
                           strict_group_size=True, output_fields=["kind"])[0]
    same(sized, theirs, "id")
    assert len(sized) == 6 and len({h["kind"] for h in sized}) == 3


def test_range_search_equals_pymilvus(sh, client, hybrid):
    name, _ = hybrid
    q = vec(9)
    ours = hits_of(sh.ok(f"search {name} --vector 'embeddings={json.dumps(q)}' --radius 1.2 --range-filter 0.6 "
                         "--limit 50 --format json"))
    theirs = client.search(name, data=[q], anns_field="embeddings", limit=50,
                           search_params={"metric_type": "L2", "params": {"radius": 1.2, "range_filter": 0.6}})[0]
    same(ours, theirs, "pk")
    assert all(0.6 <= h["distance"] < 1.2 for h in ours)


def test_limit_all_streams_every_hit(sh, client, hybrid):
    name, rows = hybrid
    q = vec(4)
    out = sh.ok(f"search {name} --vector 'embeddings2={json.dumps(q)}' --limit all --format csv")
    lines = out.strip().splitlines()
    assert lines[0].startswith("pk,distance")
    keys = [line.split(",")[0] for line in lines[1:]]
    assert sorted(keys) == sorted(r["pk"] for r in rows)
    top = client.search(name, data=[q], anns_field="embeddings2", limit=10, search_params={"metric_type": "IP"})[0]
    assert keys[:10] == [h["pk"] for h in top]
    assert "hybrid, grouped and several-vector" in sh.fail(
        f"search {name} --vector 'embeddings={json.dumps(q)}' --vector 'embeddings2={json.dumps(q)}' --limit all")


def test_search_params_are_checked_against_the_index(sh, hybrid):
    name, _ = hybrid
    base = f"search {name} --vector 'embeddings={json.dumps(vec(1))}'"
    err = sh.fail(base + " --param ef=64")
    assert "--param ef: not a search parameter of the index on 'embeddings' (IVF_FLAT)" in err
    assert "it takes: nprobe, radius, range_filter" in err
    assert "takes a whole number" in sh.fail(base + " --param nprobe=1.5")
    assert "indexed with L2" in sh.fail(base + " --param metric_type=IP")
    assert "--group-by: 'embeddings2' is not a scalar field" in sh.fail(base + " --group-by embeddings2")
    assert "go with --group-by" in sh.fail(base + " --group-size 2")


# -- what Milvus 2.3.5 lacks -------------------------------------------------------------------------

def test_milvus_2_3_refuses_grouping_and_hybrid_in_words(sh, milvus_ready):
    sh.ok("disconnect default")
    sh.ok(connect_line(milvus_ready))
    name = "explore_books"
    err = sh.fail(f"search {name} --vector '[0.1, 0.2, 0.3, 0.4]' --group-by year")
    assert re.search(r"not supported by this server \(Milvus v2\.3\.5[^)]*\): search grouping$", err.strip()), err
    err = sh.fail(f"search {name} --vector '[0.1, 0.2, 0.3, 0.4]' --vector '[0.4, 0.3, 0.2, 0.1]' --fields title")
    assert re.search(r"not supported by this server \(Milvus v2\.3\.5[^)]*\): hybrid search \(.+\)", err), err


# -- binary vectors: the forms export writes (hex) and insert takes (a list of bytes) -----------------

def test_binary_search_takes_hex_and_byte_lists_and_equals_pymilvus(sh, milvus_auth):
    # Milvus Lite 3.2.2 has no binary vectors: on Milvus 2.3.5
    sh.ok("disconnect default")
    sh.ok(connect_line(milvus_auth))
    client = MilvusClient(**milvus_auth.client_kwargs())
    name = "srch_binary"
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("bits", DataType.BINARY_VECTOR, dim=16)
    index = client.prepare_index_params()
    index.add_index("bits", index_type="BIN_FLAT", metric_type="HAMMING")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    rng = random.Random(3)
    client.insert(name, [{"id": i, "bits": bytes([rng.randrange(256), rng.randrange(256)])} for i in range(50)])
    q = bytes([0b10110000, 0b00001111])
    theirs = client.search(name, data=[q], anns_field="bits", limit=5, search_params={"metric_type": "HAMMING"})[0]
    by_hex = hits_of(sh.ok(f"search {name} --vector '\"{q.hex()}\"' --limit 5 --format json"))
    by_list = hits_of(sh.ok(f"search {name} --vector '{json.dumps(list(q))}' --limit 5 --format json"))
    same(by_hex, theirs, "id")
    assert by_list == by_hex
    assert "distance (HAMMING)" in sh.ok(f"search {name} --vector '\"{q.hex()}\"' --limit 1")
    assert "3 bytes given" in sh.fail(f"search {name} --vector '[1, 2, 3]'")
    like = hits_of(sh.ok(f"search {name} --like 7 --limit 1 --format json"))
    assert like[0]["distance"] == 0
    client.drop_collection(name)
    client.close()
