"""A history file the shell does not own, met in a real pseudo-terminal: a symbolic link is said once and
left alone, a FIFO never hangs the shell (the history module's own tests: tests/unit/test_history_safety.py)."""

from __future__ import annotations

import os
import stat

import pytest

from pty_terminal import NOT_CONNECTED


@pytest.mark.server  # its last step starts an embedded Milvus Lite (--lite)
def test_in_a_terminal_a_symlinked_history_is_said_once_and_left_alone(terminal, tmp_path):
    state = tmp_path / "state"
    (state / "milvus-shell").mkdir(parents=True)
    target = tmp_path / "dotfile"
    target.write_text("keep me\n")
    target.chmod(0o644)
    path = state / "milvus-shell" / "history"
    path.symlink_to(target)
    term = terminal(env={"HOME": str(tmp_path), "XDG_STATE_HOME": str(state)})
    term.expect(f"history not saved: {path} is a symbolic link; keeping this session's history in memory only")
    term.expect(NOT_CONNECTED)
    term.line("history")
    term.expect(r"\| history")
    term.expect(f"kept in memory only: {path} is a symbolic link")
    term.expect(NOT_CONNECTED)
    term.line("connections")
    term.expect(NOT_CONNECTED)
    term.child.sendcontrol("d")
    assert term.wait_exit(timeout=10) == 0
    assert term.text.count("history not saved") == 1
    assert target.read_text() == "keep me\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_in_a_terminal_a_fifo_history_never_hangs_the_shell(terminal, tmp_path):
    state = tmp_path / "state"
    (state / "milvus-shell").mkdir(parents=True)
    path = state / "milvus-shell" / "history"
    os.mkfifo(path)
    term = terminal(env={"HOME": str(tmp_path), "XDG_STATE_HOME": str(state)})
    try:
        term.expect(f"history not saved: {path} is a named pipe", timeout=10)
        term.expect(NOT_CONNECTED, timeout=10)
        term.line("connections")
        term.expect("no connections", timeout=10)
        term.expect(NOT_CONNECTED, timeout=10)
        term.child.sendcontrol("d")
        assert term.wait_exit(timeout=10) == 0
    finally:
        os.close(os.open(path, os.O_RDWR | os.O_NONBLOCK))  # lets an old shell blocked on it go
