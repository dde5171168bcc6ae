"""Every transcript in the docs runs as printed, from an empty Milvus Lite (tests/transcripts.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from servers import LiteServer, free_port
from transcripts import Runner, Swap, normalise, read_blocks, unmarked_prompts

ROOT = Path(__file__).resolve().parents[2]
# Every Markdown file that may hold a transcript (commands.md is generated from the command table).
DOCS = sorted([ROOT / "README.md", *(p for p in (ROOT / "docs").glob("*.md") if p.name != "commands.md")])
RUNNABLE = [p for p in DOCS if any(b.kind == "run" for b in read_blocks(p))]

# The transcripts that cannot run against Milvus Lite, by document: a change here is a decision.
NO_RUN = {
    "addresses.md": 1,  # connecting with a password to a remote Milvus with authentication
    "config.md": 0,  # config files and start-up messages, no session
    "exploring.md": 0,
    "interactive.md": 0,
    "loading.md": 0,
    # users, roles and grants (authentication), a load or index build part-way, segments, compaction:
    # a real Milvus 2.3.5; its last section runs what Milvus Lite answers
    "operating.md": 8,
    "README.md": 0,
    "schema.md": 0,
}


def test_no_transcript_is_left_unmarked():
    """A line that looks like a session (a prompt, then a command) is inside a milvus-session block."""
    stray = {p.name: unmarked_prompts(p) for p in DOCS}
    assert not {k: v for k, v in stray.items() if v}, (
        "session lines outside a ```milvus-session block (no test would run them): " + repr(stray))


def test_no_run_transcripts_are_counted_and_say_why():
    counted = {p.name: [b for b in read_blocks(p) if b.kind == "no-run"] for p in DOCS}
    for blocks in counted.values():
        for block in blocks:
            assert block.reason, f"{block.where}: no-run needs a reason"
            assert block.steps, f"{block.where}: an empty transcript"
    assert {k: len(v) for k, v in counted.items() if v or k in NO_RUN} == NO_RUN


def test_the_convention_is_read_as_documented(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("text\n```milvus-session\n$ milvus-shell localhost:19530\nconnected\n"
                   "milvus default@localhost> count books\ncount\n-----\n8\n```\n"
                   "```milvus-session no-run needs auth\nmilvus (not connected)> connect x\nok\n```\n"
                   "```python milvus-setup\nprint(1)\n```\n    milvus a@b> stray\n"
                   "````markdown\n```milvus-session\nmilvus a@b> shown, not run\n```\n````\n", encoding="utf-8")
    run, no_run, setup = read_blocks(doc)
    assert (run.kind, run.line, [s.command for s in run.steps]) == ("run", 2, ["localhost:19530", "count books"])
    assert run.steps[0].prompt is None and run.steps[1].prompt == "milvus default@localhost"
    assert run.steps[1].expected == ["count", "-----", "8"]
    assert (no_run.kind, no_run.reason, no_run.steps[0].prompt) == ("no-run", "needs auth", "milvus (not connected)")
    assert (setup.kind, setup.code) == ("setup", "print(1)\n")
    assert unmarked_prompts(doc) == [17]
    assert normalise(["connected in 4.4 ms round trip  ", "a  |  b", "----+---", "", ""]) == [
        "connected in N ms round trip", "a | b", "--+--"]
    assert normalise(["inserted 50 rows in 0.0 s (2,595 rows/s) from b.jsonl"]) == [
        "inserted 50 rows in N s (N rows/s) from b.jsonl"]


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
