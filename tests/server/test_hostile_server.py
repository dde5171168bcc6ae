"""Hostile loads against real servers (Milvus Lite and Milvus 2.3.5), every count checked with pymilvus:
the drop confirmation's count, an alias given to drop collection, rows from a slow pipe, /dev/zero,
a 16,384-dim vector and a 200 KB JSON cell from CSV, VarChar lengths in the server's unit, primary
keys given twice in one request; on 2.3.5 (Milvus Lite has no such vectors) Float16 and binary vectors
inserted, searched, shown and round-tripped through export."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from pymilvus import DataType, MilvusClient

from harness import Harness, connect_line

pytestmark = pytest.mark.server


def make_shell(server, **kwargs) -> Harness:
    sh = Harness(timeout=30, **kwargs)
    sh.ok(connect_line(server))
    return sh


@pytest.fixture
def shell(bare_server):
    sh = make_shell(bare_server, confirm=lambda question: True)
    yield sh
    sh.close()


def make(client, name, *fields, dynamic=False, index=("v", "FLAT", "L2"), consistency="Strong"):
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=dynamic)
    schema.add_field("id", DataType.INT64, is_primary=True)
    for field_name, kind, extra in fields:
        schema.add_field(field_name, kind, **extra)
    client.create_collection(name, schema=schema, consistency_level=consistency)
    params = client.prepare_index_params()
    params.add_index(index[0], index_type=index[1], metric_type=index[2])
    client.create_index(name, params)
    client.load_collection(name)


def count(client, name) -> int:
    return int(client.query(name, filter="", output_fields=["count(*)"],
                            consistency_level="Strong")[0]["count(*)"])


V2 = ("v", DataType.FLOAT_VECTOR, {"dim": 2})


def jsonl(tmp_path, rows, name="rows.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


# -- 6 and the alias minor ---------------------------------------------------------------------------

def test_drop_confirmation_counts_every_row_of_a_loaded_collection(bare_server, bare_client):
    make(bare_client, "hostile_drop", V2, consistency="Bounded")  # the count is Strong all the same
    bare_client.insert("hostile_drop", [{"id": i, "v": [i, 0]} for i in range(10)])
    asked = []
    sh = make_shell(bare_server, confirm=lambda q: asked.append(q.loss) or False)
    try:
        sh.fail("drop collection hostile_drop")
    finally:
        sh.close()
    assert asked == ["drop collection 'hostile_drop' with its 10 rows, indexes and partitions (this cannot be undone)"]
    assert bare_client.has_collection("hostile_drop")


def test_drop_collection_through_an_alias_is_refused_before_asking(bare_server, bare_client):
    make(bare_client, "hostile_aliased", V2)
    try:
        bare_client.drop_alias("hostile_nick")
    except Exception:  # noqa: BLE001 - not there yet
        pass
    bare_client.create_alias("hostile_aliased", "hostile_nick")
    asked = []
    sh = make_shell(bare_server, confirm=lambda q: asked.append(q) or True)
    try:
        err = sh.fail("drop collection hostile_nick")
        err_yes = sh.fail("drop collection hostile_nick --yes")
    finally:
        sh.close()
        bare_client.drop_alias("hostile_nick")
    assert "'hostile_nick' is an alias of collection 'hostile_aliased'" in err and err_yes == err
    assert asked == []
    assert bare_client.has_collection("hostile_aliased")


# -- 7 and 8: pipes and /dev/zero --------------------------------------------------------------------

def test_rows_from_a_slow_pipe_all_go_in(bare_client, shell):
    make(bare_client, "hostile_pipe", V2)
    read_end, write_end = os.pipe()
    text = "".join(json.dumps({"id": i, "v": [i, 0]}) + "\n" for i in range(5)).encode()

    def write() -> None:
        time.sleep(1.5)
        os.write(write_end, text[:20])
        time.sleep(0.5)
        os.write(write_end, text[20:])
        os.close(write_end)

    threading.Thread(target=write, daemon=True).start()
    try:
        out = shell.ok(f"insert hostile_pipe --file /dev/fd/{read_end} --file-format jsonl")
    finally:
        os.close(read_end)
    assert "inserted 5 rows" in out
    assert count(bare_client, "hostile_pipe") == 5


def test_dev_zero_stops_quickly_in_words(bare_client, shell):
    make(bare_client, "hostile_zero", V2)
    started = time.perf_counter()
    err = shell.fail("insert hostile_zero --file /dev/zero --file-format jsonl")
    assert time.perf_counter() - started < 10
    assert "/dev/zero: line 1 is longer than any row of 'hostile_zero' can be" in err
    assert "no rows went into hostile_zero" in err
    assert count(bare_client, "hostile_zero") == 0


# -- 11: wide CSV cells --------------------------------------------------------------------------------

def test_a_16384_dim_vector_and_a_200kb_json_cell_load_from_csv(bare_server, bare_client, shell, tmp_path):
    make(bare_client, "hostile_wide", ("meta", DataType.JSON, {}), ("v", DataType.FLOAT_VECTOR, {"dim": 16384}))
    vector = json.dumps([0.123456] * 16384)  # a 180 KB cell: past the csv module's 128 KB
    small, large = json.dumps({"text": "y" * 60_000}), json.dumps({"text": "y" * 200_000})

    def record(i, meta):
        return f"{i}," + ",".join('"' + c.replace('"', '""') + '"' for c in (meta, vector)) + "\n"

    path = tmp_path / "wide.csv"
    path.write_text("id,meta,v\n" + record(1, small) + record(2, large))
    out = shell.ok(f"insert hostile_wide --file {path} --skip-bad")
    if bare_server.__class__.__name__ == "LiteServer":  # no bound on a JSON value: both go in
        assert "inserted 2 rows" in out
        assert count(bare_client, "hostile_wide") == 2
    else:  # Milvus 2.3.5 takes a JSON value of 65,536 bytes at most: the 200 KB one is set aside
        assert "inserted 1 row " in out and "1 bad line skipped" in out
        assert count(bare_client, "hostile_wide") == 1
        lines = (tmp_path / "wide.csv.bad").read_text().splitlines()
        assert lines[0] == "id,meta,v" and lines[1].startswith("2,")
        err = shell.fail(f"insert hostile_wide --file {path}")
        assert "field 'meta': a JSON value of 200,011 bytes is more than this server takes" in err


# -- 12: VarChar in the server's unit ---------------------------------------------------------------

def test_varchar_over_its_length_in_the_servers_unit_is_set_aside(bare_server, bare_client, shell, tmp_path):
    make(bare_client, "hostile_varchar", ("t", DataType.VARCHAR, {"max_length": 10}), V2)
    rows = [{"id": i, "t": "ok", "v": [i, 0]} for i in range(3000)]
    rows[1500]["t"] = "é" * 10  # 10 characters, 20 bytes
    path = jsonl(tmp_path, rows)
    out = shell.ok(f"insert hostile_varchar --file {path} --skip-bad")
    bytes_server = bare_server.__class__.__name__ != "LiteServer"
    if bytes_server:  # Milvus 2.3.5 counts bytes: the row is set aside, the other 2,999 go in
        assert "inserted 2,999 rows" in out and "1 bad line skipped" in out
        assert (tmp_path / "rows.jsonl.bad").read_text() == json.dumps(rows[1500]) + "\n"
        assert count(bare_client, "hostile_varchar") == 2999
    else:  # Milvus Lite counts characters: it fits
        assert "inserted 3,000 rows" in out
        assert count(bare_client, "hostile_varchar") == 3000


# -- 13: a primary key twice in one request --------------------------------------------------------

def test_upsert_folds_repeated_keys_and_insert_refuses_them(bare_client, shell, tmp_path):
    make(bare_client, "hostile_dups", V2)
    path = jsonl(tmp_path, [{"id": i, "v": [n, 0]} for n, i in enumerate((1, 1, 2, 2, 3))])
    out = shell.ok(f"upsert hostile_dups --file {path}")
    assert "upserted 3 rows" in out and "line 1 by 2, line 3 by 4" in out
    assert count(bare_client, "hostile_dups") == 3
    got = bare_client.query("hostile_dups", filter="id in [1, 2]", output_fields=["v"], consistency_level="Strong")
    assert sorted((r["id"], r["v"][0]) for r in got) == [(1, 1.0), (2, 3.0)]
    path = jsonl(tmp_path, [{"id": i, "v": [i, 0]} for i in (10, 11, 12, 11)], "more.jsonl")
    err = shell.fail(f"insert hostile_dups --file {path}")
    assert f"{path}:4: field 'id': primary key 11 is given again (first on line 2)" in err
    assert "3 rows went into hostile_dups before it" in err
    assert count(bare_client, "hostile_dups") == 6


# -- 15: float16 and binary vectors on Milvus 2.3.5 ------------------------------------------------

@pytest.fixture
def milvus_client(milvus_auth):
    c = MilvusClient(**milvus_auth.client_kwargs())
    yield c
    c.close()


@pytest.fixture
def milvus_shell(milvus_auth):
    sh = make_shell(milvus_auth, confirm=lambda question: True)
    yield sh
    sh.close()


def test_float16_vectors_go_in_are_searched_and_round_trip(milvus_client, milvus_shell, tmp_path):
    make(milvus_client, "hostile_f16", ("hv", DataType.FLOAT16_VECTOR, {"dim": 2}), index=("hv", "FLAT", "L2"))
    path = jsonl(tmp_path, [{"id": 1, "hv": [1.5, -2]}, {"id": 2, "hv": [0.25, 8]}])
    assert "inserted 2 rows" in milvus_shell.ok(f"insert hostile_f16 --file {path}")
    assert count(milvus_client, "hostile_f16") == 2
    err = milvus_shell.fail("search hostile_f16 --vector '[1.5, -2]' --limit 1")
    assert "Milvus v2.3.5" in err and "does not search Float16Vector(dim 2) fields correctly" in err
    shown = milvus_shell.ok("get hostile_f16 1")
    assert "003e00c0" in shown and "b'" not in shown
    exported = milvus_shell.ok("query hostile_f16 --limit all --format json")
    rows = json.loads(exported)
    assert {r["id"]: r["hv"] for r in rows} == {1: "003e00c0", 2: "00340048"}  # little-endian float16, hex
    (tmp_path / "export.json").write_text(exported)
    milvus_shell.ok("delete hostile_f16 --ids 1 2 --yes")
    assert "inserted 2 rows" in milvus_shell.ok(f"insert hostile_f16 --file {tmp_path / 'export.json'}")
    back = milvus_client.query("hostile_f16", filter="id >= 0", output_fields=["hv"], consistency_level="Strong")
    assert sorted((r["id"], r["hv"][0].hex()) for r in back) == [(1, "003e00c0"), (2, "00340048")]


def test_binary_vectors_are_searched_shown_in_hex_and_round_trip(milvus_client, milvus_shell, tmp_path):
    make(milvus_client, "hostile_bin", ("bv", DataType.BINARY_VECTOR, {"dim": 16}), index=("bv", "BIN_FLAT", "HAMMING"))
    path = jsonl(tmp_path, [{"id": 1, "bv": [255, 1]}, {"id": 2, "bv": "0f0f"}])
    assert "inserted 2 rows" in milvus_shell.ok(f"insert hostile_bin --file {path}")
    hits = milvus_shell.ok("search hostile_bin --vector '[255, 1]' --limit 1 --format json")
    assert json.loads(hits)[0]["id"] == 1
    err = milvus_shell.fail("search hostile_bin --vector '[1, 2, 3]'")
    assert "mismatch" not in err and "BinaryVector(dim 16)" in err
    table = milvus_shell.ok("get hostile_bin 1")
    assert "ff01" in table and "b'" not in table
    exported = milvus_shell.ok("query hostile_bin --limit all --format csv")
    (tmp_path / "export.csv").write_text(exported)
    milvus_shell.ok("delete hostile_bin --ids 1 2 --yes")
    assert "inserted 2 rows" in milvus_shell.ok(f"insert hostile_bin --file {tmp_path / 'export.csv'}")
    back = milvus_client.query("hostile_bin", filter="id >= 0", output_fields=["bv"], consistency_level="Strong")
    assert sorted((r["id"], r["bv"][0].hex()) for r in back) == [(1, "ff01"), (2, "0f0f")]
