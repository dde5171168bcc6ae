"""The one way the shell creates a file it writes (a file of bad lines, a `record` transcript).

``create_new`` makes a new file, 0600, with O_CREAT|O_EXCL|O_NOFOLLOW: it never truncates or appends
to a file that was there before, so it cannot write through a symbolic link, into a hard link to
someone else's file, into another user's file planted in a shared folder, or over a file of the
user's own. When the path is taken it refuses with ``Refused``, saying in words what is there.
``remove_created`` takes such a file away again, only while the path still names that very file.

(The history file and the config file have writers of their own: history.py appends to a file of
the user's, config_file.py replaces the config by a rename.)
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Union

PathLike = Union[str, Path]

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
)


class Refused(Exception):
    """The file cannot be created; ``reason`` says why in words ("it already exists")."""

    def __init__(self, path: PathLike, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def create_new(path: PathLike) -> int:
    """A write-only descriptor on a file this call created, mode 0600, owned by the user.

    Raises ``Refused`` when anything is at ``path`` (a file, a link, a folder) or it cannot be made."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise Refused(path, what_is_there(path)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a symbolic link made between the two calls
            raise Refused(path, "it is a symbolic link") from None
        raise Refused(path, f"cannot create it: {(exc.strerror or str(exc)).lower()}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_uid != os.geteuid():
            raise Refused(path, "it is not a new file of yours")  # O_EXCL makes this unreachable
        os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask: the file is new and ours
    except BaseException:
        os.close(fd)
        raise
    return fd


def what_is_there(path: PathLike) -> str:
    """Why an existing ``path`` is not written, in words: "it already exists", "it is a symbolic link"..."""
    try:
        st = os.lstat(path)
    except OSError:
        return "it already exists"
    for test, kind in _KINDS:
        if test(st.st_mode):
            return f"it is {kind}"
    if st.st_uid != os.geteuid():
        return "it already exists and belongs to another user"
    if st.st_nlink > 1:
        return f"it already exists, with {st.st_nlink} hard links"
    return "it already exists"


def remove_created(path: PathLike, fd: int) -> None:
    """Remove the file ``create_new`` gave ``fd`` for, if ``path`` still names it (else leave both)."""
    try:
        mine, there = os.fstat(fd), os.lstat(path)
    except OSError:
        return
    if (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
        try:
            os.unlink(path)
        except OSError:  # gone or not ours to remove any more: nothing to undo
            pass


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether two paths name one file, existing or not: the same place after resolving symbolic links
    and ``..`` (so a file that is yet to be created compares too), or the same inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
