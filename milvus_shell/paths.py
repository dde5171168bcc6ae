"""Where the shell keeps its files (XDG base directories). Everything it creates is private (0700/0600)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Mapping

APP = "milvus-shell"


# Where the shell's files go when no home folder can be found: every attempt to create or read
# there fails with "not a directory", said in words, and nothing is written at the root.
NO_HOME = Path(os.devnull)


def home_dir(env: Mapping[str, str] = os.environ) -> Path:
    """$HOME when it is an absolute path; an empty or relative HOME counts as unset (as root, HOME=""
    must not put files under /.config): then the user's home from the password database."""
    value = env.get("HOME", "")
    if value and os.path.isabs(value) and value.strip("/"):
        return Path(value)
    import pwd  # noqa: PLC0415

    try:
        home = pwd.getpwuid(os.geteuid()).pw_dir
    except KeyError:
        return NO_HOME
    return Path(home) if home and os.path.isabs(home) and home.strip("/") else NO_HOME


def _base(env: Mapping[str, str], var: str, fallback: str) -> Path:
    value = env.get(var, "")
    if value and os.path.isabs(value):
        return Path(value) / APP
    return home_dir(env) / fallback / APP


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    return _base(env, "XDG_DATA_HOME", ".local/share")


def state_dir(env: Mapping[str, str] = os.environ) -> Path:
    return _base(env, "XDG_STATE_HOME", ".local/state")


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    return _base(env, "XDG_CONFIG_HOME", ".config")


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents, each with mode 0700 (whatever the umask).

    A directory that already exists is used as it is and never chmod'ed: it may be another user's,
    or reached through a symbolic link. Raises OSError when ``path`` cannot be a directory.
    """
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if os.path.isdir(folder):
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not os.path.isdir(folder):  # a file, or a dangling symbolic link
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder)) from None
            continue  # made meanwhile by someone else: not ours to tighten
        _tighten(folder)
    return path


def _tighten(folder: Path) -> None:
    """chmod 0700 a directory this process has just created, through a descriptor that cannot be a
    symbolic link swapped in since."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, 0o700)
    finally:
        os.close(fd)


def default_lite_dir(env: Mapping[str, str] = os.environ) -> Path:
    return data_dir(env) / "lite.db"
