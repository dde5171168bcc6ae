"""Commands that change a server, against Milvus Lite and a real Milvus 2.3.5: flush, drop collection
(and their safety: scripts need --yes, nothing changes without it)."""

from __future__ import annotations

import pytest
from pymilvus import MilvusClient

import explore_data as data
from harness import Harness, connect_line
from milvus_shell.cli import main

pytestmark = pytest.mark.server


@pytest.fixture(params=["lite", "milvus"])
def server(request):
    return request.getfixturevalue("lite_server" if request.param == "lite" else "milvus_auth")


@pytest.fixture
def client(server):
    c = MilvusClient(**server.client_kwargs())
    yield c
    c.close()


def make_collection(client, name):
    if client.has_collection(name):
        client.drop_collection(name)
    client.create_collection(name, schema=data._simple_schema("to be dropped"))
    client.insert(name, [{"name": f"n{i}", "v": [i, i]} for i in range(5)])


def test_flush_and_drop_collection(server, client):
    name = "change_dropme"
    make_collection(client, name)
    sh = Harness(timeout=10, confirm=lambda question: question.typed == name)
    try:
        sh.ok(connect_line(server))
        assert f"flushed {name}" in sh.ok(f"flush {name}")
        assert f"dropped collection {name}" in sh.ok(f"drop collection {name}")
        assert not client.has_collection(name)
        assert "not found" in sh.fail(f"drop collection {name} --yes")
    finally:
        sh.close()


def test_a_script_must_say_yes_to_drop(server, client, capsys):
    name = "change_keepme"
    make_collection(client, name)
    connect = connect_line(server)
    assert main(["-c", f"{connect}; drop collection {name}"]) == 1
    err = capsys.readouterr().err
    assert f"refusing to drop collection '{name}'" in err and "--yes" in err
    assert client.has_collection(name)
    assert main(["-c", f"{connect}; drop collection {name} --yes"]) == 0
    assert not client.has_collection(name)
