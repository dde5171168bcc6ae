"""Destructive commands asking first, in a real pseudo-terminal against a Milvus Lite server:
answered no (nothing changes) and yes (it is done)."""

from __future__ import annotations

import pytest
from pymilvus import MilvusClient

import explore_data as data
from pty_terminal import prompt_of

pytestmark = pytest.mark.server


@pytest.fixture
def client(lite_server):
    c = MilvusClient(**lite_server.client_kwargs())
    yield c
    c.close()


def test_drop_collection_wants_its_name_typed_back(terminal, lite_server, client):
    name = "pty_dropme"
    if client.has_collection(name):
        client.drop_collection(name)
    client.create_collection(name, schema=data._simple_schema("pty"))
    term = terminal()
    term.line(f"connect a {lite_server.address}")
    term.expect(prompt_of("a", lite_server))
    term.line(f"drop collection {name}")
    term.expect(rf"This will drop collection '{name}' with its ~?0 rows.* on a \(127\.0\.0\.1:{lite_server.port}\)")
    term.expect(rf"Type '{name}' to confirm, anything else to keep it: ")
    term.line("yes")  # not the name
    term.expect(r"error: not confirmed; nothing changed")
    term.expect(prompt_of("a", lite_server))
    assert client.has_collection(name)
    term.line(f"drop collection {name}")
    term.expect(rf"Type '{name}' to confirm")
    term.line(name)
    term.expect(rf"dropped collection {name}")
    term.expect(prompt_of("a", lite_server))
    assert not client.has_collection(name)
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0


def test_drop_alias_asks_yes_or_no(terminal, lite_server, client):
    name, alias = "pty_aliased", "pty_alias"
    if client.has_collection(name):
        client.drop_collection(name)
    client.create_collection(name, schema=data._simple_schema("pty"))
    client.create_alias(name, alias)
    term = terminal()
    term.line(f"connect a {lite_server.address}")
    term.expect(prompt_of("a", lite_server))
    term.line(f"drop alias {alias}")
    term.expect(rf"This will drop alias '{alias}' of collection '{name}'")
    term.expect(r"Go ahead\? \[y/N\] ")
    term.line("n")
    term.expect(r"error: not confirmed; nothing changed")
    assert alias in client.list_aliases()["aliases"]
    term.line(f"drop alias {alias}")
    term.expect(r"Go ahead\? \[y/N\] ")
    term.line("y")
    term.expect(rf"dropped alias {alias}")
    assert alias not in client.list_aliases()["aliases"]
    client.drop_collection(name)
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0
