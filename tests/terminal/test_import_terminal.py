"""`import --wait` in a real pseudo-terminal against Milvus 2.3.5: the progress line, and Ctrl-C, which
stops following at once and never the job (it completes on the server; refresh then counts its rows)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from pymilvus import MilvusClient

from pty_terminal import NOT_CONNECTED, prompt_of

pytestmark = pytest.mark.server

ROWS = 100_000


def test_ctrl_c_stops_following_an_import_never_the_job(terminal, milvus_auth):
    name = f"pty_imp_{uuid.uuid4().hex[:8]}"
    folder = milvus_auth.data_dir / "data" / "import-tests" / name
    folder.mkdir(parents=True)
    path = folder / "rows.json"
    path.write_text(json.dumps({"rows": [{"id": i, "vector": [i % 7 / 7, 0.5, 0.25, 1.0]} for i in range(ROWS)]}))
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.line(f"connect a {milvus_auth.address} --user root --password Milvus")
    term.expect(prompt_of("a", milvus_auth))
    term.line(f"create collection {name} --dim 4")
    term.expect(prompt_of("a", milvus_auth), timeout=60)
    term.line(f"import {name} {path} --wait")
    progress = term.expect(rf"import job (\d+) into {name}: (pending|started|persisted), [\d,]+ rows?, .*?\d+\.\d s",
                           timeout=30)
    job = int(progress.group(1))
    term.child.sendintr()
    pressed = time.monotonic()
    term.expect(rf"cancelled: stopped following import job {job}; the server goes on importing: "
                rf"show import {job} tells its state", timeout=5)
    term.expect(prompt_of("a", milvus_auth), timeout=5)
    assert time.monotonic() - pressed < 2.0
    client = MilvusClient(**milvus_auth.client_kwargs())
    try:
        handler = client._get_connection()
        for _ in range(240):
            state = handler.get_bulk_insert_state(job, timeout=10)
            if state.state_name in ("Completed", "Failed"):
                break
            time.sleep(0.5)
        assert state.state_name == "Completed" and state.row_count == ROWS  # the job went on
    finally:
        client.close()
    term.line(f"refresh {name}")
    term.expect(rf"refreshed the load of {name}", timeout=120)
    term.line(f"count {name}")
    term.expect(rf"\b{ROWS}\b", timeout=30)
    term.expect(prompt_of("a", milvus_auth))
    term.line(f"drop collection {name} --yes")
    term.expect(rf"dropped collection {name}", timeout=30)
