"""--step in a real pseudo-terminal: each command shown first, Enter runs it, s skips it, q stops; a
destructive command asks, as at the prompt."""

from __future__ import annotations

import re

import pytest


@pytest.mark.server
def test_step_runs_skips_asks_and_stops_on_keys(terminal, tmp_path):
    script = tmp_path / "class.msh"
    script.write_text("create collection stepc --dim 2\ncount stepc\nshow collections\ndrop collection stepc\n"
                      "count stepc\n", encoding="utf-8")
    term = terminal("--lite", str(tmp_path / "lite"), "-f", str(script), "--step")
    keys = "[Enter runs, s skips, q stops]"
    term.expect(r"milvus local@lite> create collection stepc --dim 2 +\[Enter runs, s skips, q stops\]")
    term.child.send("\r")
    term.expect(r"created collection stepc")
    term.expect(r"> count stepc +" + re.escape(keys))
    term.child.send("s")
    term.expect(rf"{script}:2: skipped")
    term.expect(r"> show collections")
    term.child.send("x")  # any other key: still waiting
    term.child.send("\r")
    term.expect(r"stepc +\| 0 +\| loaded")
    term.expect(r"> drop collection stepc")
    term.child.send("\r")
    term.expect(r"This will drop collection 'stepc'")
    term.expect(r"Type 'stepc' to confirm, anything else to keep it: ")
    term.line("stepc")
    term.expect(r"dropped collection stepc")
    term.expect(r"> count stepc")
    term.child.send("q")
    term.expect(rf"{script}:5: stopped; the rest of the script is not run")
    assert term.wait_exit() == 0
    assert "not found" not in term.text  # the last count never ran
