"""Scripts (-c, -f, stdin) import nothing they do not use: no prompt_toolkit, no completion,
highlighting, history or key bindings, and neither pandas nor pyarrow (pymilvus imports pandas; the
backend stands in for it until something really uses it). Checked on real processes against Milvus
Lite by ``python -X importtime``, which names every module imported."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

COLLECTION = "script_imports"
UNWANTED = ("prompt_toolkit", "pandas", "pyarrow", "pygments", "milvus_shell.completion", "milvus_shell.highlight",
            "milvus_shell.history", "milvus_shell.repl", "milvus_shell.keys")


@pytest.fixture(scope="module")
def collection_server(lite_server):
    from pymilvus import MilvusClient

    client = MilvusClient(**lite_server.client_kwargs(), dedicated=True)
    try:
        if client.has_collection(COLLECTION):
            client.drop_collection(COLLECTION)
        client.create_collection(COLLECTION, dimension=4, timeout=60)
        client.insert(COLLECTION, [{"id": i, "vector": [i, 1.0, 0.5, 0.25], "tag": f"t{i}"} for i in range(10)],
                      timeout=60)
    finally:
        client.close()
    return lite_server


def run(args: list[str], stdin: str | None = None, cwd=None) -> tuple[str, set[str]]:
    """The script's stdout and every module its process imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "milvus_shell", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    modules = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", proc.stderr, re.M))
    assert "milvus_shell.cli" in modules and "pymilvus" in modules  # importtime did report
    return proc.stdout, modules


def unwanted(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in UNWANTED or m in UNWANTED
                  or any(m.startswith(u + ".") for u in UNWANTED))


@pytest.mark.server
def test_count_and_search_from_c_import_no_prompt_and_no_pandas(collection_server):
    address = collection_server.address
    out, modules = run(["-c", f"connect {address}; count {COLLECTION}; "
                              f"search {COLLECTION} --vector [3,1,0.5,0.25] --limit 1 --format csv"])
    lines = out.splitlines()
    assert lines[:3] == ["count", "-----", "10"]
    assert lines[-2] == "id,distance,tag" and lines[-1].startswith("3,") and lines[-1].endswith(",t3")
    assert not unwanted(modules)


@pytest.mark.server
def test_a_file_script_and_stdin_import_neither(collection_server, tmp_path):
    script = tmp_path / "s.milvus"
    script.write_text(f"count {COLLECTION}\nquery {COLLECTION} --limit 3 --format json\n")
    out, modules = run([collection_server.address, "-f", str(script)])
    assert out.splitlines()[2] == "10" and '"tag": "t0"' in out and not unwanted(modules)
    out, modules = run([collection_server.address], stdin=f"count {COLLECTION}\n")
    assert out.splitlines()[2] == "10" and not unwanted(modules)


@pytest.mark.server
def test_an_insert_from_a_file_works_without_pandas(collection_server, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(f'{{"id": {i}, "vector": [0.5, 0.5, 0.5, 0.5], "tag": "new"}}\n' for i in range(100, 105)))
    out, modules = run([collection_server.address, "-c",
                        f"insert {COLLECTION} --file {rows}; count {COLLECTION} 'tag == \"new\"'"],
                       cwd=tmp_path)
    assert out.splitlines()[-2] == "5"  # the count's one row, then "(1 row)"
    assert not unwanted(modules)


def test_the_stand_in_gives_the_real_pandas_on_first_use():
    """In a process of its own: pymilvus imported behind the stand-ins, then pandas really used."""
    code = (
        "import sys\n"
        "import milvus_shell.backend\n"
        "assert 'pandas.core.frame' not in sys.modules\n"
        "from pymilvus.orm.schema import is_valid_insert_data\n"
        "assert is_valid_insert_data([{'id': 1}]) and not is_valid_insert_data(3)\n"
        "assert 'pandas.core.frame' not in sys.modules\n"
        "import pandas\n"
        "frame = pandas.DataFrame({'id': [1, 2]})\n"
        "assert 'pandas.core.frame' in sys.modules\n"
        "assert is_valid_insert_data(frame)\n"
        "from pymilvus.orm.types import is_list_like\n"
        "assert is_list_like([1]) and not is_list_like(1)\n"
        "import pandas as again\n"
        "assert again.DataFrame is type(frame)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
