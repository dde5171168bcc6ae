"""A session recorded with `record FILE` against Milvus Lite replays through the docs' transcript test
unchanged (the command's own tests: tests/unit/test_record_command.py)."""

from __future__ import annotations

import pytest

from harness import Harness
from servers import free_port
from transcripts import Runner, Swap, read_blocks


@pytest.mark.server
def test_a_recording_replays_as_an_executable_transcript(tmp_path, lite_server, private_home):
    """Recorded against a server, the file runs through the docs' transcript test unchanged."""
    target = tmp_path / "session.md"
    shell = Harness()
    try:
        shell.ok(f"record {target}")
        shell.ok(f"connect default {lite_server.address}")
        shell.ok("create collection recorded --dim 4; show collections recorded; describe recorded")
        shell.fail("count nosuch")
        shell.ok("drop collection recorded --yes; record off")
    finally:
        shell.close()
    blocks = read_blocks(target)
    assert len(blocks) == 6
    assert blocks[1].steps[0].prompt == f"milvus default@{lite_server.address}"
    same = Swap(lite_server.address, str(private_home), refused=f"localhost:{free_port()}",
                doc_address=lite_server.address, doc_home=str(private_home))
    runner = Runner(same)
    try:
        for block in blocks:
            runner.run_block(block)
    finally:
        runner.close()
    assert runner.commands_run == 6 and not runner.problems, runner.problems
