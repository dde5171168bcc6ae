"""Import jobs, refresh and Parquet files against real servers.

Milvus 2.3.5 (the ``milvus_auth`` fixture) runs with local storage: its storage root
(``localStorage.path``) is ``DATA_DIR/data`` (tests/servers.py writes the config from the milvus
package's template, whose ``local_storage_dir`` is there). Files written under it are files "in the
server's object storage", named by their absolute path, as an import job on such a server reads them.
"""

from __future__ import annotations

import json
import random
import time
import uuid

import pytest

from harness import Harness, connect_line

pytestmark = pytest.mark.server

ROWS_DONE_WHEN = 100_000
# id, vector and title, and no dynamic field: a key the schema lacks is a wrong column.
FIXED_SCHEMA = {
    "dynamic_field": False,
    "fields": [{"name": "id", "type": "Int64", "primary_key": True},
               {"name": "vector", "type": "FloatVector", "dim": 4},
               {"name": "title", "type": "VarChar", "max_length": 64}],
    "indexes": [{"field": "vector", "type": "AUTOINDEX", "metric": "COSINE"}],
}


@pytest.fixture
def storage(milvus_auth):
    """A fresh folder inside the 2.3.5 server's storage root."""
    folder = milvus_auth.data_dir / "data" / "import-tests" / uuid.uuid4().hex[:8]
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def msh(milvus_auth):
    harness = Harness(timeout=30)
    harness.ok(connect_line(milvus_auth))
    yield harness
    harness.close()


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _rows(count: int, dim: int = 4, start: int = 0) -> list[dict]:
    rng = random.Random(start)
    return [{"id": i, "vector": [rng.random() for _ in range(dim)], "title": f"t{i}"}
            for i in range(start, start + count)]


def _count(sh: Harness, name: str) -> int:
    out = sh.ok(f"count {name} --format csv")
    return int(out.splitlines()[1])


def test_a_100k_row_json_import_is_counted_and_searchable_without_another_command(msh, storage):
    name = _name("imp_big")
    msh.ok(f"create collection {name} --dim 4")  # indexed and loaded
    path = storage / "big.json"
    path.write_text(json.dumps({"rows": _rows(ROWS_DONE_WHEN)}))
    started = time.monotonic()
    out = msh.ok(f"import {name} {path} --wait")
    assert time.monotonic() - started < 60
    assert f"imported {ROWS_DONE_WHEN:,} rows from {path} into {name}" in out
    assert f"refreshed the load of {name}" in out
    assert _count(msh, name) == ROWS_DONE_WHEN  # no load, no refresh typed
    hits = msh.ok(f"search {name} --vector '[0.5, 0.5, 0.5, 0.5]' --limit 3 --format csv").splitlines()
    assert len(hits) == 4 and hits[0].startswith("id,")
    listed = msh.ok(f"show imports {name} --format csv")
    assert "completed" in listed and str(ROWS_DONE_WHEN) in listed
    msh.ok(f"drop collection {name} --yes")


def test_without_wait_the_job_is_named_and_show_import_follows_it(msh, storage):
    name = _name("imp_nowait")
    msh.ok(f"create collection {name} --dim 4")
    path = storage / "few.json"
    path.write_text(json.dumps({"rows": _rows(50)}))
    out = msh.ok(f"import {name} {path}")
    job = out.split("import job ")[1].split()[0]
    assert f"show import {job} follows it" in out
    for _ in range(120):
        shown = msh.ok(f"show import {job} --format json")
        facts = json.loads(shown)
        if facts["state"] in ("completed", "failed"):
            break
        time.sleep(0.5)
    assert facts["state"] == "completed" and facts["rows"] == 50 and facts["collection"] == name
    assert _count(msh, name) == 0  # loaded before the rows came: invisible until refresh
    assert "refreshed the load of" in msh.ok(f"refresh {name}")
    assert _count(msh, name) == 50
    out = msh.ok(f"cancel import {job}")
    assert f"import job {job} has already ended (completed): nothing to cancel" in out
    msh.ok(f"drop collection {name} --yes")


def test_cancel_says_the_server_cannot_and_the_job_goes_on(msh, storage):
    name = _name("imp_cancel")
    msh.ok(f"create collection {name} --dim 4")
    path = storage / "some.json"
    path.write_text(json.dumps({"rows": _rows(20_000)}))
    job = msh.ok(f"import {name} {path}").split("import job ")[1].split()[0]
    err = msh.fail(f"cancel import {job}")  # a job takes a few seconds on 2.3.5 however small
    assert "not supported by this server (Milvus v2.3.5" in err and "cancelling an import job" in err
    assert f"show import {job} follows it" in err
    for _ in range(120):
        if json.loads(msh.ok(f"show import {job} --format json"))["state"] == "completed":
            break
        time.sleep(0.5)
    msh.ok(f"refresh {name}")
    assert _count(msh, name) == 20_000
    msh.ok(f"drop collection {name} --yes")


def test_unknown_jobs_are_said_in_words(msh):
    err = msh.fail("show import 12345")
    assert "import job 12345 not found on Milvus" in err
    err = msh.fail("cancel import 12345")
    assert "import job 12345 not found" in err


@pytest.mark.parametrize("case", ["wrong path", "relative path", "wrong columns", "missing field", "jsonl"])
def test_each_job_failure_is_said_with_the_servers_reason(msh, storage, case):
    name = _name("imp_bad")
    if case == "wrong columns":
        schema = storage.parent / f"{name}.schema.json"
        schema.write_text(json.dumps(FIXED_SCHEMA))
        msh.ok(f"create collection {name} --schema {schema}")
    else:
        msh.ok(f"create collection {name} --dim 4")
    path = storage / "rows.json"
    if case == "wrong path":
        path = storage / "not-there.json"
    elif case == "relative path":
        path = "rows.json"
        (storage / "rows.json").write_text(json.dumps({"rows": _rows(3)}))
    elif case == "wrong columns":
        path.write_text(json.dumps({"rows": [dict(r, extra=1) for r in _rows(3)]}))
    elif case == "missing field":
        path.write_text(json.dumps({"rows": [{"id": 1, "title": "no vector"}]}))
    else:
        path = storage / "rows.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in _rows(3)))
    err = msh.fail(f"import {name} {path} --wait")
    assert f"import job " in err and f"into {name} failed: " in err
    expected = {
        "wrong path": ("no such file", "the server found no file at"),
        "relative path": ("no such file", "by its full path there"),
        "wrong columns": ("'extra' is not defined in collection schema", "has no dynamic field"),
        "missing field": ("value of field 'vector' is missed", "missing from the file"),
        "jsonl": ("unsupported file type", "imports JSON"),
    }[case]
    for words in expected:
        assert words in err
    assert _count(msh, name) == 0
    msh.ok(f"drop collection {name} --yes")


def test_a_parquet_export_is_a_file_an_import_job_takes(msh, storage):
    source, copy, inserted = _name("pq_src"), _name("pq_copy"), _name("pq_ins")
    for name in (source, copy, inserted):
        msh.ok(f"create collection {name} --dim 4")
    rows = [dict(r, year=2000 + r["id"] % 30) for r in _rows(3000)]  # title, year: dynamic keys
    jsonl = storage.parent / f"{source}.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows))
    msh.ok(f"insert {source} --file {jsonl}")
    msh.ok(f"flush {source}")
    path = storage / "export.parquet"
    out = msh.ok(f"query {source} --limit all --format parquet --output {path}")
    assert f"wrote 3,000 rows of {source} to {path} (parquet)" in out
    assert (path.stat().st_mode & 0o777) == 0o600
    msh.ok(f"import {copy} {path} --wait")
    assert _count(msh, copy) == 3000
    msh.ok(f"insert {inserted} --file {path}")  # and back through the client
    for name in (copy, inserted):
        for _ in range(40):  # an insert shows after the collection's (Bounded) staleness window
            got = json.loads(msh.ok(f"query {name} id == 7 --fields id,title,year --format json"))
            if got:
                break
            time.sleep(0.5)
        assert got == [{"id": 7, "title": "t7", "year": 2007}], name
    err = msh.fail(f"query {source} --limit all --format parquet --output {path}")
    assert "already exists" in err
    err = msh.fail(f"query {source} --limit all --format parquet")
    assert "--format parquet needs --output FILE" in err
    text = storage / "some.csv"
    ok, out, err = msh.run(f"query {source} id < 5 --fields id,title --format csv --output {text}")
    assert ok and out == "" and "wrote 5 rows" in err  # with csv, what is not data goes to stderr
    assert text.read_text().splitlines() == ["id,title"] + [f"{i},t{i}" for i in range(5)]
    for name in (source, copy, inserted):
        msh.ok(f"drop collection {name} --yes")


def test_import_into_a_partition_and_into_a_collection_not_loaded(msh, storage):
    name = _name("imp_part")
    msh.ok(f"create collection {name} --dim 4")
    msh.ok(f"create partition {name} p1")
    path = storage / "p.json"
    path.write_text(json.dumps({"rows": _rows(20)}))
    err = msh.fail(f"import {name} {path} --partition nope")
    assert "partition 'nope' not found" in err
    msh.ok(f"release {name}")
    out = msh.ok(f"import {name} {path} --partition p1 --wait")
    assert f"{name} is not loaded: load {name} makes the rows searchable" in out
    err = msh.fail(f"refresh {name}")
    assert "is not loaded" in err
    msh.ok(f"load {name}")
    assert _count(msh, name) == 20
    got = msh.ok(f"count {name} --format csv")
    assert got
    msh.ok(f"drop collection {name} --yes")


def test_milvus_lite_refuses_import_jobs_in_words(lite_server):
    sh = Harness(timeout=10)
    try:
        sh.ok(connect_line(lite_server))
        name = _name("lite_imp")
        sh.ok(f"create collection {name} --dim 4")
        for line in (f"import {name} /data/rows.json --wait", "show imports", "show import 1", "cancel import 1"):
            err = sh.fail(line)
            assert "not supported by Milvus Lite: import jobs; use insert --file" in err, err
        assert "Milvus Lite counts and searches new rows at once; nothing to refresh" in sh.ok(f"refresh {name}")
        sh.ok(f"drop collection {name} --yes")
    finally:
        sh.close()
