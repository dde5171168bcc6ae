"""insert and delete in a real pseudo-terminal against Milvus Lite: the confirmation answered no and
yes, progress on the terminal, and Ctrl-C during a big insert (it stops at the next batch and says
how many rows went in; the count on the server agrees, and stays)."""

from __future__ import annotations

import json
import re
import time

import pytest
from pymilvus import DataType, MilvusClient

from pty_terminal import NOT_CONNECTED, prompt_of

pytestmark = pytest.mark.server

DIM = 128


@pytest.fixture
def client(lite_server):
    c = MilvusClient(**lite_server.client_kwargs())
    yield c
    c.close()


def make(client, name, dim=DIM):
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    client.create_collection(name, schema=schema, consistency_level="Strong")


def count(client, name) -> int:
    return int(client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"])


def test_delete_asks_naming_the_count_alias_and_address(terminal, lite_server, client):
    make(client, "pty_delete", dim=2)
    client.insert("pty_delete", [{"id": i, "vector": [i, i]} for i in range(10)])
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.line(f"connect a {lite_server.address}")
    term.expect(prompt_of("a", lite_server))
    term.line("delete pty_delete id < 5")
    term.expect(rf"This will delete 5 rows of 'pty_delete' matching id < 5 \(this cannot be undone\) "
                rf"on a \(127\.0\.0\.1:{lite_server.port}\)\.")
    term.expect(r"Go ahead\? \[y/N\] ")
    term.line("n")
    term.expect(r"not confirmed; nothing changed")
    term.expect(prompt_of("a", lite_server))
    assert count(client, "pty_delete") == 10
    term.line("delete pty_delete id < 5")
    term.expect(r"Go ahead\? \[y/N\] ")
    term.line("y")
    term.expect(r"deleted 5 rows from pty_delete")
    term.expect(prompt_of("a", lite_server))
    assert count(client, "pty_delete") == 5


def test_ctrl_c_during_a_big_insert_stops_at_the_next_batch_and_says_how_many_went_in(
        terminal, lite_server, client, tmp_path):
    make(client, "pty_big")
    total = 60_000
    path = tmp_path / "big.jsonl"
    with open(path, "w") as f:
        for i in range(total):
            f.write(json.dumps({"id": i, "vector": [(i + j) % 100 / 100 for j in range(DIM)]}) + "\n")
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.line(f"connect a {lite_server.address}")
    term.expect(prompt_of("a", lite_server))
    term.line(f"insert pty_big --file {path} --batch 1000")
    # The progress line: rows so far, rows/s, how much of the file, time left.
    term.expect(r"inserting \S+ into pty_big: [1-9][\d,]* rows, [\d,]+ rows/s, \d+%", timeout=60)
    term.child.sendintr()
    pressed = time.monotonic()
    said = term.expect(r"cancelled: ([\d,]+) rows? went into pty_big(.*?)nothing after that was sent", timeout=5)
    term.expect(prompt_of("a", lite_server), timeout=5)
    assert time.monotonic() - pressed < 2.0
    went = int(said.group(1).replace(",", ""))
    assert 0 < went < total
    on_the_way = re.search(r"([\d,]+) more \(lines .*?\) were on their way", said.group(2))
    time.sleep(2)  # anything still going would be in by now
    first = count(client, "pty_big")
    if on_the_way:
        assert went <= first <= went + int(on_the_way.group(1).replace(",", ""))
    else:
        assert first == went
        assert f"(lines 1 to {went:,} of {path})" in said.group(2)
    time.sleep(1)
    assert count(client, "pty_big") == first  # it stopped: no batch went after
    term.line("count pty_big")  # the connection is still usable
    term.expect(rf"\b{first}\b")
    term.expect(prompt_of("a", lite_server))
