"""Rows from a real Milvus Lite as a real process streams them: a reader that leaves early, a full disk;
and the bounds on numbers and vectors as a script meets them (the streams without a server:
tests/unit/test_script_streams.py)."""

from __future__ import annotations

import subprocess

import pytest

from script_runs import FULL, command, read_two_lines_and_leave, shell


ROWS_COLLECTION = "streams_rows"
ROWS = 3000  # ~400 KB of table: far beyond a pipe's buffer (64 KB), so the writer meets the closed end
NOISE = ("Traceback", "Exception ignored", "internal error", "Error")


@pytest.fixture(scope="module")
def rows_server(lite_server):
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(**lite_server.client_kwargs(), dedicated=True)
    try:
        if client.has_collection(ROWS_COLLECTION):
            client.drop_collection(ROWS_COLLECTION)
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text", DataType.VARCHAR, max_length=256)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        index = client.prepare_index_params()
        index.add_index("v", index_type="FLAT", metric_type="L2")
        client.create_collection(ROWS_COLLECTION, schema=schema, index_params=index, consistency_level="Strong")
        client.insert(ROWS_COLLECTION, [{"id": i, "text": f"row {i} " + "x" * 100, "v": [i / ROWS, 1.0]}
                                        for i in range(ROWS)])
        client.flush(ROWS_COLLECTION)
        client.load_collection(ROWS_COLLECTION)
    finally:
        client.close()
    return lite_server


# -- a reader that leaves early -------------------------------------------------------------------

@pytest.mark.server
@pytest.mark.parametrize("line", [
    f"query {ROWS_COLLECTION} --limit {ROWS}",  # one table
    f"query {ROWS_COLLECTION} --limit all",  # a streamed table, batch by batch
    f"query {ROWS_COLLECTION} --limit all --format csv",
    f"query {ROWS_COLLECTION} --limit all --format vertical",
    f"query {ROWS_COLLECTION} --limit 20000 --format json",  # beyond the query window: streamed
])
def test_a_closed_pipe_ends_the_run_quietly(rows_server, line):
    code, lines, err = read_two_lines_and_leave(rows_server.address, "-c", f"{line}; count {ROWS_COLLECTION}")
    assert lines[0] and not lines[0].startswith(b"connected")  # data first: the status line is on stderr
    assert err.startswith("connected default") and err.count("\n") == 1, err  # and nothing after it
    assert code == 1


# -- a full disk, a closed stdout ----------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("line", [f"query {ROWS_COLLECTION} --limit all", f"count {ROWS_COLLECTION}"])
def test_a_full_disk_while_rows_stream(rows_server, line):
    with open("/dev/full", "wb") as full:
        r = subprocess.run(command("--format", "csv", "-c", f"connect a {rows_server.address}; {line}"),
                           stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert r.stderr.decode().endswith(FULL), r.stderr  # (the connect message, then this)
    assert not any(word in r.stderr.decode() for word in NOISE)
    assert r.returncode == 1


# -- bounds, as a script meets them ---------------------------------------------------------------

@pytest.mark.server
@pytest.mark.parametrize("line, says", [
    (f"search {ROWS_COLLECTION} --vector '[0.5, NaN]'", "--vector element 2 is NaN"),
    (f"search {ROWS_COLLECTION} --vector '[Infinity, 0.5]'", "--vector element 1 is infinite"),
    (f"search {ROWS_COLLECTION} --vector '[0.5, 1e39]'", "--vector element 2 is 1e+39, beyond what a float32 holds"),
    (f"search {ROWS_COLLECTION} --vector '{'[' * 5000}{']' * 5000}'", "--vector is nested too deeply"),
    (f"search {ROWS_COLLECTION} --vector '[0.5, 1]' --limit 99999999999999999999",
     "--limit is at most 9223372036854775807"),  # beyond 16384 hits: the search iterator streams them
    (f"search {ROWS_COLLECTION} --vector '[0.5, 1]' --limit ５",
     "--limit needs a positive whole number or all, not '５' (digits 0-9 only)"),
    (f"query {ROWS_COLLECTION} --limit 99999999999999999999", "--limit is at most 9223372036854775807"),
    (f"query {ROWS_COLLECTION} --limit ５", "--limit needs a positive whole number or all, not '５' (digits 0-9 only)"),
    (f"query {ROWS_COLLECTION} --offset 1_0", "--offset needs a whole number, not '1_0' (digits 0-9 only)"),
])
def test_bounds_in_the_data_commands(rows_server, line, says):
    r = shell(rows_server.address, "-c", line)
    err = r.stderr.decode()
    assert r.returncode == 1
    assert err.startswith("connected default") and f"\nerror: {says}" in err, err
    assert "Traceback" not in err and "internal error" not in err
