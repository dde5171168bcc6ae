"""`query C --limit all --format csv` exports every row of every collection shape from Milvus Lite:
the quick way (dynamic field), VarChar(64), VarChar(65535) with short and long values, JSON, arrays,
sparse vectors, 1,536-dim vectors, several vector fields. Batches are sized from the rows received
(tests/unit/test_batching.py); here each shape's file is checked whole, value by value."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

csv.field_size_limit(1 << 24)


def _vec(i: int, dim: int) -> list[float]:
    return [((i * 31 + k) % 97) / 8.0 for k in range(dim)]  # exact in float32: compared as written


def _long(i: int) -> str:
    return f"{i:06d}" + "abcdefghij" * 1500


def _sparse(i: int) -> dict[int, float]:
    return {i % 50: 0.5, 100 + i % 7: 0.25}


# name → (rows, schema fields (None: the quick way), vector fields' indexes, row maker, check of a CSV row)
SHAPES = {
    "quick": (3000, None, None, lambda i: {"id": i, "vector": _vec(i, 4), "color": f"c{i % 7}"},
              lambda i, r: r["color"] == f"c{i % 7}" and json.loads(r["vector"]) == _vec(i, 4)),
    "varchar64": (3000, [("text", "VARCHAR", {"max_length": 64}), ("vec", "FLOAT_VECTOR", {"dim": 4})], None,
                  lambda i: {"id": i, "text": f"t,{i}", "vec": _vec(i, 4)},
                  lambda i, r: r["text"] == f"t,{i}"),
    "varchar65535_short": (3000, [("text", "VARCHAR", {"max_length": 65535}), ("vec", "FLOAT_VECTOR", {"dim": 4})],
                           None, lambda i: {"id": i, "text": f"s{i}", "vec": _vec(i, 4)},
                           lambda i, r: r["text"] == f"s{i}"),
    "varchar65535_long": (400, [("text", "VARCHAR", {"max_length": 65535}), ("vec", "FLOAT_VECTOR", {"dim": 4})],
                          None, lambda i: {"id": i, "text": _long(i), "vec": _vec(i, 4)},
                          lambda i, r: r["text"] == _long(i)),
    "json": (3000, [("meta", "JSON", {}), ("vec", "FLOAT_VECTOR", {"dim": 4})], None,
             lambda i: {"id": i, "meta": {"k": i, "tags": ["a", "b"][: i % 3]}, "vec": _vec(i, 4)},
             lambda i, r: json.loads(r["meta"]) == {"k": i, "tags": ["a", "b"][: i % 3]}),
    "array": (3000, [("nums", "ARRAY", {"element_type": "INT64", "max_capacity": 16}),
                     ("vec", "FLOAT_VECTOR", {"dim": 4})], None,
              lambda i: {"id": i, "nums": list(range(i % 5)), "vec": _vec(i, 4)},
              lambda i, r: json.loads(r["nums"]) == list(range(i % 5))),
    "sparse": (2000, [("sparse", "SPARSE_FLOAT_VECTOR", {})], {"sparse": ("SPARSE_INVERTED_INDEX", "IP")},
               lambda i: {"id": i, "sparse": _sparse(i)},
               lambda i, r: {int(k): v for k, v in json.loads(r["sparse"]).items()} == _sparse(i)),
    "dim1536": (500, [("vec", "FLOAT_VECTOR", {"dim": 1536})], None,
                lambda i: {"id": i, "vec": _vec(i, 1536)},
                lambda i, r: json.loads(r["vec"]) == _vec(i, 1536)),
    "two_vectors": (2000, [("vec", "FLOAT_VECTOR", {"dim": 4}), ("vec2", "FLOAT_VECTOR", {"dim": 8})], None,
                    lambda i: {"id": i, "vec": _vec(i, 4), "vec2": _vec(i + 1, 8)},
                    lambda i, r: json.loads(r["vec2"]) == _vec(i + 1, 8)),
}


@pytest.fixture(scope="module")
def shapes_server(lite_server):
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(**lite_server.client_kwargs(), dedicated=True)
    try:
        for shape, (rows, fields, indexes, make, _) in SHAPES.items():
            name = f"shape_{shape}"
            if client.has_collection(name):
                client.drop_collection(name)
            if fields is None:
                client.create_collection(name, dimension=4, timeout=60)
            else:
                schema = MilvusClient.create_schema(auto_id=False)
                schema.add_field("id", DataType.INT64, is_primary=True)
                for field, kind, params in fields:
                    params = {k: getattr(DataType, v) if k == "element_type" else v for k, v in params.items()}
                    schema.add_field(field, getattr(DataType, kind), **params)
                index = client.prepare_index_params()
                for field, kind, _ in fields:
                    if kind.endswith("VECTOR"):
                        index_type, metric = (indexes or {}).get(field, ("FLAT", "L2"))
                        index.add_index(field, index_type=index_type, metric_type=metric)
                client.create_collection(name, schema=schema, index_params=index, timeout=60)
            for start in range(0, rows, 500):
                client.insert(name, [make(i) for i in range(start, min(rows, start + 500))], timeout=120)
            client.flush(name, timeout=120)
            client.load_collection(name, timeout=120)
    finally:
        client.close()
    return lite_server


@pytest.mark.server
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_exports_every_row(shapes_server, shape, tmp_path):
    rows, _, _, _, check = SHAPES[shape]
    out = tmp_path / "out.csv"
    with open(out, "wb") as f:
        proc = subprocess.run([sys.executable, "-m", "milvus_shell", shapes_server.address, "--timeout", "60",
                               "-c", f"query shape_{shape} --limit all --format csv"],
                              stdout=f, stderr=subprocess.PIPE, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    with open(out, newline="") as f:
        got = list(csv.DictReader(f))
    ids = [int(r["id"]) for r in got]
    assert sorted(ids) == list(range(rows))  # every row, once
    wrong = [int(r["id"]) for r in got if not check(int(r["id"]), r)]
    assert not wrong, f"{len(wrong)} rows written wrong, the first: {got[ids.index(wrong[0])]!r:.300}"
