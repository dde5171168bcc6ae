"""Teaching in a real terminal: keys typed ahead while a command runs never reach the pager."""

from __future__ import annotations

import time

import pytest

from pty_terminal import prompt_of

pytestmark = pytest.mark.server


def test_keys_typed_ahead_do_not_drive_the_pager(terminal, own_server, tmp_path):
    """A line pasted while a command waits on the server is thrown away, not read by less: its `s`
    would save the paged text to a file named by the rest of the line."""
    work = tmp_path / "cwd"
    work.mkdir()
    term = terminal(own_server.address, rows=12, cols=100, cwd=str(work))
    term.expect(prompt_of("default", own_server))
    term.line("create collection pasted --dim 4")
    term.expect(r"created collection pasted")
    term.expect(prompt_of("default", own_server))
    own_server.freeze()
    try:
        term.line("describe pasted")  # waits on the frozen server
        time.sleep(0.5)  # the shell has read its line and is waiting: what comes now is typed ahead
        term.child.send("scribe pasted\r")
        time.sleep(0.3)
    finally:
        own_server.thaw()
    term.expect(r"collection: +pasted")  # the first screen of the output, in less
    term.expect(r":|\(END\)|lines")  # less waits for a key: the typed-ahead ones were discarded
    time.sleep(0.5)
    assert list(work.iterdir()) == []  # with them, less had saved "cribe pasted"
    term.child.send("q")
    term.expect(prompt_of("default", own_server))
    term.line("set pager off")  # the prompt is empty: nothing typed ahead landed there either
    term.expect(r"\npager off")
    assert "scribe pasted" not in term.text[term.text.index("collection:"):]


def test_record_keeps_paged_output_whole(terminal, tmp_path):
    """Output that went through the pager is recorded whole, though the screen showed one page."""
    target = tmp_path / "paged.md"
    term = terminal(rows=12, cols=100, env={"PAGER": "less -SRXFK"})
    term.expect(r"milvus \(not connected\)>")
    term.line(f"record {target}")
    term.expect(r"recording to .*\n")
    term.expect(r"milvus \(not connected\)>")
    term.line("help")
    term.expect(r":|\(END\)|lines")  # in less
    term.child.send("q")
    term.expect(r"milvus \(not connected\)>")
    term.line("record off")
    term.expect(r"stopped recording: 1 command")
    text = target.read_text(encoding="utf-8")
    assert "milvus (not connected)> help\ncommand " in text
    assert "\nquit " in text and "help COMMAND shows its options" in text  # the end of it, never on screen
    assert "\x1b" not in text
