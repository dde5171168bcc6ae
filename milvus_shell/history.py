"""Command history: a private file in the XDG state directory that never holds a secret.

The file keeps prompt_toolkit's FileHistory format (``# time`` then ``+line``) and is created with
mode 0600 in a 0700 directory. Every line passes through ``redact`` (secret option values become
``***``) before it is kept, in memory or on disk. Reading tolerates anything: a missing, unreadable,
binary or huge file gives what can be recovered, never an error.
"""

from __future__ import annotations

import datetime
import os
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Mapping

from prompt_toolkit.auto_suggest import AutoSuggest, Suggestion
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.document import Document
from prompt_toolkit.history import History, ThreadedHistory

from .parser import SECRET_MASK, redact
from .table import CommandTable
from .paths import private_dir, state_dir

FILE_NAME = "history"
MAX_READ_BYTES = 4 * 1024 * 1024  # a bigger file is read from its last 4 MB
MAX_ENTRY_CHARS = 10_000  # a longer entry (binary junk, most likely) is skipped

Redact = Callable[[str], str]


def history_path(environ: Mapping[str, str]) -> Path:
    return state_dir(environ) / FILE_NAME


def read_entries(path: Path) -> list[str]:
    """The entries of a history file, oldest first; [] when it cannot be read."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_READ_BYTES:
                f.seek(size - MAX_READ_BYTES)
                f.readline()  # drop the partial line
            data = f.read(MAX_READ_BYTES)
    except OSError:
        return []
    entries: list[str] = []
    lines: list[str] = []

    def finish() -> None:
        entry = "\n".join(lines)
        if entry.strip() and len(entry) <= MAX_ENTRY_CHARS and "\x00" not in entry:
            entries.append(entry)
        lines.clear()

    for raw in data.split(b"\n"):
        line = raw.decode("utf-8", errors="replace").rstrip("\r")
        if line.startswith("+"):
            lines.append(line[1:])
        else:
            finish()
    finish()
    return entries


def append_entry(path: Path, text: str) -> None:
    """Append one entry; the file is created 0600 (and tightened to 0600 if it was not)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
        record = f"\n# {datetime.datetime.now()}\n" + "".join(f"+{line}\n" for line in text.split("\n"))
        os.write(fd, record.encode("utf-8", errors="replace"))
    finally:
        os.close(fd)


class PrivateFileHistory(History):
    """prompt_toolkit History on a private file; entries are redacted before they are written.

    When the file cannot be written the session goes on with what it has in memory
    (``write_failed`` says why, once).
    """

    def __init__(self, path: Path, redact: Redact) -> None:
        super().__init__()
        self.path = path
        self.redact = redact
        self.write_failed: str | None = None
        try:
            private_dir(path.parent)
        except OSError as exc:
            self.write_failed = f"cannot create {path.parent}: {exc.strerror}"

    def load_history_strings(self) -> Iterable[str]:
        return reversed(read_entries(self.path))

    def store_string(self, string: str) -> None:
        if self.write_failed:
            return
        try:
            append_entry(self.path, self.redact(string))
        except OSError as exc:
            self.write_failed = f"cannot write {self.path}: {exc.strerror}"


class ShellHistory(ThreadedHistory):
    """Loads on a thread (a long history never slows the first prompt); keeps only redacted lines,
    in memory as on disk, and no line twice in a row."""

    def __init__(self, history: History, redact: Redact) -> None:
        super().__init__(history)
        self.redact = redact

    def append_string(self, string: str) -> None:
        clean = self.redact(string)
        with self._lock:
            if self._loaded_strings and self._loaded_strings[0] == clean:
                return
        super().append_string(clean)


def shell_history(environ: Mapping[str, str], table: CommandTable) -> ShellHistory:
    def redact_line(text: str) -> str:
        return redact(text, table)

    return ShellHistory(PrivateFileHistory(history_path(environ), redact_line), redact_line)


def ask_again_for_masked(text: str, table: CommandTable) -> str:
    """A line recalled from history has ``--password ***``: drop the mask so the password is asked for.

    Only for secret options whose value is optional (``--password``); others keep the mask and fail
    as any wrong secret would.
    """
    from .binder import Role, bind_line  # noqa: PLC0415 - not needed before the first prompt

    cuts: list[tuple[int, int]] = []
    for bound in bind_line(text, table):
        words = bound.words
        for option, value in zip(words, words[1:]):
            param = value.param
            if (
                value.role is Role.VALUE and option.role is Role.OPTION and param is option.param
                and param is not None and param.value_optional and value.token.value == SECRET_MASK
                and not value.token.quoted
            ):
                cuts.append((option.token.end, value.token.end))
    for start, end in reversed(cuts):
        text = text[:start] + text[end:]
    return text


SUGGEST_FROM_LAST = 5_000  # history entries searched for a suggestion, newest first


class RecentHistorySuggest(AutoSuggest):
    """Suggests the rest of the newest history line that starts with what is typed, looking at the
    last ``SUGGEST_FROM_LAST`` entries only: prompt_toolkit's own copies and scans the whole history
    on every key, ~20 ms with 200,000 entries, holding the GIL the screen needs."""

    def get_suggestion(self, buffer: Buffer, document: Document) -> Suggestion | None:
        text = document.text.rsplit("\n", 1)[-1]
        if not text.strip():
            return None
        strings = buffer.history.get_strings()
        for string in islice(reversed(strings), SUGGEST_FROM_LAST):
            for line in reversed(string.splitlines()):
                if line.startswith(text):
                    return Suggestion(line[len(text):])
        return None
