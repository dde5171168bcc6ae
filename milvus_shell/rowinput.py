"""Opening a file of rows for reading, whatever it is: a regular file, a pipe (``<(cmd)``,
``/dev/stdin``), a FIFO whose writer comes later, a device.

The file is opened without blocking (opening a FIFO blocks until a writer comes, and could not be
interrupted); a pipe or FIFO is then waited on until its first bytes or its end arrive (a FIFO
without a writer yet reads as empty otherwise), and read blocking from there on, so it is read until
its end however slowly it arrives. While it waits, ``waiting`` is called every WAIT_SLICE seconds
(the caller's progress report, which is also where Ctrl-C stops a command).
"""

from __future__ import annotations

import os
import select
import stat
import io
from typing import Callable

WAIT_SLICE = 0.25
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class InputError(ValueError):
    """The file cannot be opened for reading; the message names it and says why."""


def open_input(path: str, waiting: Callable[[], None] | None = None) -> tuple[io.BufferedReader, int | None]:
    """(a buffered binary file, its size in bytes when it is a regular file, else None)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"cannot read {path}: it is a folder")
        if stat.S_ISFIFO(st.st_mode):
            _wait_for_bytes(fd, waiting)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    size = st.st_size if stat.S_ISREG(st.st_mode) else None
    return io.BufferedReader(io.FileIO(fd, "rb", closefd=True), buffer_size=1 << 16), size


def _wait_for_bytes(fd: int, waiting: Callable[[], None] | None) -> None:
    """Until the pipe has bytes to read or its writer has gone (a FIFO that never had a writer does
    not count as gone: poll waits for one)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    while not poller.poll(int(WAIT_SLICE * 1000)):
        if waiting is not None:
            waiting()


def encoding_problem(first: bytes) -> str | None:
    """Why text starting with ``first`` is not UTF-8 the shell can read, when it plainly is not:
    UTF-16 (with or without its byte-order mark: every other byte of ASCII text is 0)."""
    if first.startswith(_UTF16_BOMS):
        return "it is UTF-16 text (it starts with a UTF-16 byte-order mark)"
    head = first[:64] if len(first) % 2 == 0 else first[:63]
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and (_interleaved(odd, even) or _interleaved(even, odd)):
        return "it looks like UTF-16 text (every other byte is 0)"
    return None


def _interleaved(zeros: bytes, text: bytes) -> bool:
    """ASCII text in UTF-16: most of one half of the bytes are 0, none of the other half."""
    return zeros.count(0) * 2 >= len(zeros) and text.count(0) == 0
