"""Writing profiles into the config file as text, so that comments, order and every other entry stay
as the user wrote them (tomllib only reads). `save` adds or updates one [connections.NAME] table key
by key; `forget` removes one.

The file is written through a new file beside it, renamed over it: a file the shell creates has mode
0600 in a 0700 folder; an existing one keeps its mode. A symbolic link, anything but a regular file,
or a file of another user is refused, never followed or changed.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

from .errors import UsageError
from .paths import private_dir

_HEADER = re.compile(r"^\s*\[(?!\[)\s*(?P<name>[^\]]*?)\s*\]\s*(?:#.*)?$")
_ARRAY_HEADER = re.compile(r"^\s*\[\[")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def _table_name(line: str) -> str | None:
    if _ARRAY_HEADER.match(line):
        return "[["
    match = _HEADER.match(line)
    if not match:
        return None
    return ".".join(part.strip().strip('"').strip("'") for part in match.group("name").split("."))


def _span(lines: list[str], name: str) -> tuple[int, int] | None:
    """Lines [start, end) of the [connections.NAME] table: its header up to the next table."""
    start = None
    for i, line in enumerate(lines):
        table = _table_name(line)
        if table is None:
            continue
        if start is not None:
            return start, _end_before_comments(lines, start, i)
        if table == f"connections.{name}":
            start = i
    return (start, _end_before_comments(lines, start, len(lines))) if start is not None else None


def _end_before_comments(lines: list[str], start: int, end: int) -> int:
    """Comments and blank lines right before the next table belong to it, not to this one."""
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    if isinstance(value, int):
        return str(value)
    text = str(value)
    escaped = "".join(
        "\\\\" if c == "\\" else '\\"' if c == '"' else f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7f else c
        for c in text)
    return f'"{escaped}"'


def _value_end(line: str, start: int) -> int:
    """Where the value that begins at ``start`` ends (a string may hold '#')."""
    i = start
    if i < len(line) and line[i] in "\"'":
        quote = line[i]
        i += 1
        while i < len(line) and line[i] != quote:
            i += 2 if quote == '"' and line[i] == "\\" else 1
        return min(i + 1, len(line))
    while i < len(line) and line[i] not in "#\n":
        i += 1
    while i > start and line[i - 1] in " \t":
        i -= 1
    return i


def _set_line(line: str, value: str) -> str:
    """``line`` (``key = old  # comment``) with its value replaced, keeping the comment."""
    eq = line.index("=")
    start = eq + 1
    while start < len(line) and line[start] in " \t":
        start += 1
    end = _value_end(line, start)
    return line[:start] + value + line[end:]


def with_profile(text: str, name: str, keys: dict[str, Any]) -> tuple[str, bool]:
    """``text`` with [connections.NAME] holding exactly ``keys``; (new text, whether it existed)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    span = _span(lines, name)
    if span is None:
        block = [f"[connections.{name}]\n"] + [f"{k} = {toml_value(v)}\n" for k, v in keys.items()]
        gap = ["\n"] if lines and lines[-1].strip() else []
        return "".join(lines + gap + block), False
    start, end = span
    body = lines[start + 1:end]
    kept, seen = [], set()
    for line in body:
        match = _KEY.match(line)
        key = match.group("key").strip('"') if match else None
        if key is None:
            kept.append(line)
        elif key in keys and key not in seen:
            kept.append(_set_line(line, toml_value(keys[key])))
            seen.add(key)
        # a key the alias no longer has is dropped (a comment line about it stays)
    last_key = max((i for i, line in enumerate(kept) if _KEY.match(line)), default=-1)
    new = [f"{k} = {toml_value(v)}\n" for k, v in keys.items() if k not in seen]
    kept[last_key + 1:last_key + 1] = new
    return "".join(lines[:start + 1] + kept + lines[end:]), True


def without_profile(text: str, name: str) -> str | None:
    """``text`` without the [connections.NAME] table, or None when it has no such table."""
    lines = text.splitlines(keepends=True)
    span = _span(lines, name)
    if span is None:
        return None
    start, end = span
    return "".join(lines[:start] + lines[end:])


# -- reading and writing the file ------------------------------------------------------------------

def _refusal(path: Path, st: os.stat_result) -> str | None:
    if stat.S_ISLNK(st.st_mode):
        return f"{path} is a symbolic link; the shell does not write through one (edit the file it points to by hand)"
    if not stat.S_ISREG(st.st_mode):
        return f"{path} is not a regular file"
    if st.st_uid != os.geteuid():
        return f"{path} belongs to another user; the shell changes only your own files"
    return None


def read_own(path: Path) -> tuple[str, int | None]:
    """The file's text and mode, ("", None) when it is missing; UsageError when it must not be written."""
    try:
        reason = _refusal(path, os.lstat(path))
    except FileNotFoundError:
        return "", None
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
        return data.decode("utf-8"), stat.S_IMODE(st.st_mode)
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; not changing it") from None


def write_own(path: Path, text: str, mode: int | None) -> None:
    """Replace ``path`` with ``text``: a new file beside it (mode 0600, or the old file's mode),
    renamed over it. ``mode`` None means the file is new."""
    try:
        private_dir(path.parent)
    except OSError as exc:
        raise UsageError(f"cannot create {path.parent}: {(exc.strerror or str(exc)).lower()}") from None
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot write in {path.parent}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o600 if mode is None else mode & 0o777)
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        if mode is None:
            _link_new(temporary, path)
        else:
            os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass


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
