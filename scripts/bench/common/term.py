"""A program in a pseudo-terminal (pexpect), and a VT100 grid that knows what it left on the screen."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Sequence

import pexpect


# CSI, OSC, charset selection and the two-byte escapes prompt_toolkit writes.
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMNOZc]")


def plain(text: str) -> str:
    return ANSI.sub("", text)


_TOKEN = re.compile(r"\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b(.)|([^\x1b])",
                    re.S)


_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def _complete_escape(tail: str) -> bool:
    """Whether ``tail`` (starting at an ESC) begins with a whole escape sequence."""
    if len(tail) < 2:
        return False
    kind = tail[1]
    if kind == "[":
        return _CSI.match(tail) is not None
    if kind == "]":
        return _OSC.match(tail) is not None
    if kind in "()":
        return len(tail) >= 3
    return True


class Screen:
    """Just enough of a VT100 to know what prompt_toolkit left on the screen.

    prompt_toolkit redraws by difference (unchanged cells are skipped with cursor moves), so the byte
    stream alone does not say what is shown; this grid does. Handles printing, CR/LF/BS/TAB, cursor
    moves (CUU CUD CUF CUB CUP CHA VPA CNL CPL), erase (EL ED ECH), save/restore; ignores the rest.
    """

    def __init__(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self.grid = [[" "] * cols for _ in range(rows)]
        self.r = self.c = 0
        self.saved = (0, 0)
        self.pending = ""

    def _scroll(self) -> None:
        self.grid.pop(0)
        self.grid.append([" "] * self.cols)

    def _clear(self, row: int, start: int, end: int) -> None:
        line = self.grid[row]
        for i in range(max(0, start), min(self.cols, end)):
            line[i] = " "

    def feed(self, data: str) -> None:
        data = self.pending + data
        self.pending = ""
        cut = data.rfind("\x1b")
        if cut != -1 and not _complete_escape(data[cut:]):
            data, self.pending = data[:cut], data[cut:]
        pos = 0
        while pos < len(data):
            m = _TOKEN.match(data, pos)
            if m is None:  # an escape cut short: keep it for the next chunk
                self.pending = data[pos:]
                return
            pos = m.end()
            ch = m.group(5)
            if ch is not None:
                self._char(ch)
            elif m.group(3):
                self._csi(m.group(1), m.group(3))
            elif m.group(4) == "7":
                self.saved = (self.r, self.c)
            elif m.group(4) == "8":
                self.r, self.c = self.saved

    def _char(self, ch: str) -> None:
        if ch == "\r":
            self.c = 0
        elif ch == "\n":
            if self.r == self.rows - 1:
                self._scroll()
            else:
                self.r += 1
        elif ch == "\b":
            self.c = max(0, self.c - 1)
        elif ch == "\t":
            self.c = min(self.cols - 1, (self.c // 8 + 1) * 8)
        elif ch >= " ":
            if self.c >= self.cols:
                self.c = self.cols - 1
            self.grid[self.r][self.c] = ch
            self.c += 1

    def _csi(self, params: str, final: str) -> None:
        if params.startswith("?") or final in "mhlnsu":
            return
        nums = [int(x) if x.isdigit() else 0 for x in params.split(";")] if params else []
        n = nums[0] if nums and nums[0] else 1
        if final == "A":
            self.r = max(0, self.r - n)
        elif final == "B":
            self.r = min(self.rows - 1, self.r + n)
        elif final == "C":
            self.c = min(self.cols - 1, self.c + n)
        elif final == "D":
            self.c = max(0, self.c - n)
        elif final == "E":
            self.r, self.c = min(self.rows - 1, self.r + n), 0
        elif final == "F":
            self.r, self.c = max(0, self.r - n), 0
        elif final in "Hf":
            row = nums[0] if nums and nums[0] else 1
            col = nums[1] if len(nums) > 1 and nums[1] else 1
            self.r, self.c = min(self.rows, row) - 1, min(self.cols, col) - 1
        elif final == "G":
            self.c = min(self.cols, n) - 1
        elif final == "d":
            self.r = min(self.rows, n) - 1
        elif final == "K":
            mode = nums[0] if nums else 0
            if mode == 0:
                self._clear(self.r, self.c, self.cols)
            elif mode == 1:
                self._clear(self.r, 0, self.c + 1)
            else:
                self._clear(self.r, 0, self.cols)
        elif final == "J":
            mode = nums[0] if nums else 0
            if mode == 0:
                self._clear(self.r, self.c, self.cols)
                for row in range(self.r + 1, self.rows):
                    self._clear(row, 0, self.cols)
            elif mode == 1:
                for row in range(0, self.r):
                    self._clear(row, 0, self.cols)
                self._clear(self.r, 0, self.c + 1)
            else:
                for row in range(self.rows):
                    self._clear(row, 0, self.cols)
        elif final == "X":
            self._clear(self.r, self.c, self.c + n)

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.grid)


class Term:
    """A program in a pseudo-terminal. ``wait`` finds a regular expression in what it drew since the
    last ``mark`` (escape sequences stripped) and returns the perf_counter time the text arrived."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: str | None = None,
                 rows: int = 40, cols: int = 120) -> None:
        self.started = time.perf_counter()
        self.child = pexpect.spawn(argv[0], list(argv[1:]), env=env, cwd=cwd, dimensions=(rows, cols),
                                   encoding="utf-8", codec_errors="replace")
        self.child.delaybeforesend = None
        self.raw = ""
        self.since = 0
        self.screen = Screen(rows, cols)

    @property
    def pid(self) -> int:
        return self.child.pid

    def _read(self, timeout: float) -> bool:
        try:
            chunk = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return False
        self.raw += chunk
        self.screen.feed(chunk)
        return True

    def drain(self, quiet: float = 0.0) -> None:
        """Read what is pending (until nothing came for ``quiet`` seconds), then mark."""
        while self._read(quiet):
            pass
        self.mark()

    def mark(self) -> None:
        self.since = len(self.raw)

    def send(self, text: str) -> float:
        """Mark, send, and return the time just before the bytes were written."""
        self.mark()
        t = time.perf_counter()
        self.child.send(text)
        return t

    def wait(self, pattern: str | re.Pattern[str], timeout: float = 10.0) -> float:
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.perf_counter() + timeout
        while True:
            if regex.search(plain(self.raw[self.since:])):
                return time.perf_counter()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                tail = plain(self.raw[self.since:])[-600:]
                raise TimeoutError(f"{regex.pattern!r} not on screen after {timeout:g} s; screen text: {tail!r}")
            try:
                if self._read(remaining):
                    arrived = time.perf_counter()
                    if regex.search(plain(self.raw[self.since:])):
                        return arrived
            except pexpect.EOF:
                tail = plain(self.raw[self.since:])[-600:]
                raise EOFError(f"program ended while waiting for {regex.pattern!r}; screen text: {tail!r}") from None

    def on_screen(self, pattern: str | re.Pattern[str]) -> bool:
        return re.search(pattern, self.screen.text()) is not None

    def wait_screen(self, pattern: str | re.Pattern[str], timeout: float = 10.0) -> float:
        """Like ``wait``, but for text shown on the screen (after the terminal applied every move)."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.perf_counter() + timeout
        while True:
            if regex.search(self.screen.text()):
                return time.perf_counter()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{regex.pattern!r} not on screen after {timeout:g} s; screen:\n{self.screen.text()}")
            try:
                if self._read(remaining):
                    arrived = time.perf_counter()
                    if regex.search(self.screen.text()):
                        return arrived
            except pexpect.EOF:
                raise EOFError(f"program ended while waiting for {regex.pattern!r}") from None

    def close(self, eof_keys: str = "\x04", grace: float = 5.0) -> None:
        """Ask the program to leave (Ctrl-D), then end it by its own pid if it does not."""
        if not self.child.isalive():
            self.child.close()
            return
        try:
            self.child.send(eof_keys)
            self.child.expect(pexpect.EOF, timeout=grace)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError):
            pass
        self.child.close(force=True)


def terminal_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A private HOME and XDG directories, no CPR requests, no MILVUS_* secrets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MILVUS_", "XDG_"))}
    for name, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                      ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    env.update(HOME=str(home), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", LANG="C.UTF-8",
               LC_ALL="C.UTF-8", COLUMNS="120", LINES="40")
    env.pop("NO_COLOR", None)
    env.update(extra or {})
    return env

