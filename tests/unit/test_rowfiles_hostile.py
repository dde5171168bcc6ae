"""Hostile row files: a line nested deeper than Python's parser goes is a bad row like any other (set
aside by --skip-bad), never an internal RecursionError; the same in a CSV cell."""

from __future__ import annotations

import json

import pytest

from fake_sessions import fake_registry
from harness import Harness
from milvus_shell.catalog import CollectionInfo, FieldInfo
from milvus_shell.rowfiles import FileError, open_rows

DOCS = CollectionInfo("docs", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("meta", "JSON", "JSON", nullable=True),
    FieldInfo("v", "FloatVector(dim 2)", "FLOAT_VECTOR", dim=2),
), dynamic=True)
DEEP = "[" * 100_000 + "]" * 100_000


def items(path, fmt=None):
    with open_rows(str(path), DOCS, fmt=fmt) as reader:
        return list(reader)


def test_a_line_nested_100000_deep_is_a_bad_row_and_the_next_lines_are_read(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": 1, "v": [1, 2]}) + "\n" + '{"id": 2, "v": [1, 2], "meta": ' + DEEP + "}\n"
                    + DEEP + "\n" + json.dumps({"id": 3, "v": [1, 2]}) + "\n")
    got = items(path)
    assert [i.line for i in got] == [1, 2, 3, 4]
    assert got[0].row and got[3].row
    assert "nested more than 200 levels deep" in str(got[1].error)
    assert "nested more than 200 levels deep" in str(got[2].error)


def test_a_deep_csv_cell_is_a_bad_row(tmp_path):
    path = tmp_path / "rows.csv"
    deep = "[" * 5000 + "]" * 5000  # deeper than Python's parser goes, within CSV's cell limit
    path.write_text(f'id,v,meta\n1,"[1, 2]",{deep}\n2,"[1, 2]",{{}}\n')
    got = items(path)
    assert str(got[0].error) == "field 'meta': nested more than 200 levels deep"
    assert got[1].row == {"id": 2, "v": [1, 2], "meta": {}}


def test_a_deep_element_of_a_json_array_stops_the_file_in_words(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text('[{"id": 1, "v": [1, 2]},\n' + DEEP + "]")
    with pytest.raises(FileError, match="line 2: a row nested more than 200 levels deep"):
        items(path)


def test_insert_skip_bad_sets_a_deep_line_aside_and_loads_the_rest(tmp_path):
    path = tmp_path / "rows.jsonl"
    good = [json.dumps({"id": i, "title": f"b{i}", "vector": [i, 0, 0, 0]}) for i in range(4)]
    path.write_text("\n".join(good[:2] + [DEEP] + good[2:]) + "\n")
    sh = Harness(registry=fake_registry({"f": "fake:19530"}, active="f"))
    out = sh.ok(f"insert books --file {path} --skip-bad")
    assert "inserted 4 rows" in out and "1 bad line skipped" in out
    assert (tmp_path / "rows.jsonl.bad").read_text() == DEEP + "\n"
    err = sh.fail(f"insert books --file {path}")
    assert f"{path}:3: nested more than 200 levels deep; 2 rows went into books before it" in err
