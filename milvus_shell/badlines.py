"""``PATH.bad``: the lines ``insert --file --skip-bad`` set aside, as they were (a CSV file's header
first), so the file loads as it is once fixed.

The file is made by safe_files.create_new (new, 0600, never through a symbolic link), before the first
row is sent: an existing ``PATH.bad`` (of an earlier load, a hard link, another user's) is refused
then, with nothing sent. A load with no bad line leaves no file.
"""

from __future__ import annotations

import os
from typing import IO

from .rowfiles import FileError, Item
from .safe_files import Refused, create_new, remove_created


class BadLines:
    """The bad lines of one load. ``open`` (or the first ``write``) creates the file; ``close``
    removes it again when no line was written."""

    def __init__(self, source: str, header: str = "") -> None:
        self.path = source + ".bad"
        self.header = header
        self.count = 0
        self._file: IO[str] | None = None

    def open(self) -> None:
        if self._file is not None:
            return
        try:
            fd = create_new(self.path)
        except Refused as exc:
            raise FileError(f"will not write bad lines to {self.path}: {exc.reason}") from None
        self._file = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, item: Item) -> None:
        if self._file is None:
            self.open()
        assert self._file is not None
        if self.count == 0 and self.header:
            self._file.write(self.header + "\n")
        self._file.write(item.text.rstrip("\r\n") + "\n")
        self.count += 1

    def close(self) -> None:
        if self._file is None:
            return
        if self.count == 0:
            remove_created(self.path, self._file.fileno())
        self._file.close()
        self._file = None
