"""plot against Milvus Lite: a 2-D class collection (query, hits, labels, legend), a 128-dim one
projected (the variance kept, checked against numpy's own eigenvalues), sampling, --png, refusals."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient

from harness import connect_line

pytestmark = pytest.mark.server

FOODS = [  # name, category, [sweetness, crunchiness]
    ("apple", "fruit", [0.7, 0.8]), ("pear", "fruit", [0.75, 0.5]), ("mango", "fruit", [0.9, 0.2]),
    ("banana", "fruit", [0.8, 0.1]), ("grape", "fruit", [0.85, 0.3]), ("cherry", "fruit", [0.8, 0.45]),
    ("carrot", "vegetable", [0.4, 0.9]), ("celery", "vegetable", [0.1, 0.85]),
    ("cucumber", "vegetable", [0.15, 0.7]), ("radish", "vegetable", [0.05, 0.95]),
    ("lettuce", "vegetable", [0.1, 0.4]), ("spinach", "vegetable", [0.05, 0.1]),
    ("crisps", "snack", [0.1, 1.0]), ("cookie", "snack", [0.9, 0.75]), ("cracker", "snack", [0.2, 0.8]),
    ("chocolate", "snack", [1.0, 0.3]), ("popcorn", "snack", [0.3, 0.9]), ("pretzel", "snack", [0.15, 0.95]),
    ("honey", "sweet", [1.0, 0.0]), ("toffee", "sweet", [0.95, 0.6]),
]


@pytest.fixture(scope="module")
def client(lite_server):
    c = MilvusClient(**lite_server.client_kwargs())
    yield c
    c.close()


def make(client, name, dim, rows):
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("name", DataType.VARCHAR, max_length=32)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    client.insert(name, rows)


@pytest.fixture(scope="module")
def foods(client):
    rows = [{"id": i, "name": n, "category": c, "vector": v} for i, (n, c, v) in enumerate(FOODS, 1)]
    make(client, "plot_foods", 2, rows)
    return rows


@pytest.fixture(scope="module")
def wide(client):
    rng = np.random.default_rng(3)
    # 60 rows of 128 numbers with most of their spread along two directions, some noise elsewhere
    basis = np.linalg.qr(rng.normal(size=(128, 2)))[0].T
    data = rng.normal(size=(60, 1)) * 5 * basis[0] + rng.normal(size=(60, 1)) * 2 * basis[1]
    data = (data + rng.normal(scale=0.3, size=(60, 128))).astype(np.float32)
    rows = [{"id": i, "name": f"doc{i}", "vector": data[i].tolist()} for i in range(60)]
    make(client, "plot_wide", 128, rows)
    return data


@pytest.fixture
def sh(sh, lite_server):
    sh.ok(connect_line(lite_server))
    return sh


def nearest(rows, query, k, skip=None):
    ranked = sorted((r for r in rows if r["id"] != skip),
                    key=lambda r: float(np.sum((np.float32(r["vector"]) - np.float32(query)) ** 2)))
    return [r["name"] for r in ranked[:k]]


def frame_rows(picture: str) -> list[str]:
    """The lines inside the picture's frame (between its top and bottom borders)."""
    lines = picture.splitlines()
    top = next(i for i, line in enumerate(lines) if line.strip().startswith("+-"))
    bottom = next(i for i in range(len(lines) - 1, top, -1) if lines[i].strip().startswith("+") and "-" in lines[i])
    return lines[top + 1:bottom]


def test_a_2d_class_collection_with_a_query_its_hits_and_a_legend(sh, foods):
    query = [0.85, 0.25]
    ok, out, err = sh.run(f"plot plot_foods --vector '{query}' --k 3 --label name --color category")
    assert ok, err
    assert err == ""  # 20 rows of 20, two dimensions: nothing to note
    inside = "\n".join(frame_rows(out))
    assert inside.count("X") == 1  # the query, once
    for rank, name in enumerate(nearest(foods, query, 3), 1):
        assert re.search(rf"o {rank} {name}\b|\b{rank} {name} o", inside), (rank, name, out)
    legend = out.splitlines()[-1].strip().split("   ")
    assert [part.strip() for part in legend] == ["* fruit", "+ snack", "# sweet", "% vegetable",
                                                 "o 3 nearest", "X query"]
    assert "plot_foods.vector: 20 rows by category" in out.splitlines()[0]
    assert "dim 0" in out and "dim 1" in out
    # few rows: every other point is labelled too, the hits' names only once
    assert "celery" in inside and inside.count(nearest(foods, query, 1)[0]) == 1


def test_the_query_sits_where_its_numbers_say(sh, foods):
    # A query at the top right corner of the data: the X is in the top rows, right of the middle.
    ok, out, _ = sh.run("plot plot_foods --vector '[1.0, 1.0]' --k 1")
    assert ok
    rows = frame_rows(out)
    where = [(i, line.index("X")) for i, line in enumerate(rows) if "X" in line]
    assert len(where) == 1
    row, column = where[0]
    assert row <= 1 and column > len(rows[0]) * 0.8


def test_like_marks_that_row_and_its_neighbours_without_itself(sh, foods):
    ok, out, err = sh.run("plot plot_foods --like 7 --k 2 --label name")  # 7: carrot
    assert ok, err
    inside = "\n".join(frame_rows(out))
    carrot = next(r for r in foods if r["id"] == 7)
    first, second = nearest(foods, carrot["vector"], 2, skip=7)
    assert re.search(rf"1 {first}\b", inside) and re.search(rf"2 {second}\b", inside)
    assert re.search(r"X carrot|carrot X", inside)
    assert "o 2 nearest" in out.splitlines()[-1]


def test_128_dimensions_are_projected_and_the_variance_kept_is_said(sh, wide):
    ok, out, err = sh.run("plot plot_wide --vector '" + str(wide[0].tolist()) + "' --k 4")
    assert ok, err
    centred = wide.astype(np.float64) - wide.astype(np.float64).mean(axis=0)
    eigen = np.sort(np.linalg.eigvalsh(centred.T @ centred))[::-1]
    kept = eigen[:2].sum() / eigen.sum()
    # the projection is fitted to the rows, the hits and the query together; hits and query are rows
    # here (the query is row 0's vector), so the share differs from the rows' alone by very little
    match = re.fullmatch(r"projected from 128 to 2 dimensions \(PCA\): the picture keeps (\d+)% of the variance\n",
                         err)
    assert match, err
    assert abs(int(match.group(1)) - round(kept * 100)) <= 1
    assert "principal component 1" in out and "principal component 2" in out
    inside = "\n".join(frame_rows(out))
    assert inside.count("X") == 1
    assert all(f"{rank} " in inside for rank in (1, 2, 3, 4))
    assert "o 4 nearest" in out


def test_a_sample_says_how_many_rows_it_drew(sh, foods):
    ok, out, err = sh.run("plot plot_foods --limit 5")
    assert ok
    assert err == "drawing 5 of 20 rows (the first the server returned; --limit N draws more or fewer)\n"
    assert "plot_foods.vector: 5 rows" in out


def test_a_filter_narrows_rows_and_hits(sh, foods):
    ok, out, err = sh.run("plot plot_foods --vector '[0.85, 0.25]' --k 2 --label name "
                          "--filter 'category == \"vegetable\"'")
    assert ok, err
    vegetables = [r for r in foods if r["category"] == "vegetable"]
    inside = "\n".join(frame_rows(out))
    for rank, name in enumerate(nearest(vegetables, [0.85, 0.25], 2), 1):
        assert f"{rank} {name}" in inside
    assert "mango" not in inside and "6 rows" in out.splitlines()[0]


def test_png_writes_a_new_private_image_and_never_overwrites(sh, foods, tmp_path):
    target = tmp_path / "foods.png"
    out = sh.ok(f"plot plot_foods --vector '[0.85, 0.25]' --color category --label name --png {target}")
    assert out == f"wrote {target}: plot_foods.vector: 20 rows by category\n"
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert target.stat().st_mode & 0o777 == 0o600
    err = sh.fail(f"plot plot_foods --png {target}")
    assert "will not write" in err and "already exists" in err
    assert target.read_bytes() == data


def test_refusals_in_words(sh, foods, client):
    assert "give either --vector or --like, not both" in sh.fail("plot plot_foods --vector '[1, 0]' --like 3")
    assert "wrong vector dimension: 3 numbers given" in sh.fail("plot plot_foods --vector '[1, 0, 0]'")
    assert "plot marks one query vector, not 2" in sh.fail("plot plot_foods --vector '[[1, 0], [0, 1]]'")
    assert "no row with id 999" in sh.fail("plot plot_foods --like 999")
    assert "'vector' is a vector field" in sh.fail("plot plot_foods --label vector")
    if client.has_collection("plot_sparse"):  # Milvus Lite has no binary vectors; sparse ones it has
        client.drop_collection("plot_sparse")
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("words", DataType.SPARSE_FLOAT_VECTOR)
    index = client.prepare_index_params()
    index.add_index("words", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_collection("plot_sparse", schema=schema, index_params=index)
    client.insert("plot_sparse", [{"id": 1, "words": {3: 0.5, 70: 0.1}}])
    err = sh.fail("plot plot_sparse")
    assert re.search(r"plot draws float vectors; 'words' is Sparse\w*", err), err
    assert "binary, sparse, float16 and int8 vectors cannot be plotted yet" in err


def test_an_empty_collection_says_so(sh, client):
    make(client, "plot_empty", 2, [])
    assert sh.ok("plot plot_empty") == "no rows to plot in plot_empty\n"


def test_label_color_and_field_complete_from_the_collections_fields(lite_server, foods):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from harness import Harness
    from milvus_shell.completion import ShellCompleter, default_sources

    harness = Harness(timeout=10)
    try:
        harness.ctx.settings.interactive = True  # the name cache is for completion: scripts leave it empty
        harness.ok(connect_line(lite_server))
        cache = harness.ctx.metadata
        cache.wait(20)
        sources = default_sources(harness.registry, harness.ctx.table)
        sources.update(cache.completion_sources())
        completer = ShellCompleter(harness.ctx.table, sources)

        def offered(text: str) -> list[str]:
            return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]

        assert "name" in offered("plot plot_foods --label na")
        assert "vector" in offered("plot plot_foods --field vec")
        assert "plot_foods" in offered("plot plot_fo")
        assert "--color" in offered("plot plot_foods --co")
    finally:
        harness.close()


def test_labels_from_the_server_cannot_drive_the_terminal(sh, client):
    rows = [{"id": 1, "name": "evil\x1b[2J", "category": "a\x07b", "vector": [0.1, 0.2]},
            {"id": 2, "name": "a very long name that goes on", "category": "x", "vector": [0.9, 0.8]},
            {"id": 3, "name": "price", "category": "x", "vector": [0.5, 0.5], "price": 0.30000001192092896}]
    make(client, "plot_escapes", 2, rows)
    ok, out, err = sh.run("plot plot_escapes --vector '[0.1, 0.2]' --k 3 --label name --color category")
    assert ok, err
    assert "\x1b" not in out and "\x07" not in out
    assert r"1 evil\x1b[2J" in out and r"a\x07b" in out
    assert "a very long name..." in out and "goes on" not in out
    ok, out, err = sh.run("plot plot_escapes --label price")
    assert ok, err
    assert " 0.3" in out and "0.3000" not in out and " (none)" in out
