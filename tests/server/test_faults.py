"""What real servers do to a shell: frozen and killed servers, many aliases at once (arbitrary input:
tests/unit/test_parser_fuzz.py). Servers are real processes the tests start, freeze, kill and restart."""

from __future__ import annotations

import threading
import time

import pytest

from harness import Harness
from milvus_shell.addresses import parse_address
from milvus_shell.connection import ConnectionSettings
from milvus_shell.registry import ConnectionRegistry


@pytest.mark.server
def test_frozen_server_call_times_out_and_others_keep_working(own_server, lite_server):
    sh = Harness(timeout=1.5)
    try:
        sh.ok(f"connect frozen {own_server.address}; connect fine {lite_server.address}")
        own_server.freeze()
        try:
            t0 = time.monotonic()
            err = sh.fail("ping frozen")
            elapsed = time.monotonic() - t0
            assert "timed out after 1.5 s" in err and own_server.address in err
            assert 1.4 < elapsed < 4
            assert "serving" in sh.ok("ping fine")
            assert sh.states() == {"frozen": "connected", "fine": "connected"}
        finally:
            own_server.thaw()
        assert "serving" in sh.ok("ping frozen")
    finally:
        sh.close()


@pytest.mark.server
def test_killed_server_then_restart_on_the_same_port(own_server):
    sh = Harness(timeout=3)
    try:
        sh.ok(f"connect a {own_server.address}")
        own_server.kill()
        for line in ("ping a", "show collections", "count anything", "show databases"):
            err = sh.fail(line)
            assert f"server unavailable at {own_server.address}" in err and "Traceback" not in err
            assert "Fail connecting" not in err and "hint: the next command reconnects" in err
        assert sh.states() == {"a": "connected"}  # the alias stays; only the server went away
        own_server.start()
        t0 = time.monotonic()
        assert "serving" in sh.ok("ping a")  # pymilvus reconnects; no manual connect
        assert time.monotonic() - t0 < 3  # the local subchannel pool skips gRPC's back-off
    finally:
        sh.close()


@pytest.mark.server
def test_fifty_aliases_on_two_servers_answer_to_the_alias_that_asked(lite_server, own_server):
    """Each server holds a collection the other lacks; 50 aliases ask at once from threads."""
    from pymilvus import MilvusClient

    marks = {}
    for server, name in ((lite_server, "only_on_a"), (own_server, "only_on_b")):
        client = MilvusClient(uri=server.uri, timeout=10, dedicated=True)
        try:
            if not client.has_collection(name, timeout=10):
                client.create_collection(name, dimension=4, timeout=10)
        finally:
            client.close()
        marks[server.port] = name

    with ConnectionRegistry(timeout=10) as registry:
        servers = {}
        for i in range(50):
            server = (lite_server, own_server)[i % 2]
            alias = f"a{i:02d}"
            registry.connect(alias, ConnectionSettings(parse_address(server.address)))
            servers[alias] = server
        failures: list[str] = []

        def ask(alias: str) -> None:
            for _ in range(5):
                _, session = registry.session(alias)
                names = session.call(session.client.list_collections)
                expected = marks[servers[alias].port]
                other = set(marks.values()) - {expected}
                if expected not in names or other & set(names):
                    failures.append(f"{alias} got {names}")

        threads = [threading.Thread(target=ask, args=(alias,)) for alias in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        views = registry.views()
        assert len(views) == 50 and all(v.connected for v in views)
        assert {v.address for v in views} == {lite_server.address, own_server.address}


@pytest.mark.server
def test_an_export_cut_off_by_a_dying_server_says_it_is_incomplete(own_server):
    """`query --limit all` streams; the server dies after the first batch: the rows already written
    stay, and stderr says the output is incomplete, how far it got and why; exit 1."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from pymilvus import MilvusClient

    client = MilvusClient(uri=own_server.uri, timeout=30, dedicated=True)
    try:
        client.create_collection("cut", dimension=2, timeout=30)
        for start in range(0, 40_000, 10_000):
            client.insert("cut", [{"id": i, "vector": [i / 40_000, 0.5]} for i in range(start, start + 10_000)],
                          timeout=30)
    finally:
        client.close()
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "milvus_shell", "--timeout", "3", own_server.address, "-c",
         "query cut --limit all --format csv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(root)})
    header = proc.stdout.readline()
    own_server.kill()  # while the shell is between batches (or within one)
    rest = proc.stdout.read()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert header.startswith(b"id,")
    written = rest.count(b"\n")
    assert written < 40_000
    assert "output incomplete: stopped after " in err and "Traceback" not in err, err
    assert "server unavailable" in err or "timed out" in err, err
