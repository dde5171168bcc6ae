"""Exploring a server, on Milvus Lite and on a real Milvus 2.3.5: every command, every format."""

from __future__ import annotations

import csv
import io
import json

import pytest

import explore_data as data
from harness import connect_line
from milvus_shell.cli import main


pytestmark = pytest.mark.server  # every test runs on Milvus Lite and on Milvus 2.3.5 (conftest's ``server``)


@pytest.fixture
def sh(sh, server):
    """conftest's shell, connected as ``default`` to the server of the test."""
    sh.ok(connect_line(server))
    return sh


def rows_of(out: str) -> list[dict]:
    return json.loads(out)


def csv_of(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


# -- databases and collections -------------------------------------------------------------------

def test_show_databases_marks_the_current_one(sh):
    rows = rows_of(sh.ok("show databases --format json"))
    assert {"": "*", "database": "default"} in rows
    assert {"": "", "database": data.DATABASE} in rows


def test_use_database_switches_and_the_prompt_view_follows(sh):
    out = sh.ok(f"use database {data.DATABASE}")
    assert out.strip() == f"default now uses database {data.DATABASE}"
    assert sh.registry.view("default").database == data.DATABASE
    names = [r["collection"] for r in rows_of(sh.ok("show collections --format json"))]
    assert names == [data.IN_DATABASE]
    assert sh.registry.settings("default").database == data.DATABASE  # a reconnect keeps it
    sh.ok("use database default")
    assert sh.registry.view("default").database == "default"
    assert data.BOOKS in sh.ok("show collections")


def test_use_database_unknown_keeps_the_connection(sh):
    err = sh.fail("use database no_such_db")
    assert "database 'no_such_db' not found" in err and "databases there:" in err
    assert sh.registry.view("default").database == "default"
    assert sh.ok("count explore_books --format csv").splitlines() == ["count", str(data.ROWS)]


def test_show_collections_with_rows_and_load_state(sh):
    rows = {r["collection"]: r for r in rows_of(sh.ok("show collections explore_* --format json"))}
    assert rows[data.BOOKS]["rows"] == data.ROWS and rows[data.BOOKS]["load state"] == "loaded"
    assert rows[data.UNLOADED]["load state"] == "not loaded"
    assert rows[data.UNLOADED]["rows"] == "~5"  # statistics, not an exact count
    assert list(rows) == sorted(rows)
    assert [r["collection"] for r in rows_of(sh.ok("show collections unload --format json"))] == [data.UNLOADED]
    assert "(no collections matching 'zzz*' in database default)" in sh.ok("show collections zzz*")


def is_milvus(server) -> bool:
    return getattr(server, "auth", False)


def test_describe_shows_the_schema_in_words(sh, server):
    out = sh.ok(f"describe {data.BOOKS}")
    for text in ("primary key:   id (Int64)", "dynamic field: yes", "load state:    loaded",
                 f"rows:          {data.ROWS}", "VarChar(256)", "FloatVector(dim 4)", "Int32", "Double",
                 "JSON", "IVF_FLAT", f"aliases:       {data.ALIAS}"):
        assert text in out, text
    if is_milvus(server):  # Milvus Lite keeps neither the index's name and params nor the description
        for text in ("emb_idx", "nlist=16", "description:   Books for the tests", "Array(VarChar(32), capacity 8)"):
            assert text in out, text
    doc = json.loads(sh.ok(f"describe {data.BOOKS} --format json"))  # the schema document (docs/schema.md)
    assert doc["collection"] == data.BOOKS and doc["dynamic_field"] is True
    fields = {f["name"]: f for f in doc["fields"]}
    assert fields["id"]["primary_key"] is True and fields["id"]["auto_id"] is False
    assert fields["tags"]["type"] == "Array" and fields["tags"]["element_type"] == "VarChar"
    assert fields["tags"]["max_capacity"] == 8
    assert [i["name"] for i in doc["indexes"]] in (["emb_idx"], ["embedding"])  # Lite names it after the field
    assert sorted(doc["partitions"]) == ["new", "old"]  # _default is always there
    fields_csv = csv_of(sh.ok(f"describe {data.BOOKS} --format csv"))
    assert [f["field"] for f in fields_csv] == ["id", "title", "year", "price", "meta", "tags", "embedding"]


def test_describe_through_an_alias(sh):
    out = sh.ok(f"describe {data.ALIAS}")
    assert f"collection:            {data.BOOKS}" in out
    assert f"reached through alias: {data.ALIAS}" in out


def test_describe_vertical_and_unloaded(sh):
    out = sh.ok(f"describe {data.UNLOADED} --format vertical")
    assert "load state:    not loaded" in out and "rows:          ~5 (server statistics)" in out
    assert "primary key:   pk (Int64, auto id)" in out
    assert "field       | pk" in out and "-[ RECORD 1 ]" in out


def test_show_indexes_partitions_aliases(sh):
    (index,) = rows_of(sh.ok(f"show indexes {data.BOOKS} --format json"))
    assert index["field"] == "embedding" and index["type"] == "IVF_FLAT" and index["metric"] == "L2"
    parts = {r["partition"]: r for r in csv_of(sh.ok(f"show partitions {data.BOOKS} --format csv"))}
    assert set(parts) == {"_default", "old", "new"}
    assert all(p["load state"] == "loaded" for p in parts.values())
    aliases = rows_of(sh.ok("show aliases --format json"))
    assert {"alias": data.ALIAS, "collection": data.BOOKS} in aliases
    assert rows_of(sh.ok(f"show aliases {data.BOOKS} --format json")) == [
        {"alias": data.ALIAS, "collection": data.BOOKS}]


def test_server_says_version_mode_and_health(sh, server):
    doc = json.loads(sh.ok("server --format json"))
    assert doc["health"] == "serving" and doc["database"] == "default"
    if is_milvus(server):
        assert doc["version"].startswith("Milvus v2.3.5") and doc["deploy_mode"] == "standalone"
    else:
        assert doc["version"].startswith("Milvus Lite ")
    facts = csv_of(sh.ok("server --format csv"))
    assert {"property": "address", "value": server.address} in facts


# -- data ------------------------------------------------------------------------------------------

def test_count_all_and_filtered(sh):
    assert rows_of(sh.ok(f"count {data.BOOKS} --format json")) == [{"count": data.ROWS}]
    assert rows_of(sh.ok(f"count {data.BOOKS} year >= 2100 --format json")) == [{"count": 50}]
    assert rows_of(sh.ok(f"count {data.BOOKS} \"year >= 2100\" --format json")) == [{"count": 50}]


def test_query_filter_as_typed_with_string_literals(sh):
    rows = rows_of(sh.ok(f"query {data.BOOKS} title like 'book 1%' and year < 1920 --fields title --format json"))
    assert sorted(r["title"] for r in rows) == ["book 1", "book 10", "book 11", "book 12", "book 13",
                                                 "book 14", "book 15", "book 16", "book 17", "book 18",
                                                 "book 19"]
    assert all(set(r) == {"id", "title"} for r in rows)


def test_query_default_page_says_more_rows_exist(sh):
    ok, out, err = sh.run(f"query {data.BOOKS} --fields title --format csv")
    assert ok
    assert len(csv_of(out)) == 100
    assert "more rows match" in err  # the note goes to stderr, the csv stays clean
    out = sh.ok(f"query {data.BOOKS} --fields title")
    assert "(first 100 rows)" in out and "more rows match" in out


def test_query_limit_offset_and_partition(sh):
    ok, out, err = sh.run(f"query {data.BOOKS} id >= 0 --limit 5 --offset 10 --fields year --format json")
    assert ok and len(rows_of(out)) == 5
    assert "more rows match: --offset 15 shows the next 5, --limit all shows every one" in err
    new = rows_of(sh.ok(f"query {data.BOOKS} --partition new --limit 200 --fields id --format json"))
    assert len(new) == data.ROWS // 2 and min(r["id"] for r in new) == data.ROWS // 2


def test_query_all_streams_every_row_in_every_format(sh):
    rows = rows_of(sh.ok(f"query {data.BOOKS} --limit all --format json"))
    assert len(rows) == data.ROWS
    assert sorted(r["id"] for r in rows) == list(range(data.ROWS))
    row = next(r for r in rows if r["id"] == 7)
    assert row["embedding"] == pytest.approx(data.vector(7))  # whole vectors in json
    assert row["meta"] == {"n": 7, "even": False} and row["tags"] == ["odd", "t2"] and row["shelf"] == "s3"
    table = csv_of(sh.ok(f"query {data.BOOKS} --limit all --format csv"))
    assert len(table) == data.ROWS
    assert json.loads(table[0]["embedding"]) == pytest.approx(data.vector(int(table[0]["id"])))
    out = sh.ok(f"query {data.BOOKS} --limit all --fields title")
    assert out.rstrip().endswith(f"({data.ROWS} rows)")
    out = sh.ok(f"query {data.BOOKS} year < 1902 --limit all --format vertical")
    assert out.count("-[ RECORD") == 2


def test_query_all_in_small_batches_holds_more_rows_than_a_batch(sh, monkeypatch):
    from milvus_shell.backend import data as data_ops

    monkeypatch.setattr(data_ops, "STREAM_BATCH_RANGE", (7, 7))
    rows = csv_of(sh.ok(f"query {data.BOOKS} --limit all --fields id --format csv"))
    assert sorted(int(r["id"]) for r in rows) == list(range(data.ROWS))


def test_query_limit_beyond_the_window_streams(sh):
    rows = rows_of(sh.ok(f"query {data.BOOKS} --limit 20000 --fields id --format json"))
    assert len(rows) == data.ROWS


def test_tables_shorten_vectors_and_measure_wide_characters(sh):
    out = sh.ok(f"get {data.BOOKS} 3 --fields title,embedding")
    assert "[0.012, 0.988, 0.4286, 0]" in out
    lines = out.splitlines()
    assert data.WIDE_TITLE in out
    header, rule, row = lines[0], lines[1], lines[2]
    from milvus_shell.screen_text import text_width

    assert text_width(row.split(" | ")[0] + " | " + row.split(" | ")[1]) <= text_width(rule)


def test_get_by_ids_in_every_format(sh):
    rows = rows_of(sh.ok(f"get {data.BOOKS} 1 2 3 --format json"))
    assert [r["id"] for r in sorted(rows, key=lambda r: r["id"])] == [1, 2, 3]
    assert set(rows[0]) >= {"id", "title", "year", "price", "meta", "tags", "embedding", "shelf"}
    rows = csv_of(sh.ok(f"get {data.BOOKS} 5 --fields title,shelf --format csv"))
    assert rows == [{"id": "5", "title": "book 5", "shelf": "s1"}]
    out = sh.ok(f"get {data.BOOKS} 5 --format vertical")
    assert "title     | book 5" in out
    assert rows_of(sh.ok(f"get {data.BOOKS} 99999 --format json")) == []


def test_search_nearest_first_with_distance(sh):
    vec = json.dumps(data.vector(42))
    hits = rows_of(sh.ok(f"search {data.BOOKS} --vector '{vec}' --limit 3 --format json"))
    assert len(hits) == 3
    assert hits[0]["id"] == 42 and hits[0]["distance"] == pytest.approx(0, abs=1e-6)
    assert hits[0]["distance"] <= hits[1]["distance"] <= hits[2]["distance"]
    assert hits[0]["title"] == "book 42" and "embedding" not in hits[0] and hits[0]["shelf"] == "s2"


def test_search_fields_filter_params_and_like(sh):
    vec = json.dumps(data.vector(42))
    hits = rows_of(sh.ok(f"search {data.BOOKS} --vector '{vec}' --filter 'year > 1950' --fields title,embedding "
                         "--param nprobe=16 --limit 2 --format json"))
    assert all(h["id"] > 50 for h in hits)
    assert set(hits[0]) == {"id", "distance", "title", "embedding"}
    assert len(hits[0]["embedding"]) == 4
    like = rows_of(sh.ok(f"search {data.BOOKS} --like 42 --limit 1 --format json"))
    assert like[0]["id"] == 42
    table = csv_of(sh.ok(f"search {data.BOOKS} --vector '{vec}' --limit 2 --fields title --format csv"))
    assert list(table[0]) == ["id", "distance", "title"]


def test_search_several_vectors(sh):
    vecs = json.dumps([data.vector(10), data.vector(200)])
    hits = rows_of(sh.ok(f"search {data.BOOKS} --vector '{vecs}' --limit 2 --fields title --format json"))
    assert [(h["query"], h["id"]) for h in hits if h["distance"] < 1e-6] == [(1, 10), (2, 200)]


def test_load_and_release(sh, server):
    name = "explore_load_me"
    with data.scratch_collection(server.client_kwargs(), name, consistency_level="Strong") as client:  # loaded
        client.insert(name, [{"id": i, "vector": [i, 1]} for i in range(3)])
        out = sh.ok(f"release {name}")
        assert out.strip() == f"released {name}; load {name} makes it searchable again"
        err = sh.fail(f"query {name}")
        assert f"collection {name!r} is not loaded" in err and f"hint: load it first: load {name}" in err
        assert sh.ok(f"load {name}").startswith(f"loaded {name} in ")
        assert len(rows_of(sh.ok(f"query {name} --format json"))) == 3


def test_set_format_and_timing(sh):
    ok, out, err = sh.run("set format json")
    assert ok and out == "" and err == "output format: json\n"  # in json, notes go to stderr
    assert rows_of(sh.ok(f"count {data.BOOKS}")) == [{"count": data.ROWS}]
    out = sh.ok(f"count {data.BOOKS} --format csv")  # the command's own format wins
    assert out.splitlines() == ["count", str(data.ROWS)]
    ok, out, err = sh.run("set timing on")
    assert ok
    ok, out, err = sh.run(f"count {data.BOOKS}")
    assert rows_of(out) == [{"count": data.ROWS}] and err.startswith("time: ")  # notes off stdout in json
    sh.ok("set format table")
    out = sh.ok(f"count {data.BOOKS}")
    assert out.splitlines()[-1].startswith("time: ") and out.splitlines()[-1].endswith(" s")
    sh.ok("set timing off")
    assert "time:" not in sh.ok(f"count {data.BOOKS}")
    settings = {r["setting"]: r["value"] for r in rows_of(sh.ok("set --format json"))}
    assert settings["format"] == "table" and settings["timing"] == "off"


def test_set_rejects_unknown_values(sh):
    assert "must be one of table, vertical, json, csv, not 'yaml'" in sh.fail("set format yaml")
    assert "set timing takes on or off" in sh.fail("set timing maybe")


def test_script_mode_exit_codes(server, capsys):
    line = connect_line(server)
    assert main(["-c", f"{line}; query {data.BOOKS} --limit 2 --format json"]) == 0
    out = capsys.readouterr().out
    assert len(json.loads(out[out.index("["):])) == 2
    assert main(["-c", f"{line}; query no_such_collection"]) == 1
    assert "collection 'no_such_collection' not found in database 'default'" in capsys.readouterr().err
