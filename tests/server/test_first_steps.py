"""What a newcomer hits first on a real server: clean pipes in scripts, a failed reconnect that keeps the
working connection, rows as the server has them, Ctrl-C and waiting said plainly."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import explore_data as data
from harness import Harness, connect_line


ROOT = Path(__file__).resolve().parents[2]


def shell(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "milvus_shell", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


# -- scripts: stdout holds data only ------------------------------------------------------------------

@pytest.mark.server
def test_a_script_writes_only_data_to_stdout(lite_ready):
    r = shell(lite_ready.address, "-c", f"load {data.BOOKS}; query {data.BOOKS} --limit all --format csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == data.ROWS and rows[0]["id"] == "0"
    assert "connected default" in r.stderr and "loaded" in r.stderr  # status, on stderr
    r = shell(lite_ready.address, "-c", f"count {data.BOOKS} --format json; connections --format json")
    assert r.returncode == 0, r.stderr
    decoder = json.JSONDecoder()
    first, end = decoder.raw_decode(r.stdout)
    second, _ = decoder.raw_decode(r.stdout[end:].lstrip())
    assert first == [{"count": data.ROWS}] and second[0]["alias"] == "default"


@pytest.mark.server
def test_quiet_leaves_out_status_lines(lite_ready):
    r = shell("-q", lite_ready.address, "-c", f"count {data.BOOKS}")
    assert r.returncode == 0 and r.stderr == ""
    assert str(data.ROWS) in r.stdout


@pytest.mark.server
def test_a_failed_reconnect_keeps_the_working_connection(lite_server):
    sh = Harness(timeout=5)
    sh.ok(connect_line(lite_server))
    assert "not found" in sh.fail(f"connect default {lite_server.address} --db no_such_db")
    assert sh.states() == {"default": "connected"}
    assert sh.registry.view("default").database == "default"
    sh.ok(f"connect default --host 127.0.0.1 --port {lite_server.port}")
    sh.close()


# -- rows as the server has them ---------------------------------------------------------------------

@pytest.mark.server
def test_rows_keep_their_own_keys_and_doubles_their_digits(lite_server):
    name = "newcomer_rows"
    with data.scratch_collection(lite_server.client_kwargs(), name) as client:
        client.insert(name, [{"id": 1, "vector": [0.1, 0.2], "a": 0.9728033590489911},
                             {"id": 2, "vector": [0.3, 0.4], "b": "x"}])
        sh = Harness(timeout=10)
        sh.ok(connect_line(lite_server))
        rows = json.loads(sh.ok(f"query {name} --fields id,a,b --format json"))
        assert rows == [{"id": 1, "a": 0.9728033590489911}, {"id": 2, "b": "x"}]
        table = sh.ok(f"query {name} --fields id,a,b")
        assert "0.9728033590489911" in table  # a double in full
        hits = sh.ok(f"search {name} --vector '[0.1, 0.2]' --limit 1 --fields a")
        assert "0.9728033590489911" in hits
        sh.close()


@pytest.mark.server
def test_partition_rows_are_marked_as_estimates(lite_ready):
    sh = Harness(timeout=10)
    sh.ok(connect_line(lite_ready))
    out = sh.ok(f"show partitions {data.BOOKS}")
    assert "~" in out and f"count {data.BOOKS} is exact" in out
    sh.close()
