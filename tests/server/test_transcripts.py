"""Every transcript in the docs runs as printed, from an empty Milvus Lite (tests/transcripts.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from servers import LiteServer, free_port
from transcripts import DOCS, ROOT, Runner, Swap, read_blocks

RUNNABLE = [p for p in DOCS if any(b.kind == "run" for b in read_blocks(p))]


@pytest.mark.server
def test_a_wrong_transcript_is_caught(tmp_path, private_home):
    """The checker fails on wrong output and on a prompt the shell does not draw (it can fail)."""
    doc = tmp_path / "wrong.md"
    doc.write_text("```milvus-session\nmilvus (not connected)> set timing on\ntiming off\n"
                   "milvus default@localhost> set timing off\ntiming off\n```\n", encoding="utf-8")
    runner = Runner(Swap(f"127.0.0.1:{free_port()}", str(private_home), f"localhost:{free_port()}"))
    try:
        runner.run_block(read_blocks(doc)[0])
    finally:
        runner.close()
    assert len(runner.problems) == 2
    assert "printed otherwise" in runner.problems[0] and "+timing on" in runner.problems[0]
    assert "the shell draws 'milvus (not connected)>'" in runner.problems[1]


@pytest.mark.server
@pytest.mark.parametrize("doc", RUNNABLE, ids=lambda p: p.name)
def test_transcripts_run_as_printed(doc, tmp_path, private_home, monkeypatch):
    monkeypatch.chdir(ROOT)  # the docs' paths (docs/data/books.jsonl) are the project's
    with LiteServer(tmp_path / "lite") as server:  # each document from an empty Milvus Lite
        swap = Swap(server.address, str(private_home), f"localhost:{free_port()}")  # 19531 may be a Milvus's
        runner = Runner(swap)
        try:
            for block in read_blocks(doc):
                if block.kind == "setup":
                    done = subprocess.run([sys.executable, "-c", swap.to_real(block.code)], capture_output=True,
                                          text=True, timeout=120)
                    assert done.returncode == 0, f"{block.where}: the set-up failed:\n{done.stderr[-2000:]}"
                elif block.kind == "run":
                    runner.run_block(block)
        finally:
            runner.close()
    assert runner.commands_run > 0
    assert not runner.problems, "\n\n".join(runner.problems)
