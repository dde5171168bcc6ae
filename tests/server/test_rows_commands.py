"""insert, upsert and delete against Milvus Lite and a real Milvus 2.3.5: files in every format, bad
rows, --skip-bad, server refusals in words, delete's confirmation and --yes; a 100,000-row file
with the shell's memory measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pymilvus import DataType, MilvusClient

import milvus_shell
from harness import Harness, connect_line
from milvus_shell.cli import main

pytestmark = pytest.mark.server

ROOT = Path(milvus_shell.__file__).resolve().parent.parent
DIM = 4


@pytest.fixture
def server(bare_server):
    return bare_server


@pytest.fixture
def client(bare_client):
    return bare_client


def make_books(client, name, dim=DIM, auto_id=False, load=True):
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=auto_id, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    if not auto_id:
        schema.add_field("title", DataType.VARCHAR, max_length=64)
        schema.add_field("year", DataType.INT32)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    client.create_collection(name, schema=schema, consistency_level="Strong")
    if load:
        index = client.prepare_index_params()
        index.add_index("vector", index_type="FLAT", metric_type="L2")
        client.create_index(name, index)
        client.load_collection(name)


def book(i: int, dim=DIM) -> dict:
    return {"id": i, "title": f"book {i}", "year": 1900 + i % 120, "vector": [i / 1000] + [0.5] * (dim - 1)}


def count(client, name) -> int:
    return int(client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"])


@pytest.fixture
def shell(server):
    sh = Harness(timeout=30, confirm=lambda question: True)
    sh.ok(connect_line(server))
    yield sh
    sh.close()


def write_jsonl(path: Path, rows) -> Path:
    with open(path, "w") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


# -- insert and upsert ---------------------------------------------------------------------------------

def test_insert_from_json_lines_csv_and_a_json_array(server, client, shell, tmp_path):
    make_books(client, "rows_formats")
    jsonl = write_jsonl(tmp_path / "a.jsonl", [book(i) for i in range(30)])
    out = shell.ok(f"insert rows_formats --file {jsonl} --batch 7")
    assert "inserted 30 rows in " in out and f"from {jsonl} into rows_formats" in out
    csv_path = tmp_path / "b.csv"
    csv_path.write_text("id,title,year,vector\n" + "".join(
        f'{i},"book, {i}",{1900 + i},"{json.dumps(book(i)["vector"])}"\n' for i in range(30, 40)))
    assert "inserted 10 rows" in shell.ok(f"insert rows_formats --file {csv_path}")
    array = tmp_path / "c.json"
    array.write_text(json.dumps([book(i) for i in range(40, 45)], indent=2))
    assert "inserted 5 rows" in shell.ok(f"insert rows_formats --file {array}")
    assert count(client, "rows_formats") == 45
    got = client.query("rows_formats", filter="id == 31", output_fields=["title", "year"])[0]
    assert got["title"] == "book, 31" and got["year"] == 1931


def test_insert_a_row_or_an_array_on_the_line_and_upsert_replaces(server, client, shell):
    make_books(client, "rows_inline")
    assert "inserted 1 row " in shell.ok(f"insert rows_inline '{json.dumps(book(1))}'")
    assert "inserted 2 rows" in shell.ok(f"insert rows_inline '{json.dumps([book(2), book(3)])}'")
    changed = dict(book(2), title="changed")
    assert "upserted 1 row" in shell.ok(f"upsert rows_inline '{json.dumps(changed)}'")
    assert count(client, "rows_inline") == 3
    assert client.query("rows_inline", filter="id == 2", output_fields=["title"])[0]["title"] == "changed"


def test_an_auto_id_collection_says_the_ids_it_gave(server, client, shell):
    make_books(client, "rows_auto", auto_id=True)
    out = shell.ok("""insert rows_auto '[{"vector": [1, 2, 3, 4]}, {"vector": [4, 3, 2, 1]}]'""")
    assert "inserted 2 rows" in out
    ids = [int(x) for x in out.split("id: ")[1].split(", ")]
    assert len(ids) == 2 and count(client, "rows_auto") == 2
    err = shell.fail("""insert rows_auto '{"id": 5, "vector": [1, 2, 3, 4]}'""")
    assert "field 'id': an auto id, which the server assigns; leave it out" in err


def test_a_bad_row_in_the_middle_stops_with_its_line_and_what_went_in(server, client, shell, tmp_path):
    make_books(client, "rows_bad")
    rows = [json.dumps(book(i)) for i in range(1, 121)]
    rows[79] = json.dumps(dict(book(80), vector=[0.1, 0.2, 0.3]))  # line 80
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    err = shell.fail(f"insert rows_bad --file {path} --batch 25")
    assert f"{path}:80: field 'vector': wrong vector dimension: 3 numbers, but FloatVector(dim 4) has 4" in err
    assert "79 rows went into rows_bad before it (every row before line 80)" in err
    assert "--skip-bad" in err
    assert count(client, "rows_bad") == 79
    assert not os.path.exists(f"{path}.bad")


def test_skip_bad_goes_on_and_names_the_file_of_bad_lines(server, client, shell, tmp_path):
    make_books(client, "rows_skip")
    rows = [json.dumps(book(i)) for i in range(1, 51)]
    rows[9] = '{"id": 10, "title": "x", "year": NaN, "vector": [1, 2, 3, 4]}'
    rows[19] = '{"id": 20, "title": "x"'  # not JSON
    rows[29] = json.dumps({k: v for k, v in book(30).items() if k != "id"})  # no primary key
    path = write_jsonl(tmp_path / "skip.jsonl", rows)
    out = shell.ok(f"insert rows_skip --file {path} --skip-bad")
    assert "inserted 47 rows" in out
    assert f"3 bad lines skipped, written to {path}.bad" in out
    assert Path(f"{path}.bad").read_text().splitlines() == [rows[9], rows[19], rows[29]]
    assert oct(os.stat(f"{path}.bad").st_mode & 0o777) == "0o600"
    assert count(client, "rows_skip") == 47


def test_server_refusals_in_words(server, client, shell, tmp_path):
    make_books(client, "rows_refused")
    err = shell.fail(f"insert nosuch_collection '{json.dumps(book(1))}'")
    assert "collection 'nosuch_collection' not found" in err
    err = shell.fail(f"insert rows_refused '{json.dumps(book(1))}' --partition nosuch")
    assert "partition 'nosuch' not found in collection 'rows_refused'" in err
    err = shell.fail("""insert rows_refused '{"id": 1, "title": "t", "year": "1999", "vector": [1, 2, 3, 4]}'""")
    assert "field 'year': Int32 wants a whole number, not a string" in err
    err = shell.fail("""insert rows_refused '{"title": "t", "year": 1999, "vector": [1, 2, 3, 4]}'""")
    assert "field 'id': the primary key is missing" in err
    err = shell.fail(f"insert rows_refused --file {tmp_path / 'none.jsonl'}")
    assert "cannot read" in err and "no such file" in err
    assert count(client, "rows_refused") == 0


def test_insert_never_replaces_a_primary_key_upsert_does(server, client, shell):
    """Milvus keeps duplicates on insert (both servers accept them); upsert is the way to replace."""
    make_books(client, "rows_dup")
    shell.ok(f"insert rows_dup '{json.dumps(book(1))}'")
    shell.ok(f"insert rows_dup '{json.dumps(dict(book(1), title='second'))}'")
    shell.ok(f"upsert rows_dup '{json.dumps(dict(book(1), title='third'))}'")
    titles = {r["title"] for r in client.query("rows_dup", filter="id == 1", output_fields=["title"])}
    assert titles == {"third"}


def test_upsert_into_an_auto_id_collection(server, client, shell):
    make_books(client, "rows_auto_up", auto_id=True)
    ok, out, err = shell.run("""upsert rows_auto_up '{"id": 7, "vector": [1, 2, 3, 4]}'""")
    if server.__class__.__name__ == "MilvusStandalone":  # Milvus 2.3.5 cannot
        assert not ok and "assigns its own ids (auto id)" in err and "cannot upsert" in err
    else:
        assert ok and "upserted 1 row" in out


# -- delete -------------------------------------------------------------------------------------------

def test_delete_by_filter_and_by_ids_says_how_many(server, client, tmp_path):
    make_books(client, "rows_delete")
    client.insert("rows_delete", [book(i) for i in range(100)])
    questions = []
    sh = Harness(timeout=30, confirm=lambda q: questions.append(q) or True)
    try:
        sh.ok(connect_line(server))
        assert "deleted 20 rows from rows_delete" in sh.ok("delete rows_delete year < 1920")
        assert "delete 20 rows of 'rows_delete' matching year < 1920" in questions[0].loss
        assert questions[0].alias == "default" and questions[0].address.endswith(str(server.port))
        assert "deleted 2 rows" in sh.ok("delete rows_delete --ids 50 51 5")  # 5 is gone already
        assert count(client, "rows_delete") == 78
        assert "bad filter expression" in sh.fail("delete rows_delete yeer > 3 --yes")
        assert "not found" in sh.fail("delete nosuch_collection id > 0 --yes")
    finally:
        sh.close()


def test_declining_a_delete_changes_nothing(server, client):
    make_books(client, "rows_keep")
    client.insert("rows_keep", [book(i) for i in range(10)])
    sh = Harness(timeout=30, confirm=lambda q: False)
    try:
        sh.ok(connect_line(server))
        assert "not confirmed; nothing changed" in sh.fail("delete rows_keep id >= 0")
    finally:
        sh.close()
    assert count(client, "rows_keep") == 10


def test_a_script_must_say_yes_to_delete(server, client, capsys):
    make_books(client, "rows_script")
    client.insert("rows_script", [book(i) for i in range(10)])
    connect = connect_line(server)
    assert main(["-c", f"{connect}; delete rows_script id < 5"]) == 1
    err = capsys.readouterr().err
    assert "refusing to delete 5 rows of 'rows_script' matching id < 5" in err and "--yes" in err
    assert count(client, "rows_script") == 10
    assert main(["-c", f"{connect}; delete rows_script id < 5 --yes"]) == 0
    assert count(client, "rows_script") == 5


def test_delete_in_an_unloaded_collection(server, client):
    make_books(client, "rows_unloaded", load=False)
    client.insert("rows_unloaded", [book(i) for i in range(10)])
    sh = Harness(timeout=30, confirm=lambda q: True)
    try:
        sh.ok(connect_line(server))
        if server.__class__.__name__ == "MilvusStandalone":
            err = sh.fail("delete rows_unloaded id < 5")
            assert "is not loaded" in err and "--ids" in err
            assert "deleted the rows of rows_unloaded with primary key in [1, 2]" in sh.ok(
                "delete rows_unloaded --ids 1 2")
        else:
            assert "deleted 5 rows" in sh.ok("delete rows_unloaded id < 5")
    finally:
        sh.close()


# -- a big file: count and memory ----------------------------------------------------------------------

BIG_ROWS = 100_000
BIG_DIM = 128  # ~1.3 KB of JSON a row; held all at once as Python objects, 100,000 rows are ~500 MB


def peak_rss_mb(*commands: str) -> tuple[float, subprocess.CompletedProcess]:
    """The shell run as its own process under a small parent: the peak RSS of that child, in MB."""
    wrapper = ("import resource, subprocess, sys; "
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr); sys.exit(p.returncode)")
    args = [sys.executable, "-c", wrapper, sys.executable, "-m", "milvus_shell", "--timeout", "60"]
    for c in commands:
        args += ["-c", c]
    proc = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          timeout=600)
    first, _, rest = proc.stdout.partition("\n")
    return int(first) / 1024, subprocess.CompletedProcess(proc.args, proc.returncode, rest, proc.stderr)


def test_a_100000_row_file_goes_in_with_memory_flat(server, client, tmp_path):
    make_books(client, "rows_big", dim=BIG_DIM, load=False)
    path = tmp_path / "big.jsonl"
    with open(path, "w") as f:
        for i in range(BIG_ROWS):
            f.write(json.dumps({"id": i, "title": f"book {i}", "year": 1900 + i % 120,
                                "vector": [round((i * 7 + j) % 1000 / 1000, 3) for j in range(BIG_DIM)]}) + "\n")
    connect = connect_line(server)
    baseline, proc = peak_rss_mb(connect, "describe rows_big")
    assert proc.returncode == 0, proc.stderr
    peak, proc = peak_rss_mb(connect, f"insert rows_big --file {path}")
    assert proc.returncode == 0, proc.stderr
    assert f"inserted {BIG_ROWS:,} rows" in proc.stderr  # a status line: on stderr in scripts
    growth = peak - baseline
    # Batches of 5,000 rows: tens of MB. Holding the file's rows would add ~500 MB.
    assert growth < 200, f"the shell grew by {growth:.0f} MB ({baseline:.0f} -> {peak:.0f} MB)"
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_index("rows_big", index)
    client.load_collection("rows_big")
    assert count(client, "rows_big") == BIG_ROWS
