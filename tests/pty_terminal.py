"""The shell in a real pseudo-terminal, driven by pexpect, for the pty tests; the ``terminal`` fixture is
in conftest.

The child is started by ``subprocess`` (vfork and exec) and pexpect reads and types on the pty's master
side (``fdspawn``). pexpect's own spawn forks and runs Python in the child before exec: gRPC 1.81 and
later, loaded in this process by the tests' own pymilvus clients, restart their poller in a forked child,
which then dies on "epoll_wait error: Bad file descriptor" as the child closes its descriptors
(grpc/grpc#43055; 42 of 200 spawns here). A vfork runs no fork handlers.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pexpect
from pexpect.fdpexpect import fdspawn

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
        for inherited in ("COLUMNS", "LINES"):  # pytest-xdist's workers set COLUMNS=80; the pty gives the size
            environ.pop(inherited, None)
        environ.update(env or {})
        self.child = PtyChild([sys.executable, "-m", "milvus_shell", *args], env=environ, rows=rows, cols=cols,
                              cwd=cwd)
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
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the shell did not end; the screen ended with:\n{self.text[-1500:]}")
            try:
                chunk = self.child.read_nonblocking(65536, timeout=min(left, 0.2))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                return self.child.wait(max(deadline - time.monotonic(), 1))
            self.raw += chunk
            self.text += ANSI.sub("", chunk)

    def close(self) -> None:
        self.child.close()


# Run in the child before the shell: a new session whose controlling terminal is the pty (so Ctrl-C is
# a SIGINT to the shell, as at a real terminal), then exec the shell in the same process.
_TAKE_TERMINAL = "import fcntl, os, sys, termios; os.setsid(); fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execv(sys.argv[1], sys.argv[1:])"


class PtyChild(fdspawn):
    """A process on the slave side of a new pty; pexpect on the master side, plus the process's life."""

    def __init__(self, argv: list[str], env: dict[str, str], rows: int, cols: int, cwd: str | None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        try:
            self.process = subprocess.Popen([sys.executable, "-c", _TAKE_TERMINAL, *argv], stdin=slave,
                                            stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        super().__init__(master, timeout=20, encoding="utf-8", codec_errors="replace")

    def send(self, s: str) -> int:  # type: ignore[override]
        time.sleep(0.05)  # keys come apart, as typed (pexpect's spawn waits the same before each send)
        return super().send(s)

    def sendcontrol(self, char: str) -> int:
        """Ctrl plus ``char`` (c, d, l …), as the key sends it."""
        return self.send(chr(ord(char.lower()) & 0x1F))

    def sendintr(self) -> int:
        return self.send(chr(termios.tcgetattr(self.child_fd)[6][termios.VINTR][0]))

    def isalive(self) -> bool:
        return self.process.poll() is None

    def wait(self, timeout: float) -> int:  # type: ignore[override]
        return self.process.wait(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGHUP)  # as a closed terminal window would
            try:
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.child_fd >= 0:
            super().close()


def prompt_of(alias: str, server) -> str:
    return rf"milvus {alias}@127\.0\.0\.1:{server.port}>"
