"""`record FILE`: the session written down as a Markdown transcript, one fenced block per command.

Each block is a ``milvus-session`` block (the docs' own transcript convention, README.md): the prompt
as drawn when the command was typed, the command with its secrets masked (the line model, line.py), then what
the shell printed (data, notes and errors, colours removed; progress lines are not kept). With
``--times`` a line before each block gives the time the command started and how long it took.

The file is made new by safe_files.create_new (0600, never through a symbolic link): an existing file
is refused, never appended to, and so are the shell's own config and history files, even before they
exist. Each block is written when its command ends, so a transcript survives a crash.
"""

from __future__ import annotations

import datetime
import os
import re
import time
from pathlib import Path
from typing import Mapping

from .errors import UsageError, os_reason
from .safe_files import Refused, create_new, same_file

SGR = re.compile(r"\x1b\[[0-9;]*m")  # the renderer's colours; values are escaped before they get here
FENCE = "```"


class Recorder:
    """Collects what one command prints, then appends its block to the transcript file."""

    def __init__(self, path: Path, fd: int, times: bool) -> None:
        self.path = path
        self.times = times
        self._fd = fd
        self._parts: list[str] = []
        self._prompt = ""
        self._command = ""
        self._started = 0.0
        self._clock = datetime.datetime.now()
        self.commands = 0

    @classmethod
    def open(cls, name: str, times: bool, own_files: Mapping[Path, str] | None = None) -> "Recorder":
        """Start a transcript in the new file ``name``. ``own_files``: the shell's own files (config,
        history), each with what it is, refused whatever the path that names them."""
        path = Path(os.path.expanduser(name))
        for own, what in (own_files or {}).items():
            if same_file(path, own):
                raise UsageError(f"cannot record to {name}: it is {what} ({own})",
                                 "name a new file for the transcript, e.g. record session.md")
        try:
            fd = create_new(path)
        except Refused as exc:
            raise UsageError(f"cannot record to {name}: {exc.reason}",
                             "record writes a new file and never appends: name a new file, or remove "
                             "this one first") from None
        recorder = cls(path, fd, times)
        recorder._write("# milvus-shell session\n\n")
        return recorder

    # -- one command -------------------------------------------------------------------------------
    def begin(self, prompt: str, command: str) -> None:
        self._parts, self._prompt, self._command = [], prompt, command
        self._started, self._clock = time.perf_counter(), datetime.datetime.now()

    def tap(self, text: str) -> None:
        """What the renderer wrote (or paged) for the command being recorded."""
        self._parts.append(text)

    def end(self) -> None:
        output = SGR.sub("", "".join(self._parts)).replace("\r\x1b[K", "")
        if output and not output.endswith("\n"):
            output += "\n"
        head = ""
        if self.times:
            head = f"*{self._clock:%H:%M:%S}, {time.perf_counter() - self._started:.3f} s*\n\n"
        fence = FENCE
        while fence in output:  # output holding ``` (a value, say) must not close the block early
            fence += "`"
        self._write(f"{head}{fence}milvus-session\n{self._prompt}> {self._command}\n{output}{fence}\n\n")
        self.commands += 1
        self._parts = []

    def _write(self, text: str) -> None:
        data = text.encode("utf-8", errors="replace")
        try:
            while data:
                data = data[os.write(self._fd, data):]
        except OSError as exc:
            raise UsageError(f"cannot write the transcript {self.path}: {os_reason(exc)}") from None

    def close(self) -> None:
        if self._fd >= 0:
            try:
                os.close(self._fd)
            except OSError:  # already gone: nothing more to write to it anyway
                pass
            self._fd = -1
