"""Failures while exploring, each in plain words, with nothing else disturbed (Lite and Milvus 2.3.5)."""

from __future__ import annotations

import json

import pytest

import explore_data as data
from harness import Harness, connect_line
from milvus_shell.cli import main


@pytest.fixture
def sh(sh, server):
    """conftest's shell, connected as ``default`` to the server of the test."""
    sh.ok(connect_line(server))
    return sh


@pytest.mark.server
@pytest.mark.parametrize("line", [
    "describe nope", "count nope", "query nope", "get nope 1", "show indexes nope", "show partitions nope",
    "load nope", "release nope", "search nope --vector '[1, 2]'", "show aliases nope",
])
def test_unknown_collection(sh, line):
    err = sh.fail(line)
    assert err.startswith("error: collection 'nope' not found in database 'default'"), err
    assert "hint: show collections lists the collections there" in err
    assert sh.ok(f"count {data.BOOKS} --format csv").splitlines()[1] == str(data.ROWS)  # still fine


@pytest.mark.server
@pytest.mark.parametrize("line", [
    f"query {data.BOOKS} year >>> 3",
    f"count {data.BOOKS} year == 'abc'",
    f"query {data.BOOKS} title like 3",
    f"search {data.BOOKS} --vector '[0, 1, 0, 0]' --filter 'year >>'",
])
def test_bad_filter_expression(sh, line):
    err = sh.fail(line)
    assert err.startswith("error: bad filter expression "), err
    assert "Traceback" not in err


@pytest.mark.server
def test_wrong_vector_dimension(sh):
    err = sh.fail(f"search {data.BOOKS} --vector '[0.1, 0.2]'")
    assert "wrong vector dimension: 2 numbers given, but 'embedding' is FloatVector(dim 4)" in err


@pytest.mark.server
@pytest.mark.parametrize("vector, says", [
    ("'[0.1, 0.2'", "--vector is not valid JSON"),
    ("'[\"a\", 1, 2, 3]'", "not a number"),
    ("'{}'", "an empty sparse vector"),
])
def test_bad_vector_text(sh, vector, says):
    assert says in sh.fail(f"search {data.BOOKS} --vector {vector}")


@pytest.mark.server
def test_search_needs_a_vector_and_a_vector_field(sh):
    assert "search needs --vector JSON, --text WORDS or --like ID" in sh.fail(f"search {data.BOOKS}")
    assert "'title' is not a vector field" in sh.fail(f"search {data.BOOKS} --vector '[1,2,3,4]' --field title")
    assert "no row with id 999999" in sh.fail(f"search {data.BOOKS} --like 999999")


@pytest.mark.server
def test_unloaded_collection_says_how_to_load_it(sh):
    for line in (f"query {data.UNLOADED}", f"search {data.UNLOADED} --vector '[1, 2]'", f"get {data.UNLOADED} 1"):
        err = sh.fail(line)
        assert f"collection '{data.UNLOADED}' is not loaded" in err, err
        assert f"hint: load it first: load {data.UNLOADED}" in err


@pytest.mark.server
def test_usage_errors(sh):
    assert "--limit needs a positive whole number or all, not 'many'" in sh.fail(f"query {data.BOOKS} --limit many")
    assert "--limit needs a positive whole number or all, not '0'" in sh.fail(
        f"search {data.BOOKS} --vector '[1,2,3,4]' --limit 0")
    assert "--offset needs a whole number" in sh.fail(f"query {data.BOOKS} --offset -1")
    assert "'x' is not a valid id: id is Int64" in sh.fail(f"get {data.BOOKS} x")
    assert "--param needs KEY=VALUE" in sh.fail(f"search {data.BOOKS} --vector '[1,2,3,4]' --param nprobe")
    err = sh.fail(f"query {data.UNLOADED} --fields nope")
    assert "no field 'nope' in collection 'explore_unloaded'" in err and "its fields: pk, name, v" in err


@pytest.mark.server
def test_users_and_roles(sh, server):
    if getattr(server, "auth", False):
        users = json.loads(sh.ok("show users --format json"))
        assert {"user": "root", "roles": ""} in users or any(u["user"] == "root" for u in users)
        roles = [r["role"] for r in json.loads(sh.ok("show roles --format json"))]
        assert "admin" in roles and "public" in roles
    else:
        for what in ("users", "roles"):
            err = sh.fail(f"show {what}")
            assert err.startswith(f"error: {what}: not supported by Milvus Lite (it has no users, roles"), err


@pytest.mark.server
def test_failures_exit_1_in_scripts_and_stop_the_script(server, capsys, tmp_path):
    script = tmp_path / "explore.milvus"
    script.write_text(f"{connect_line(server)}\ncount {data.BOOKS} --format csv\n"
                      f"query {data.BOOKS} year >>> 1\ncount {data.BOOKS}\n")
    assert main(["-f", str(script)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("count") == 1  # the line after the failure never ran
    assert f"{script}:3: bad filter expression" in captured.err


@pytest.mark.server
def test_unimplemented_rpc_is_named(milvus_ready):
    """Milvus 2.3.5 lacks DescribeDatabase (Milvus Lite has it): the backend's words for UNIMPLEMENTED."""
    from milvus_shell.errors import ServerError

    sh = Harness(timeout=10)
    try:
        sh.ok(connect_line(milvus_ready))
        _, session = sh.registry.session()
        with pytest.raises(ServerError) as caught:
            session.call(session.client.describe_database, "default")
        assert str(caught.value).startswith("not supported by this server (Milvus v2.3.5")
        assert caught.value.kind == "unsupported"
        assert "serving" in sh.ok("ping")  # nothing else disturbed
    finally:
        sh.close()
