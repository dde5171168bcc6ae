"""plot in a real pseudo-terminal against Milvus Lite, read off the screen: a 20-row 2-D collection
and a 128-dim one (projected), each with a query and its k nearest hits marked and labelled; colors
and braille dots on a terminal, plain characters under NO_COLOR."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient

from pty_terminal import ANSI, NOT_CONNECTED, prompt_of

pytestmark = pytest.mark.server

ROWS, COLS = 40, 110


@pytest.fixture(scope="module")
def client(lite_server):
    c = MilvusClient(**lite_server.client_kwargs())
    yield c
    c.close()


def make(client, name, vectors, categories):
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("name", DataType.VARCHAR, max_length=16)
    schema.add_field("kind", DataType.VARCHAR, max_length=16)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=len(vectors[0]))
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    client.insert(name, [{"id": i, "name": f"n{i}", "kind": categories[i], "vector": list(map(float, v))}
                         for i, v in enumerate(vectors)])


def nearest(vectors, query, k):
    distances = ((np.asarray(vectors, dtype=np.float32) - np.float32(query)) ** 2).sum(axis=1)
    return [int(i) for i in np.argsort(distances, kind="stable")[:k]]


@pytest.fixture(scope="module")
def flat(client):
    # 20 points on a 5 x 4 grid, far enough apart that each label has its own row on screen
    vectors = [[x * 0.25, y * 0.3] for x in range(5) for y in range(4)]
    make(client, "pty_plot_flat", vectors, ["a" if x < 3 else "b" for x in range(5) for _ in range(4)])
    return vectors


@pytest.fixture(scope="module")
def deep(client):
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(30, 128)).astype(np.float32)
    vectors[:15, 0] += 6  # two clusters
    make(client, "pty_plot_deep", vectors.tolist(), ["x"] * 15 + ["y"] * 15)
    return vectors


def open_shell(terminal, lite_server, **env):
    term = terminal(env=env, rows=ROWS, cols=COLS)
    term.expect(NOT_CONNECTED)
    term.line(f"connect a {lite_server.address}")
    term.expect(prompt_of("a", lite_server))
    return term


def screen_between(term, start: str, lite_server) -> str:
    """What the shell printed after ``start`` up to its next prompt, escape sequences removed from the
    whole output at once (``term.text`` strips each read alone, so a sequence cut by two reads stays)."""
    term.expect(re.escape(start))
    term.expect(prompt_of("a", lite_server))
    text = ANSI.sub("", term.raw)
    begin = text.rindex(start) + len(start)
    return text[begin:re.compile(prompt_of("a", lite_server)).search(text, begin).start()]


def test_a_2d_query_and_its_nearest_hits_are_marked_in_color(terminal, lite_server, flat):
    term = open_shell(terminal, lite_server)
    query = [0.3, 0.35]
    term.line(f"plot pty_plot_flat --vector '{query}' --k 3 --label name --color kind")
    screen = screen_between(term, "pty_plot_flat.vector: 20 rows by kind", lite_server)
    for rank, i in enumerate(nearest(flat, query, 3), 1):
        assert re.search(rf"o {rank} n{i}\b|\b{rank} n{i} o", screen), (rank, i, screen)
    assert screen.count("X") == 2  # the query on the picture, and in the legend
    assert re.search(r"⣿ a\s+⣿ b\s+o 3 nearest\s+X query", screen)
    assert any(0x2801 <= ord(ch) <= 0x28FF for ch in screen.split("dim 0")[0])  # points are braille dots
    assert "\x1b[38;5;" in term.raw  # in color
    lines = [line for line in screen.split("\n") if line.strip()]
    assert len(lines) < ROWS and max(len(line.rstrip()) for line in lines) <= COLS  # fits the screen


def test_128_dims_are_projected_with_the_query_and_hits_marked(terminal, lite_server, deep):
    term = open_shell(terminal, lite_server)
    term.line("plot pty_plot_deep --like 3 --k 4 --color kind")
    term.expect(r"projected from 128 to 2 dimensions \(PCA\): the picture keeps \d+% of the variance")
    screen = screen_between(term, "pty_plot_deep.vector: 30 rows by kind", lite_server)
    for rank in range(1, 5):
        assert re.search(rf"o {rank} \d+\b|\b{rank} \d+ o", screen), (rank, screen)
    assert re.search(r"X 3\b|\b3 X", screen)  # the query row, labelled with its id
    assert "principal component 1" in screen
    assert re.search(r"o 4 nearest\s+X query", screen)


def test_no_color_draws_plain_characters(terminal, lite_server, flat):
    term = open_shell(terminal, lite_server, NO_COLOR="1")
    term.line("plot pty_plot_flat --vector '[1.0, 0.9]' --k 2 --color kind")
    screen = screen_between(term, "pty_plot_flat.vector: 20 rows by kind", lite_server)
    picture = screen.split("X query")[0]
    assert picture.isascii()
    assert re.search(r"\* a\s+\+ b\s+o 2 nearest", screen)
    assert "\x1b[38;5;" not in term.raw
