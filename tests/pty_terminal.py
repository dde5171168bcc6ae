"""The shell in a real pseudo-terminal (pexpect), for the pty tests; the ``terminal`` fixture is in conftest."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pexpect

import milvus_shell

ROOT = Path(milvus_shell.__file__).resolve().parent.parent  # the package under test, even from a worktree
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|[\x07\x08\r]")


NOT_CONNECTED = r"milvus \(not connected\)>"  # the prompt with no active alias


class Terminal:
    """A shell in a pseudo-terminal. ``expect`` matches the text with escape sequences removed,
    from where the previous match ended; ``raw`` keeps everything as it came."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, rows: int = 30, cols: int = 120,
                 cwd: str | None = None) -> None:
        environ = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", PYTHONPATH=str(ROOT))
        environ.update(env or {})
        self.child = pexpect.spawn(sys.executable, ["-m", "milvus_shell", *args], env=environ,
                                   encoding="utf-8", dimensions=(rows, cols), timeout=20, cwd=cwd)
        self.raw = ""
        self.text = ""
        self.position = 0

    def expect(self, pattern: str, timeout: float = 20) -> re.Match:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.text, self.position)
            if match:
                self.position = match.end()
                return match
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{pattern!r} did not appear; the screen ended with:\n{self.text[-1500:]}")
            self._read(min(left, 0.2))

    def expect_raw(self, data: str, timeout: float = 20) -> None:
        """Wait until ``data`` (escape sequences included) has come, anywhere in the output so far."""
        deadline = time.monotonic() + timeout
        while data not in self.raw:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{data!r} did not come; the screen ended with:\n{self.text[-1500:]}")
            self._read(min(left, 0.2))

    def _read(self, timeout: float) -> None:
        try:
            chunk = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            raise AssertionError(f"the shell ended; the screen ended with:\n{self.text[-1500:]}") from None
        self.raw += chunk
        self.text += ANSI.sub("", chunk)

    def line(self, text: str) -> None:
        self.child.send(text + "\r")

    def wait_exit(self, timeout: float = 20) -> int:
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        return self.child.exitstatus

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


def prompt_of(alias: str, server) -> str:
    return rf"milvus {alias}@127\.0\.0\.1:{server.port}>"
