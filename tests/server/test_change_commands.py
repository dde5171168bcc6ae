"""Commands that change a server's schema, against Milvus Lite and a real Milvus 2.3.5: databases,
collections (quick form, schema files, the describe/create round trip), indexes, partitions, aliases,
rename, flush, drop; their errors in words; their safety (scripts need --yes, nothing changes
without it); and the completion cache following them."""

from __future__ import annotations

import json

import pytest
from pymilvus import DataType, MilvusClient

import explore_data as data
from harness import Harness, connect_line
from milvus_shell.cli import main

pytestmark = pytest.mark.server


@pytest.fixture
def server(bare_server):
    return bare_server


@pytest.fixture
def client(bare_client):
    return bare_client


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


# -- helpers -----------------------------------------------------------------------------------------

def is_milvus(server) -> bool:
    return getattr(server, "auth", False)


@pytest.fixture
def sh(server):
    harness = Harness(timeout=10, confirm=lambda question: True)
    harness.ok(connect_line(server))
    yield harness
    harness.close()


def fresh(client, *names):
    """Drop ``names`` (collections) if a previous run left them behind."""
    for name in names:
        if client.has_collection(name):
            client.drop_collection(name)


def fields_of(client, name) -> dict:
    return {f["name"]: f for f in client.describe_collection(name)["fields"]}


# -- create collection: the quick form ---------------------------------------------------------------

def test_create_collection_quick_form_defaults(sh, client):
    fresh(client, "ddl_quick")
    out = sh.ok("create collection ddl_quick --dim 4")
    assert "created collection ddl_quick" in out and "loaded, ready for insert and search" in out
    described = client.describe_collection("ddl_quick")
    fields = fields_of(client, "ddl_quick")
    assert list(fields) == ["id", "vector"]
    assert fields["id"]["type"].name == "INT64" and fields["id"].get("is_primary")
    assert fields["vector"]["type"].name == "FLOAT_VECTOR" and fields["vector"]["params"]["dim"] == 4
    assert described["enable_dynamic_field"] is True and described["auto_id"] is False
    (index,) = [client.describe_index("ddl_quick", n) for n in client.list_indexes("ddl_quick")]
    assert index["index_type"] == "AUTOINDEX" and index["metric_type"] == "COSINE"
    assert client.get_load_state("ddl_quick")["state"].name == "Loaded"
    err = sh.fail("create collection ddl_quick --dim 4")
    assert "collection 'ddl_quick' already exists in database 'default'" in err  # Milvus 2.3.5 alone would say OK
    client.drop_collection("ddl_quick")


def test_create_collection_quick_form_options(sh, client, server):
    fresh(client, "ddl_quick_opts")
    sh.ok("create collection ddl_quick_opts --dim 3 --metric L2 --id-type string --id-field pk "
          "--vector-field emb --description 'demo documents'")
    fields = fields_of(client, "ddl_quick_opts")
    assert list(fields) == ["pk", "emb"]
    assert fields["pk"]["type"].name == "VARCHAR" and fields["pk"]["params"]["max_length"] == 64
    assert fields["emb"]["params"]["dim"] == 3
    assert client.describe_index("ddl_quick_opts", "emb")["metric_type"] == "L2"
    if is_milvus(server):
        assert client.describe_collection("ddl_quick_opts")["description"] == "demo documents"
    client.drop_collection("ddl_quick_opts")
    if is_milvus(server):
        sh.ok("create collection ddl_quick_opts --dim 3 --id-type string --auto-id")
        assert client.describe_collection("ddl_quick_opts")["auto_id"] is True
        client.drop_collection("ddl_quick_opts")
    else:  # Milvus Lite assigns Int64 ids only
        err = sh.fail("create collection ddl_quick_opts --dim 3 --id-type string --auto-id")
        assert "the server refused to create collection 'ddl_quick_opts'" in err and "INT64" in err
        assert not client.has_collection("ddl_quick_opts")


def test_create_collection_needs_dim_or_schema_and_checks_them(sh, client, tmp_path):
    assert "needs --dim N" in sh.fail("create collection ddl_none")
    assert "--dim is at most 32768" in sh.fail("create collection ddl_none --dim 40000")
    assert "--dim needs a positive whole number" in sh.fail("create collection ddl_none --dim 0")
    assert "--metric must be one of COSINE, L2, IP" in sh.fail("create collection ddl_none --dim 2 --metric XX")
    (tmp_path / "s.json").write_text("{}")
    assert "--metric goes with --dim, not with --schema" in sh.fail(
        f"create collection ddl_none --schema {tmp_path / 's.json'} --metric L2")
    assert "cannot read schema file" in sh.fail(f"create collection ddl_none --schema {tmp_path / 'missing.json'}")
    (tmp_path / "bad.json").write_text('{"fields": [')
    assert "is not valid JSON" in sh.fail(f"create collection ddl_none --schema {tmp_path / 'bad.json'}")
    (tmp_path / "typo.json").write_text(json.dumps({"fields": [
        {"name": "id", "type": "Int64", "primary_key": True},
        {"name": "title", "type": "VarChar", "max_lenght": 10}]}))
    err = sh.fail(f"create collection ddl_none --schema {tmp_path / 'typo.json'}")
    assert "field 2 ('title'): unknown key 'max_lenght'" in err
    assert not client.has_collection("ddl_none")


# -- create collection --schema: the round trip ------------------------------------------------------

def make_source(client, name, server):
    """A collection of many field types, made by pymilvus itself (not by the shell)."""
    fresh(client, name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True, description="source of a copy")
    schema.add_field("id", DataType.INT64, is_primary=True, description="the key")
    schema.add_field("title", DataType.VARCHAR, max_length=128)
    schema.add_field("score", DataType.FLOAT)
    schema.add_field("price", DataType.DOUBLE)
    schema.add_field("in_stock", DataType.BOOL)
    schema.add_field("meta", DataType.JSON)
    schema.add_field("counts", DataType.ARRAY, element_type=DataType.INT64, max_capacity=5)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=3, max_length=16)
    schema.add_field("shelf", DataType.VARCHAR, max_length=8, default_value="A1")
    if not is_milvus(server):  # Milvus 2.3.5 cannot hold nullable fields
        schema.add_field("year", DataType.INT32, nullable=True)
    schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=8)
    index = client.prepare_index_params()
    index.add_index("embedding", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 32}, index_name="vec_idx")
    client.create_collection(name, schema=schema, consistency_level="Strong")
    client.create_index(name, index)
    client.create_partition(name, "p_old")


def test_describe_then_create_copies_a_collection(sh, client, server, tmp_path):
    make_source(client, "ddl_source", server)
    fresh(client, "ddl_copy")
    doc = json.loads(sh.ok("describe ddl_source --format json"))
    fields = {f["name"]: f for f in doc["fields"]}
    assert doc["collection"] == "ddl_source" and doc["dynamic_field"] is True and doc["consistency"] == "Strong"
    assert fields["id"] == {"name": "id", "type": "Int64", "primary_key": True, "auto_id": False, "nullable": False,
                            "partition_key": False, "description": "the key" if is_milvus(server) else ""}
    assert fields["title"]["max_length"] == 128 and fields["embedding"]["dim"] == 8
    assert fields["counts"]["element_type"] == "Int64" and fields["counts"]["max_capacity"] == 5
    assert fields["shelf"]["default"] == "A1"
    assert [f["type"] for f in doc["fields"][2:6]] == ["Float", "Double", "Bool", "JSON"]
    assert doc["partitions"] == ["p_old"]
    (index,) = doc["indexes"]
    assert index["field"] == "embedding" and index["type"] == "IVF_FLAT" and index["metric"] == "L2"
    if is_milvus(server):  # Milvus Lite keeps neither an index's name nor its params, nor array max_length
        assert index["name"] == "vec_idx" and index["params"] == {"nlist": 32}
        assert fields["tags"]["max_length"] == 16
        assert doc["description"] == "source of a copy"
    else:
        assert fields["year"]["nullable"] is True

    path = tmp_path / "source.json"
    path.write_text(json.dumps(doc))
    out = sh.ok(f"create collection ddl_copy --schema {path}")
    assert "created collection ddl_copy" in out and "loaded" in out
    copy = json.loads(sh.ok("describe ddl_copy --format json"))
    assert copy["collection"] == "ddl_copy"
    assert {**copy, "collection": "ddl_source"} == doc
    # and as pymilvus sees them, independently of the shell's describe
    ignore = ("field_id",)
    strip = lambda fs: {n: {k: str(v) for k, v in f.items() if k not in ignore} for n, f in fs.items()}  # noqa: E731
    assert strip(fields_of(client, "ddl_copy")) == strip(fields_of(client, "ddl_source"))
    assert sorted(client.list_partitions("ddl_copy")) == ["_default", "p_old"]
    client.drop_collection("ddl_copy")
    client.drop_collection("ddl_source")


def test_a_schema_the_server_cannot_hold_is_refused_and_nothing_is_left(sh, client, server, tmp_path):
    fresh(client, "ddl_nullable")
    doc = {"fields": [{"name": "id", "type": "Int64", "primary_key": True},
                      {"name": "year", "type": "Int32", "nullable": True},
                      {"name": "v", "type": "FloatVector", "dim": 2}]}
    path = tmp_path / "nullable.json"
    path.write_text(json.dumps(doc))
    if is_milvus(server):  # 2.3.5 accepts the request and silently makes the field NOT nullable
        err = sh.fail(f"create collection ddl_nullable --schema {path}")
        assert "not supported by this server (Milvus v2.3.5" in err
        assert "nullable fields ('year')" in err and "nothing was created" in err
        assert not client.has_collection("ddl_nullable")
    else:
        out = sh.ok(f"create collection ddl_nullable --schema {path}")
        assert "not loaded: create index ddl_nullable FIELD" in out  # no index in the file
        assert fields_of(client, "ddl_nullable")["year"]["nullable"] is True
        client.drop_collection("ddl_nullable")


def test_a_failing_part_leaves_no_collection_behind(sh, client, tmp_path):
    fresh(client, "ddl_half")
    doc = {"fields": [{"name": "id", "type": "Int64", "primary_key": True},
                      {"name": "title", "type": "VarChar", "max_length": 10},
                      {"name": "v", "type": "FloatVector", "dim": 2}],
           "indexes": [{"field": "title", "type": "HNSW"}]}  # HNSW is for vectors
    path = tmp_path / "half.json"
    path.write_text(json.dumps(doc))
    err = sh.fail(f"create collection ddl_half --schema {path}")
    assert "the server refused to build a HNSW index on ddl_half.title" in err
    assert not client.has_collection("ddl_half")


# -- databases ---------------------------------------------------------------------------------------

def test_create_and_drop_database(sh, client, server):
    if "ddl_db" in client.list_databases():
        client.drop_database("ddl_db")
    assert "created database ddl_db" in sh.ok("create database ddl_db")
    assert "ddl_db" in client.list_databases()
    assert "database 'ddl_db' already exists" in sh.fail("create database ddl_db")
    inner = MilvusClient(**server.client_kwargs(), db_name="ddl_db")
    try:
        inner.create_collection("ddl_inside", dimension=2)
        err = sh.fail("drop database ddl_db")
        assert "database 'ddl_db' still holds collections" in err and "use database ddl_db" in err
        inner.drop_collection("ddl_inside")
    finally:
        inner.close()
    assert "dropped database ddl_db" in sh.ok("drop database ddl_db")
    assert "ddl_db" not in client.list_databases()
    assert "database 'ddl_db' not found" in sh.fail("drop database ddl_db")  # Milvus 2.3.5 alone says OK
    assert "the default database cannot be dropped" in sh.fail("drop database default")


def test_the_database_in_use_is_not_dropped(sh, client):
    if "ddl_db_used" not in client.list_databases():
        client.create_database("ddl_db_used")
    sh.ok("use database ddl_db_used")
    assert "is the one this connection uses" in sh.fail("drop database ddl_db_used --yes")
    sh.ok("use database default")
    sh.ok("drop database ddl_db_used --yes")
    assert "ddl_db_used" not in client.list_databases()


# -- indexes -----------------------------------------------------------------------------------------

def test_create_index_with_progress_and_drop_it(sh, client, server):
    fresh(client, "ddl_index")
    client.create_collection("ddl_index", schema=data._simple_schema("indexes"))
    client.insert("ddl_index", [{"name": f"n{i}", "v": [i, i + 1]} for i in range(300)])
    client.flush("ddl_index")
    seen = []
    sh.ctx.progress = seen.append
    out = sh.ok("create index ddl_index v --type IVF_FLAT --metric L2 --param nlist=8 --name v_ivf")
    assert "built index" in out and "(IVF_FLAT, L2) on ddl_index.v" in out
    assert seen and all(s.startswith("building index on ddl_index.v: ") for s in seen)
    (index,) = client.list_indexes("ddl_index")
    described = client.describe_index("ddl_index", index)
    assert described["index_type"] == "IVF_FLAT" and described["metric_type"] == "L2"
    if is_milvus(server):
        assert index == "v_ivf" and described["nlist"] == "8"
    else:
        assert index == "v" and "names an index after its field" in out
    err = sh.fail("create index ddl_index v")
    assert f"field 'v' of 'ddl_index' already has an index, '{index}'" in err
    assert "no field 'nope' in collection 'ddl_index'" in sh.fail("create index ddl_index nope")
    assert "a scalar index takes no --metric" in sh.fail("create index ddl_index name --metric L2")
    client.load_collection("ddl_index")
    err = sh.fail(f"drop index ddl_index {index}")
    assert f"index '{index}' cannot be dropped while 'ddl_index' is loaded" in err and "release ddl_index" in err
    sh.ok("release ddl_index")
    assert f"dropped index {index} of ddl_index" in sh.ok(f"drop index ddl_index {index}")
    assert client.list_indexes("ddl_index") == []
    assert "no index 'v_ivf' on collection 'ddl_index'" in sh.fail("drop index ddl_index v_ivf")
    client.drop_collection("ddl_index")


def test_bad_index_parameters_are_said_in_words(sh, client, server):
    fresh(client, "ddl_badindex")
    client.create_collection("ddl_badindex", schema=data._simple_schema("bad indexes"))
    assert "--type must be one of AUTOINDEX" in sh.fail("create index ddl_badindex v --type BOGUS")
    assert "--param needs KEY=VALUE" in sh.fail("create index ddl_badindex v --type IVF_FLAT --param nlist")
    err = sh.fail("create index ddl_badindex name --type HNSW")
    assert "the server refused to build a HNSW index on ddl_badindex.name" in err
    if is_milvus(server):  # Milvus Lite does not check an index type's parameters
        err = sh.fail("create index ddl_badindex v --type IVF_FLAT --param nlist=0")
        assert "the server refused to build a IVF_FLAT index on ddl_badindex.v: nlist out of range" in err
    assert client.list_indexes("ddl_badindex") == []
    client.drop_collection("ddl_badindex")


# -- partitions --------------------------------------------------------------------------------------

def test_partitions(sh, client, server):
    fresh(client, "ddl_parts")
    client.create_collection("ddl_parts", schema=data._simple_schema("partitions"))
    assert "created partition p1 in ddl_parts" in sh.ok("create partition ddl_parts p1")
    assert "p1" in client.list_partitions("ddl_parts")
    assert "partition 'p1' already exists in 'ddl_parts'" in sh.fail("create partition ddl_parts p1")
    assert "no partition 'nope' in 'ddl_parts'" in sh.fail("drop partition ddl_parts nope")
    assert "the _default partition cannot be dropped" in sh.fail("drop partition ddl_parts _default")
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_index("ddl_parts", index)
    client.load_collection("ddl_parts")
    if is_milvus(server):
        err = sh.fail("drop partition ddl_parts p1")
        assert "partition 'p1' cannot be dropped while 'ddl_parts' is loaded" in err
        assert "release ddl_parts first" in err
        assert "p1" in client.list_partitions("ddl_parts")
        sh.ok("release ddl_parts")
    assert "dropped partition p1 of ddl_parts" in sh.ok("drop partition ddl_parts p1")  # Lite: loaded is fine
    assert "p1" not in client.list_partitions("ddl_parts")
    client.drop_collection("ddl_parts")


# -- aliases and rename ------------------------------------------------------------------------------

def test_aliases(sh, client):
    fresh(client, "ddl_alias_a", "ddl_alias_b")
    for name in ("ddl_alias_a", "ddl_alias_b"):
        client.create_collection(name, schema=data._simple_schema("aliases"))
    assert "created alias ddl_al -> ddl_alias_a" in sh.ok("create alias ddl_al ddl_alias_a")
    assert client.describe_alias("ddl_al")["collection_name"] == "ddl_alias_a"
    err = sh.fail("create alias ddl_al ddl_alias_b")
    assert "alias 'ddl_al' already exists (for collection 'ddl_alias_a')" in err and "alter alias" in err
    assert "'ddl_alias_b' is already the name of a collection" in sh.fail("create alias ddl_alias_b ddl_alias_a")
    assert "collection 'nope' not found" in sh.fail("create alias ddl_al2 nope")
    assert "alias ddl_al -> ddl_alias_b (was -> ddl_alias_a)" in sh.ok("alter alias ddl_al ddl_alias_b")
    assert client.describe_alias("ddl_al")["collection_name"] == "ddl_alias_b"
    assert "alias 'ddl_nope' not found" in sh.fail("alter alias ddl_nope ddl_alias_b")
    assert "dropped alias ddl_al" in sh.ok("drop alias ddl_al")
    assert "alias 'ddl_al' not found" in sh.fail("drop alias ddl_al")  # both servers alone say OK
    assert client.has_collection("ddl_alias_b")
    client.drop_collection("ddl_alias_a")
    client.drop_collection("ddl_alias_b")


def test_rename_collection(sh, client):
    fresh(client, "ddl_old", "ddl_new", "ddl_other")
    client.create_collection("ddl_old", schema=data._simple_schema("rename"))
    client.create_collection("ddl_other", schema=data._simple_schema("rename"))
    assert "renamed collection ddl_old to ddl_new" in sh.ok("rename collection ddl_old ddl_new")
    assert client.has_collection("ddl_new") and not client.has_collection("ddl_old")
    assert "collection 'ddl_other' already exists" in sh.fail("rename collection ddl_new ddl_other")
    assert "collection 'ddl_old' not found" in sh.fail("rename collection ddl_old ddl_x")
    client.drop_collection("ddl_new")
    client.drop_collection("ddl_other")


def test_a_loaded_collection_drops_without_release(sh, client):
    """Checked on both servers: neither wants a loaded collection released before it is dropped."""
    fresh(client, "ddl_loaded")
    client.create_collection("ddl_loaded", dimension=2)
    assert client.get_load_state("ddl_loaded")["state"].name == "Loaded"
    sh.ok("drop collection ddl_loaded --yes")
    assert not client.has_collection("ddl_loaded")


# -- safety: scripts, effects ------------------------------------------------------------------------

def _setup_destructive(client, kind):
    fresh(client, "ddl_victim")
    if "ddl_victim_db" in client.list_databases():
        client.drop_database("ddl_victim_db")
    if kind == "database":
        client.create_database("ddl_victim_db")
        return "drop database ddl_victim_db", lambda: "ddl_victim_db" in client.list_databases()
    client.create_collection("ddl_victim", schema=data._simple_schema("victim"))
    if kind == "index":
        index = client.prepare_index_params()
        index.add_index("v", index_type="FLAT", metric_type="L2", index_name="v")
        client.create_index("ddl_victim", index)
        client.release_collection("ddl_victim")  # Milvus Lite loads every collection; a loaded one keeps its index
        return "drop index ddl_victim v", lambda: client.list_indexes("ddl_victim") == ["v"]
    if kind == "partition":
        client.create_partition("ddl_victim", "p1")
        return "drop partition ddl_victim p1", lambda: "p1" in client.list_partitions("ddl_victim")
    client.create_alias("ddl_victim", "ddl_victim_alias")
    return "drop alias ddl_victim_alias", lambda: "ddl_victim_alias" in client.list_aliases()["aliases"]


@pytest.mark.parametrize("kind", ["database", "index", "partition", "alias"])
def test_destructive_commands_need_yes_in_scripts(server, client, capsys, kind):
    line, still_there = _setup_destructive(client, kind)
    connect = connect_line(server)
    assert still_there()
    assert main(["-c", f"{connect}; {line}"]) == 1
    err = capsys.readouterr().err
    assert "refusing to" in err and "without --yes" in err
    assert still_there()
    assert main(["-c", f"{connect}; {line} --yes"]) == 0
    assert not still_there()
    fresh(client, "ddl_victim")


def test_a_new_collection_completes_right_after_create(server, client):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from milvus_shell.commands.spec import Kind
    from milvus_shell.completion import ShellCompleter, default_sources

    fresh(client, "ddl_completes")
    harness = Harness(timeout=10)
    harness.ctx.settings.interactive = True  # the cache is for completion: scripts leave it empty
    try:
        harness.ok(connect_line(server))
        cache = harness.ctx.metadata
        assert cache.wait(20)
        assert "ddl_completes" not in cache.names(None, Kind.COLLECTION)
        harness.ok("create collection ddl_completes --dim 2")
        assert cache.wait(20)
        sources = default_sources(harness.registry, harness.ctx.table)
        sources.update(cache.completion_sources())
        completer = ShellCompleter(harness.ctx.table, sources)
        offered = [c.text for c in completer.get_completions(Document("describe ddl_compl"),
                                                             CompleteEvent(completion_requested=True))]
        assert offered == ["ddl_completes"]
        harness.ok("drop collection ddl_completes --yes")
        assert cache.wait(20)
        assert "ddl_completes" not in cache.names(None, Kind.COLLECTION)
    finally:
        harness.close()
