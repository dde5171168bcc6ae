"""Editing the config file for `save` and `forget`, safely when several shells edit it at once.

One edit: take an exclusive lock (flock on ``config.toml.lock`` beside it, a private file), read the
file as it is now, make the edit with tomlkit (config_edit), write the result to a new private file
in the same folder, read that back and check it, and only then rename it over the config file. Two
shells saving different profiles at the same moment both get their profile in. A file that cannot be
edited safely is left untouched and the reason said.

Never changed: a symbolic link (never followed), anything but a regular file, a file of another user,
a file with several hard links. A file the shell creates has mode 0600 in a 0700 folder; an existing
one keeps its mode.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from .config_edit import BOM, parse, with_profile, without_profile
from .errors import UsageError
from .paths import private_dir

__all__ = ["forget_profile", "read_own", "save_profile", "with_profile", "without_profile"]  # edits re-exported

LOCK_WAIT_SECONDS = 10.0


def save_profile(path: Path, name: str, keys: dict[str, Any]) -> tuple[bool, bool]:
    """Write [connections.NAME] holding ``keys``; (whether it existed, whether the file is new)."""
    outcome: dict[str, bool] = {}

    def edit(text: str) -> str:
        new_text, outcome["existed"] = with_profile(text, name, keys, str(path))
        return new_text

    created = _edit(path, edit)
    return outcome["existed"], created


def forget_profile(path: Path, name: str) -> bool:
    """Remove [connections.NAME]; False (nothing written) when the file has no such profile."""
    found = False

    def edit(text: str) -> str | None:
        nonlocal found
        new_text = without_profile(text, name, str(path))
        found = new_text is not None
        return new_text

    _edit(path, edit, create=False)
    return found


def _edit(path: Path, edit: Callable[[str], str | None], create: bool = True) -> bool:
    """Under the lock: read, edit, write and check, rename. True when the file was created."""
    _, mode, _ = read_own(path)  # a file that must not change is refused before anything is created
    if mode is None and not create:
        return False
    try:
        private_dir(path.parent)
    except OSError as exc:
        raise UsageError(f"cannot create {path.parent}: {(exc.strerror or str(exc)).lower()}") from None
    with _locked(path):
        text, mode, identity = read_own(path)
        if mode is None and not create:
            return False
        new_text = edit(text)
        if new_text is None or new_text == text:
            return False
        _write_checked(path, new_text, mode, identity)
        return mode is None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive flock on PATH.lock (created 0600, never through a link; kept afterwards, since
    removing it would let two shells lock two different files)."""
    lock = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(f"{lock} is a symbolic link; the shell does not follow one (remove it)") from None
        raise UsageError(f"cannot lock {path}: {lock}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        reason = _refusal(lock, os.fstat(fd))
        if reason:
            raise UsageError(f"cannot lock {path}: {reason}")
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UsageError(f"{path} is being edited by another process (it holds {lock}); "
                                     "nothing changed", "try again in a moment") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


# -- reading and writing the file ------------------------------------------------------------------

def _refusal(path: Path, st: os.stat_result) -> str | None:
    if stat.S_ISLNK(st.st_mode):
        return f"{path} is a symbolic link; the shell does not write through one (edit the file it points to by hand)"
    if not stat.S_ISREG(st.st_mode):
        return f"{path} is not a regular file; not changing it"
    if st.st_uid != os.geteuid():
        return f"{path} belongs to another user; the shell changes only your own files"
    if st.st_nlink > 1:
        return f"{path} has {st.st_nlink} hard links; replacing it would split them, so it is not changed"
    return None


def read_own(path: Path) -> tuple[str, int | None, tuple[int, int] | None]:
    """The file's text, mode and (device, inode); ("", None, None) when it is missing. A UsageError
    when it must not be changed (a FIFO is refused before it is opened, so this never hangs)."""
    try:
        reason = _refusal(path, os.lstat(path))
    except FileNotFoundError:
        return "", None, None
    except OSError as exc:  # e.g. XDG_CONFIG_HOME names a file: "not a directory"
        raise UsageError(f"cannot use {path}: {(exc.strerror or str(exc)).lower()}") from None
    if reason:
        raise UsageError(reason)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        reason = _refusal(path, st)
        if reason:
            raise UsageError(reason)
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; not changing it") from None
    return text, stat.S_IMODE(st.st_mode), (st.st_dev, st.st_ino)


def _write_checked(path: Path, text: str, mode: int | None, identity: tuple[int, int] | None) -> None:
    """Write ``text`` to a new private file beside ``path``, read it back and check it, then rename
    it over ``path`` (still the file that was read: one edited by hand meanwhile is not replaced)."""
    data = text.encode("utf-8")
    temporary, fd = _new_temporary(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode & 0o777)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _check_written(temporary, data, path)
        if mode is None:
            _link_new(temporary, path)
        else:
            _still_the_same(path, identity)
            os.replace(temporary, path)
        _sync_folder(path.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {(exc.strerror or str(exc)).lower()}; it is unchanged") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _new_temporary(path: Path) -> tuple[Path, int]:
    for _ in range(10):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise UsageError(f"cannot write in {path.parent}: {(exc.strerror or str(exc)).lower()}") from None
        return temporary, fd
    raise UsageError(f"cannot write in {path.parent}: no free temporary name")


def _check_written(temporary: Path, data: bytes, path: Path) -> None:
    """What is on disk is what was meant, and parses to the checked data."""
    fd = os.open(temporary, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        back = f.read()
    if back != data:
        raise UsageError(f"not changing {path}: the new file read back differently")
    parse(back.decode("utf-8").removeprefix(BOM), str(path))


def _still_the_same(path: Path, identity: tuple[int, int] | None) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is None or (st.st_dev, st.st_ino) != identity or _refusal(path, st):
        raise UsageError(f"{path} was replaced while it was being edited; nothing changed", "try again")


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _link_new(temporary: Path, path: Path) -> None:
    """Put a new file in place only if nothing (a link planted meanwhile) took the name."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise UsageError(f"{path} appeared while it was being written; try again") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP):
            raise
        os.replace(temporary, path)
