"""Command history: a private file in the XDG state directory that never holds a secret.

The file keeps prompt_toolkit's FileHistory format (``# time`` then ``+line``) and is created with
mode 0600 in a 0700 directory. Every line passes through ``redact`` (secret option values become
``***``) before it is kept, in memory or on disk. Reading tolerates anything: a missing, unreadable,
binary or huge file gives what can be recovered, never an error.

The path is never followed through a symbolic link, never opened in a way that blocks (a FIFO), and
only a regular file of the current user is read or appended to; an existing file is never chmod'ed.
When the file cannot be used the session keeps its history in memory and says so once.
"""

from __future__ import annotations

import datetime
import errno
import os
import stat
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, TypeGuard, cast

from prompt_toolkit.auto_suggest import AutoSuggest, Suggestion
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.document import Document
from prompt_toolkit.history import History, ThreadedHistory

from .paths import private_dir, state_dir

if TYPE_CHECKING:
    from .line import LineModel
    from .table import CommandTable

FILE_NAME = "history"
MAX_READ_BYTES = 4 * 1024 * 1024  # a bigger file is read from its last 4 MB
MAX_ENTRY_CHARS = 10_000  # a longer entry (binary junk, most likely) is skipped

Redact = Callable[[str], str]


def history_path(environ: Mapping[str, str]) -> Path:
    return state_dir(environ) / FILE_NAME


class Unusable(OSError):
    """The history path holds something the shell must not read or write; ``str()`` says what, in words."""


NOT_REGULAR = (
    (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
)


def _refusal(st: os.stat_result) -> str | None:
    """Why a file with this status cannot hold the history (``is a directory``...), or None."""
    for test, kind in NOT_REGULAR:
        if test(st.st_mode):
            return f"is {kind}"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_uid != os.geteuid():
        return "belongs to another user"
    return None


def _open_failure(path: Path, exc: OSError, write: bool) -> Unusable:
    if exc.errno in (errno.ELOOP, errno.EMLINK):  # what O_NOFOLLOW gives for a symbolic link
        return Unusable(f"{path} is a symbolic link")
    if exc.errno == errno.EISDIR:
        return Unusable(f"{path} is a directory")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return Unusable(f"{path} is not {'writable' if write else 'readable'} ({(exc.strerror or '').lower()})")
    return Unusable(f"cannot {'write' if write else 'read'} {path}: {(exc.strerror or str(exc)).lower()}")


def open_history(path: Path, write: bool = False, create: bool = True) -> int:
    """A descriptor on the history file, for appending (``write``) or reading.

    Only a regular file of the current user, never through a symbolic link (O_NOFOLLOW) and never
    waiting on a FIFO (checked before opening, and O_NONBLOCK). A missing file is created 0600 when
    ``write`` and ``create``; otherwise FileNotFoundError. Raises ``Unusable`` saying why not.
    """
    try:
        reason = _refusal(os.lstat(path))
    except FileNotFoundError:
        if not (write and create):
            raise
        reason = None
    if reason:
        raise Unusable(f"{path} {reason}")
    flags = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_WRONLY | os.O_APPEND if write else os.O_RDONLY)
    try:
        fd, created = _open(path, flags, write and create)
    except OSError as exc:
        raise _open_failure(path, exc, write) from None
    reason = _refusal(os.fstat(fd))  # what was opened, should the path have changed since lstat
    if reason:
        os.close(fd)
        raise Unusable(f"{path} {reason}")
    if created:
        os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask; only a file the shell just created
    return fd


def _open(path: Path, flags: int, create: bool) -> tuple[int, bool]:
    """(descriptor, whether this call created the file)."""
    if create:
        try:
            return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600), True
        except FileExistsError:
            pass
    return os.open(path, flags), False


def history_problem(path: Path) -> str | None:
    """Why the history file cannot be appended to, in words, or None (a missing file is no problem)."""
    try:
        os.close(open_history(path, write=True, create=False))
    except FileNotFoundError:
        return None
    except OSError as exc:
        return _write_problem(path, exc)
    return None


def _write_problem(path: Path, exc: OSError) -> str:
    return str(exc) if isinstance(exc, Unusable) else str(_open_failure(path, exc, True))


def read_entries(path: Path) -> list[str]:
    """The entries of a history file, oldest first; [] when it cannot be read (or must not be)."""
    try:
        with open(open_history(path), "rb") as f:
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
    """Append one entry, creating the file (0600) if it is missing; raises OSError (``Unusable``)."""
    fd = open_history(path, write=True)
    try:
        record = f"\n# {datetime.datetime.now()}\n" + "".join(f"+{line}\n" for line in text.split("\n"))
        os.write(fd, record.encode("utf-8", errors="replace"))
    finally:
        os.close(fd)


class PrivateFileHistory(History):
    """prompt_toolkit History on a private file; entries are redacted before they are written.

    When the file cannot be used (``problem`` says why, in words) the session goes on with what it
    has in memory; ``notice`` gives the line to tell the user, once.
    """

    def __init__(self, path: Path, redact: Redact, size: int | None = None) -> None:
        super().__init__()
        self.path = path
        self.size = size  # at most this many entries are loaded (the history_size setting)
        self.redact = redact
        self.problem: str | None = None
        self._told = False
        try:
            private_dir(path.parent)
        except OSError as exc:
            self.problem = f"cannot create {path.parent}: {(exc.strerror or str(exc)).lower()}"
        else:
            self.problem = history_problem(path)

    def load_history_strings(self) -> Iterable[str]:
        entries = read_entries(self.path)
        return reversed(entries[max(len(entries) - self.size, 0):] if self.size is not None else entries)

    def store_string(self, string: str) -> None:
        if self.problem:
            return
        try:
            append_entry(self.path, self.redact(string))
        except OSError as exc:
            self.problem = _write_problem(self.path, exc)

    def notice(self) -> str | None:
        """The one line that says the history is not saved, the first time it is asked; else None."""
        if not self.problem or self._told:
            return None
        self._told = True
        return f"history not saved: {self.problem}; keeping this session's history in memory only"


class ShellHistory(ThreadedHistory):
    """Loads on a thread (a long history never slows the first prompt); keeps only redacted lines,
    in memory as on disk, and no line twice in a row. A line that does not parse is kept in memory
    for this session only: what it holds cannot be told apart for sure (a secret after a mistyped
    option, say), so it never reaches the file."""

    def __init__(self, history: History, redact: Redact, parses: Callable[[str], bool] = lambda text: True) -> None:
        super().__init__(history)
        self.redact = redact
        self.parses = parses

    @property
    def problem(self) -> str | None:
        """Why the history is kept in memory only, or None when it goes to its file."""
        return getattr(self.history, "problem", None)

    def notice(self) -> str | None:
        notice = getattr(self.history, "notice", None)
        return notice() if notice else None

    def append_string(self, string: str) -> None:
        clean = self.redact(string)
        with self._lock:
            if self._loaded_strings and self._loaded_strings[0] == clean:
                return
            if not self.parses(string):
                self._loaded_strings.insert(0, clean)
                return
        super().append_string(clean)


def shell_history(environ: Mapping[str, str], table: CommandTable | Callable[[], CommandTable],
                  size: int | None = None, lines: Callable[[], LineModel] | None = None) -> ShellHistory:
    """The prompt's history; each line is masked and checked through the shell's line model, given by
    ``lines`` (asked when the first line is kept), else one of its own over ``table``. ``table`` may
    be a function that makes the command table: it is then made when the first line is kept, not
    before the first prompt."""
    own: list[LineModel] = []

    def model() -> LineModel:
        if lines is not None:
            return lines()
        if not own:
            own.append(_line_model(table))
        return own[0]

    def mask(text: str) -> str:
        return model().understand(text).masked

    def parses(text: str) -> bool:
        return model().understand(text).parses

    return ShellHistory(PrivateFileHistory(history_path(environ), mask, size), mask, parses)


def _is_line_model(lines: object) -> TypeGuard["LineModel"]:
    return hasattr(lines, "understand")


def _line_model(table: CommandTable | Callable[[], CommandTable]) -> LineModel:
    from .line import LineModel  # noqa: PLC0415 - the binder: only once a line is kept

    return LineModel(table)


def ask_again_for_masked(text: str, lines: LineModel | CommandTable) -> str:
    """A line recalled from history has ``--password ***``: drop the mask so the password is asked for.

    Only for secret options whose value is optional (``--password``); others keep the mask and fail
    as any wrong secret would.
    """
    from .binder import Role  # noqa: PLC0415 - not needed before the first prompt
    from .commands.spec import Option  # noqa: PLC0415
    from .line import SECRET_MASK  # noqa: PLC0415

    model = lines if _is_line_model(lines) else _line_model(cast("CommandTable", lines))
    if SECRET_MASK not in text:
        return text
    cuts: list[tuple[int, int]] = []
    for bound in model.understand(text).bound:
        words = bound.words
        for option, value in zip(words, words[1:]):
            param = value.param
            if (
                value.role is Role.VALUE and option.role is Role.OPTION and param is option.param
                and isinstance(param, Option) and param.value_optional and value.token.value == SECRET_MASK
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
