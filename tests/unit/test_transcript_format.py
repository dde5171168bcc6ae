"""The transcript format of the docs (tests/transcripts.py) read as documented, and every page's
transcripts marked and counted."""

from __future__ import annotations

from servers import free_port
from transcripts import DOCS, Swap, normalise, read_blocks, unmarked_prompts


# The transcripts that cannot run against Milvus Lite, by document: a change here is a decision.
NO_RUN = {
    "addresses.md": 1,  # connecting with a password to a remote Milvus with authentication
    "config.md": 0,  # config files and start-up messages, no session
    "exploring.md": 0,
    "interactive.md": 0,
    "loading.md": 0,
    # users, roles and grants (authentication), a load or index build part-way, segments, compaction:
    # a real Milvus 2.3.5; its last section runs what Milvus Lite answers
    "operating.md": 13,
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


def test_the_docs_refused_address_runs_as_a_port_just_closed_and_reads_back_as_printed():
    """Pages show ``localhost:19531`` refusing (a Milvus 2.3 may listen there): the runner dials a port it
    has just bound and closed, and writes that port back as the page's address, and only that port."""
    refused = f"localhost:{free_port()}"
    swap = Swap("127.0.0.1:4000", "/home/me", refused)
    assert swap.to_real("connect staging localhost:19531") == f"connect staging {refused}"
    assert swap.to_real("connect localhost:19530") == "connect 127.0.0.1:4000"
    assert swap.to_doc(f"error: connection refused by {refused}") == "error: connection refused by localhost:19531"
    assert swap.to_doc(f"{refused}9 and 127.0.0.1:40001") == f"{refused}9 and 127.0.0.1:40001"  # longer ports
    assert swap.to_doc("127.0.0.1:4000/db in /home/me/x") == "localhost:19530/db in /home/ada/x"
