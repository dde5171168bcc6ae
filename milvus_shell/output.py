"""The one renderer: Results become text in table, vertical, json or csv form.

Tall output in the interactive shell goes through a pager ($PAGER, else ``less -SRXFK``); rows that
arrive in batches (StreamTable) are written as they come, so a million rows never sit in memory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, TextIO

from .errors import OutputError, ShellError, output_error
from .results import ABSENT, Document, Exit, Float32, Group, Message, Picture, Result, StreamTable, Table
from .styles import ACTIVE_ALIAS_SGR

YELLOW = "\x1b[33m"
RED = "\x1b[31m"
RESET = "\x1b[0m"
CLEAR_SCREEN = "\x1b[H\x1b[2J"  # cursor home, erase the screen
ELLIPSIS = "…"
VECTOR_SHOWN = 4  # a vector cell shows this many values, then "… dim N"
STREAM_MIN_WIDTH = 10  # a streamed table's columns are sized by its first batch, but no narrower
PAGER_QUIT_GRACE = 0.5  # seconds a pager gets to leave after Ctrl-C before it is ended
# -K: Ctrl-C quits less (and so returns to the prompt); -F: no pager when it fits after all.
DEFAULT_PAGER = "less -SRXFK"


# Characters that would act on the terminal rather than show (ESC starts colour and cursor sequences,
# BEL rings, CR and LF break rows) or that hide or reorder text: C0 and C1 controls, DEL, the line and
# paragraph separators, lone surrogates and the format characters (bidi overrides and isolates,
# zero-width spaces, BOM). Not ZWJ/ZWNJ (U+200C/D: emoji sequences and several scripts need them) nor
# the tag characters U+E0020-E007F (flag emoji). test_output_escaping checks this against unicodedata.
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(match: re.Match) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, newlines: bool = False) -> str:
    """``text`` safe to put on a terminal: characters that would act instead of show are escaped.

    ESC becomes ``\\x1b``, a tab ``\\t``, a newline ``\\n`` (kept as is with ``newlines``, for messages
    of several lines), C1 controls ``\\x85``, U+202E ``\\u202e`` and so on; everything else, wide
    characters included, is untouched. Backslashes are not doubled, so a value holding the four
    characters ``\\x1b`` looks the same as one holding ESC: json output tells them apart.
    """
    if text.isprintable():  # the usual case, decided in C
        return text
    if newlines and "\n" in text:
        return "\n".join(_UNSHOWABLE.sub(_escape_char, part) for part in text.split("\n"))
    return _UNSHOWABLE.sub(_escape_char, text)


def shown_cell(value: Any, vector: bool = False) -> str:
    """A value as table and vertical output show it: cell_text, made safe for the terminal."""
    return visible(cell_text(value, vector))


def cell_text(value: Any, vector: bool = False) -> str:
    if value is None or value is ABSENT:
        return ""
    if vector:
        return short_vector(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Float32):
        return _short_float(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return str(value)


def short_vector(value: Any) -> str:
    """[0.4153, 0.9247, 0.5728, 0.0619, … dim 768]: enough to recognise, short enough to read."""
    if isinstance(value, (bytes, str)) or not isinstance(value, (list, tuple)):
        text = value.hex() if isinstance(value, bytes) else str(value)
        return text if len(text) <= 24 else text[:20] + ELLIPSIS
    shown = ", ".join(_short_number(v) for v in value[:VECTOR_SHOWN])
    if len(value) > VECTOR_SHOWN:
        return f"[{shown}, {ELLIPSIS} dim {len(value)}]"
    return f"[{shown}]"


def _short_float(v: float) -> str:
    """0.010000001639127731 (a float32 read back as a double) reads as 0.01, the digits a float32
    holds; short values stay as they are."""
    text = repr(v)
    return text if len(text) <= 10 else f"{v:.7g}"


def _short_number(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _cwidth() -> Callable[[str], int]:
    """prompt_toolkit's cached character width. Imported when first needed: importing prompt_toolkit
    costs ~0.17 s, which a script that prints no table (an insert from a file) need not pay."""
    from prompt_toolkit.utils import get_cwidth  # noqa: PLC0415

    return get_cwidth


def text_width(text: str) -> int:
    width = _cwidth()
    return sum(width(ch) for ch in text)


def truncate(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells, ending in an ellipsis when cut."""
    if text_width(text) <= width:
        return text
    out, used = [], 0
    width_of = _cwidth()
    for ch in text:
        w = width_of(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


class Renderer:
    """Writes results to ``out`` (data) and ``err`` (errors, and notes when the data is json/csv).

    ``use_pager`` (the interactive shell sets it) sends output taller than the terminal through a
    pager when ``out`` is a terminal.
    """

    def __init__(self, out: TextIO, err: TextIO, color: bool = False, width: int | None = None,
                 environ: Mapping[str, str] | None = None, status_to_err: bool = False,
                 quiet: bool = False) -> None:
        self.out = out
        self.err = err
        # Scripts: status messages (connected, loaded, notes) go to ``err`` so ``out`` holds data only;
        # ``quiet`` leaves them out altogether (warnings and errors still show).
        self.status_to_err = status_to_err
        self.quiet = quiet
        self.color = color
        self._width = width
        self.use_pager = False
        self.pager_command = ""  # the `pager` setting's command line; "" means $PAGER, else DEFAULT_PAGER
        self.environ = os.environ if environ is None else environ
        self._progress_shown = False
        # Called just before a pager starts: throws away what was typed (or pasted) ahead, which the
        # pager would otherwise take as its own keys (`s` of a pasted `describe` saves a file).
        self.before_pager = discard_typed_ahead
        # `record FILE`: also given every piece of output (not progress lines), paged or not.
        self.tap: Callable[[str], None] | None = None

    @property
    def width(self) -> int:
        return self._width or shutil.get_terminal_size((100, 24)).columns

    @property
    def height(self) -> int:
        return shutil.get_terminal_size((100, 24)).lines

    def render(self, result: Result, fmt: str = "table") -> None:
        if result is None or isinstance(result, Exit):
            return
        if isinstance(result, Group):
            for part in result.parts:
                self.render(part, fmt)
            return
        if isinstance(result, Message):
            self.message(result, fmt)
            return
        if isinstance(result, StreamTable):
            self._render_stream(result, fmt)
            return
        if isinstance(result, Document):
            self._write_all([format_document(result, fmt, self.width)])
            return
        if isinstance(result, Picture):  # plot: notes on err, the picture (fitted to the screen) on out
            for note in () if self.quiet else result.notes:
                self._note(visible(note) + "\n")
            self._write_all([result.draw(self.width, max(12, self.height - 3 - len(result.notes)), self.color)])
            return
        self._write_all([format_table(result, fmt, self.width, self.color)])

    def message(self, message: Message, fmt: str = "table") -> None:
        self.progress_done()
        text = visible(message.text, newlines=True)  # messages may echo names and text from the server
        warning = message.level == "warning"
        if warning:
            text = self._paint("warning: " + text, YELLOW)
        if message.data:
            self._emit(text + "\n")
        elif self.quiet and not warning:
            return
        elif fmt in ("json", "csv") or self.status_to_err:
            self._note(text + "\n")
        else:
            self._emit(text + "\n")

    def frame(self, result: Result, fmt: str, header: str) -> None:
        """One frame of a command that redraws in place (watch): on a terminal the screen is cleared
        and the frame drawn from the top; elsewhere frames follow one another. Never paged."""
        buffer = io.StringIO()
        Renderer(buffer, buffer, color=self.color, width=self.width, environ=self.environ).render(result, fmt)
        self.progress_done()
        clear = CLEAR_SCREEN if _isatty(self.out) else ""
        self.out.write(f"{clear}{header}\n\n{buffer.getvalue()}")
        if not clear:
            self.out.write("\n")
        self.out.flush()

    def error(self, message: str) -> None:
        self.progress_done()
        self._note(self._paint("error: ", RED) + visible(message, newlines=True) + "\n")

    def cancelled(self, where: str = "", said: str = "cancelled") -> None:
        """Ctrl-C stopped a command (``said`` may add what it had done). On a terminal the ^C it
        echoed ends its line first, so the error starts a line of its own."""
        if _isatty(self.err) and not self._progress_shown:
            self._note("\n")
        self.error(where + said)

    def progress(self, text: str) -> None:
        """A one-line progress report, rewritten in place; only on a terminal."""
        if not _isatty(self.err):
            return
        self._note("\r\x1b[K" + visible(text), keep=False)
        self._progress_shown = True

    def progress_done(self) -> None:
        if self._progress_shown:
            self._note("\r\x1b[K", keep=False)
            self._progress_shown = False

    # -- the two streams ---------------------------------------------------------------------------
    # A failed write of the data (a closed pipe, a full disk) raises OutputError: the shell ends the
    # run, since nothing more can be shown. Notes and errors on ``err`` are written as best they can
    # be: when even they cannot be written there is no one left to tell.
    def _emit(self, text: str) -> None:
        if self.tap is not None:
            self.tap(text)
        try:
            self.out.write(text)
            self.out.flush()
        except OSError as exc:  # BrokenPipeError is one
            raise output_error(exc) from None

    def _note(self, text: str, keep: bool = True) -> None:
        if keep and self.tap is not None:
            self.tap(text)
        try:
            self.err.write(text)
            self.err.flush()
        except OSError:
            pass

    def _tap(self, text: str) -> None:
        if self.tap is not None:
            self.tap(text)

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.color else text

    # -- writing, possibly through a pager -------------------------------------------------------
    def _render_stream(self, stream: StreamTable, fmt: str) -> None:
        """Rows as they come; when the stream is cut off (a server gone, a timeout, Ctrl-C) after some
        rows were written, say on ``err`` that the output is incomplete, then let the failure go on."""
        written = [0]

        def counted() -> Iterator[Sequence[Sequence[Any]]]:
            for batch in stream.batches:
                yield batch
                written[0] += len(batch)
                del batch  # not kept while the next batch is fetched

        try:
            self._write_all(stream_chunks(replace(stream, batches=counted()), fmt, self.width, self.color))
        except OutputError:
            raise  # nobody is reading any more, or nothing can be written: nothing to add
        except (ShellError, KeyboardInterrupt) as exc:
            if written[0]:
                reason = "cancelled" if isinstance(exc, KeyboardInterrupt) else str(exc).split("\n")[0]
                self._note(f"output incomplete: stopped after {written[0]} rows ({reason})\n")
            raise
        finally:
            stream.close()
        note = stream.note()
        if note:
            self.message(Message(note, "warning"), fmt)

    def _write_all(self, chunks: Iterable[str]) -> None:
        """Write ``chunks``; when paging is on and they outgrow the screen, through the pager."""
        self.progress_done()
        if not (self.use_pager and _isatty(self.out)):
            for chunk in chunks:
                self._emit(chunk)
            return
        room = max(self.height - 1, 1)
        held: list[str] = []
        lines = 0
        iterator = iter(chunks)
        for chunk in iterator:
            held.append(chunk)
            lines += chunk.count("\n")
            if lines > room:
                self._page(held, iterator)
                return
        self._emit("".join(held))

    def _page(self, held: list[str], rest: Iterator[str]) -> None:
        command = self.pager_command or self.environ.get("PAGER") or DEFAULT_PAGER
        env = dict(self.environ)
        env.setdefault("LESS", "SRXFK")
        self._emit("")
        self.before_pager()
        try:
            # $PAGER is shell syntax (as for git), but sh must exec it: ending the pager on Ctrl-C has
            # to end the program that owns the terminal (an orphaned less would go on reading the
            # keys meant for the prompt).
            pager = subprocess.Popen(["/bin/sh", "-c", f"exec {command}"], stdin=subprocess.PIPE, env=env,
                                     encoding="utf-8", errors="replace")
        except OSError:
            for chunk in [*held, *rest]:
                self._emit(chunk)
            return
        try:
            for chunk in held:
                self._tap(chunk)
                pager.stdin.write(chunk)
            for chunk in rest:
                self._tap(chunk)
                pager.stdin.write(chunk)
        except (BrokenPipeError, OSError):  # the user left the pager early: stop producing rows
            pass
        except KeyboardInterrupt:  # Ctrl-C reached the pager and the shell alike: back to the prompt
            _close_quietly(pager.stdin)
            _wait_or_end(pager, PAGER_QUIT_GRACE)
            return
        _close_quietly(pager.stdin)
        _wait_or_end(pager, None)


def discard_typed_ahead(stream: Any = None) -> None:
    """Throw away input typed ahead on the terminal (``stream``, default stdin) and not yet read.

    Keys typed or pasted while a command ran wait in the terminal's input queue; a pager started
    now would read them as its commands. Nothing happens when the stream is not a terminal.
    """
    stream = sys.stdin if stream is None else stream
    try:
        import termios  # noqa: PLC0415 - POSIX only

        fd = stream.fileno()
        if os.isatty(fd):
            termios.tcflush(fd, termios.TCIFLUSH)
    except (ImportError, AttributeError, ValueError, OSError):
        pass


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _close_quietly(stream: Any) -> None:
    try:
        stream.close()
    except (BrokenPipeError, OSError):
        pass


def _wait_or_end(proc: subprocess.Popen, grace: float | None) -> None:
    """Wait for the pager; after Ctrl-C it gets ``PAGER_QUIT_GRACE`` s to quit (less -K does), then
    it is ended (a pager that ignores Ctrl-C, or less when the key came while it was still reading)."""
    deadline = None if grace is None else time.monotonic() + grace
    while True:
        try:
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0)
            proc.wait(timeout=remaining)
            return
        except KeyboardInterrupt:
            if deadline is None:
                deadline = time.monotonic() + PAGER_QUIT_GRACE
        except subprocess.TimeoutExpired:
            proc.terminate()
            deadline = None


# -- formats ---------------------------------------------------------------------------------------

def format_table(table: Table, fmt: str, width: int = 100, color: bool = False) -> str:
    if fmt == "json":
        return "".join(_json_chunks(table.columns, [table.rows]))
    if fmt == "csv":
        return "".join(_csv_chunks(table.columns, [table.rows]))
    if fmt == "vertical":
        return _vertical(table, width)
    return _aligned(table, width, color)


def format_document(doc: Document, fmt: str, width: int = 100) -> str:
    if fmt == "json" and doc.json is not None:
        return json.dumps(doc.json, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if fmt == "json":
        obj: dict[str, Any] = {_json_key(k): v for k, v in doc.facts}
        for title, table in doc.sections:
            obj[_json_key(title)] = [dict(zip(table.columns, row)) for row in table.rows]
        return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if fmt == "csv":
        if doc.sections:
            return format_table(doc.sections[0][1], fmt)
        return format_table(Table(["property", "value"], [list(f) for f in doc.facts]), fmt)
    facts = [(visible(k), shown_cell(v)) for k, v in doc.facts]
    label = max((text_width(k) for k, _ in facts), default=0)
    parts = ["\n".join(f"{pad(k + ':', label + 1)} {v}".rstrip() for k, v in facts) + "\n"]
    for title, table in doc.sections:
        body = format_table(table, fmt, width)
        title = visible(title)
        parts.append(f"\n{title}:\n{body}" if table.rows else f"\n{title}: none\n")
    return "".join(parts)


def _json_key(label: str) -> str:
    return label.replace(" ", "_")


def stream_chunks(stream: StreamTable, fmt: str, width: int, color: bool = False) -> Iterator[str]:
    """The text of a StreamTable, one chunk per batch."""
    if fmt == "json":
        yield from _json_chunks(stream.columns, stream.batches)
    elif fmt == "csv":
        yield from _csv_chunks(stream.columns, stream.batches)
    elif fmt == "vertical":
        yield from _vertical_chunks(stream.columns, stream.batches, stream.vector_columns)
    else:
        yield from _aligned_chunks(stream, width)


def _json_chunks(columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]) -> Iterator[str]:
    """A JSON array, one row object per line: ``[\\n  {...},\\n  {...}\\n]``."""
    first = True
    for batch in batches:
        lines = [
            json.dumps({c: v for c, v in zip(columns, row) if v is not ABSENT}, ensure_ascii=False,
                       default=_json_default)
            for row in batch
        ]
        if not lines:
            continue
        yield ("[\n  " if first else ",\n  ") + ",\n  ".join(lines)
        first = False
    yield "[]\n" if first else "\n]\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    tolist = getattr(value, "tolist", None)  # numpy arrays and scalars
    if tolist is not None:
        return tolist()
    return str(value)


def _csv_chunks(columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]) -> Iterator[str]:
    # The writer writes into a list, joined once per batch: a StringIO that is emptied and reused
    # keeps its text as 4 bytes a character, 4 times a batch of wide ASCII rows.
    parts: list[str] = []
    writer = csv.writer(_Appender(parts), lineterminator="\n")
    writer.writerow(columns)
    as_is = _CSV_AS_IS
    for batch in batches:
        # str, int and float (csv writes a float's repr) go to the writer as they are; the rest,
        # cell by cell. Decided by exact type: bool, Float32 and ABSENT are not among them.
        writer.writerows([[v if type(v) in as_is else _csv_cell(v) for v in row] for row in batch])
        del batch  # not kept while the next batch is fetched
        text = "".join(parts)
        parts.clear()
        yield text
        del text
    yield "".join(parts)


class _Appender:
    """A file-like ``write`` that appends to a list."""

    __slots__ = ("write",)

    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


_CSV_AS_IS = frozenset({str, int, float})
_CSV_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default).encode


def _csv_cell(value: Any) -> str:
    if isinstance(value, list) and value and type(value[0]) is float:
        try:  # a float vector: what json writes, without its per-value machinery
            text = ",".join(map(float.__repr__, value))
        except TypeError:  # not all floats
            pass
        else:
            if "n" not in text:  # no nan or inf, which json spells NaN and Infinity
                return f"[{text}]"
    if isinstance(value, (list, tuple, dict)):
        return _CSV_JSON(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float):
        return float.__repr__(value)  # whole, as in json
    return cell_text(value)


def _cells(columns: Sequence[str], row: Sequence[Any], vectors: frozenset[str]) -> list[str]:
    return [shown_cell(v, c in vectors) for c, v in zip(columns, row)]


def _aligned(table: Table, width: int, color: bool) -> str:
    body = [_cells(table.columns, row, table.vector_columns) for row in table.rows]
    header = [visible(str(c)) for c in table.columns]
    widths = _fit(_natural_widths(header, body), width - 3 * (len(header) - 1))
    lines = []
    if table.title:
        lines.append(visible(table.title, newlines=True))
    lines.append(_row(header, widths).rstrip())
    lines.append("-+-".join("-" * w for w in widths))
    for i, row in enumerate(body):
        line = _row(row, widths).rstrip()
        if color and i == table.active_row:
            line = f"{ACTIVE_ALIAS_SGR}{line}{RESET}"  # the prompt's active-alias style
        lines.append(line)
    lines.append(visible(table.footer, newlines=True) or _count(len(body)))
    return "\n".join(lines) + "\n"


def _aligned_chunks(stream: StreamTable, width: int) -> Iterator[str]:
    """An aligned table whose column widths come from the first rows; later cells are cut to fit."""
    header = [visible(str(c)) for c in stream.columns]
    widths: list[int] | None = None
    count = 0
    for batch in stream.batches:
        body = [_cells(stream.columns, row, stream.vector_columns) for row in batch]
        if not body:
            continue
        if widths is None:  # later rows may be wider (growing ids): leave them some room
            natural = [max(w, STREAM_MIN_WIDTH) for w in _natural_widths(header, body)]
            widths = _fit(natural, width - 3 * (len(header) - 1))
            yield _row(header, widths).rstrip() + "\n" + "-+-".join("-" * w for w in widths) + "\n"
        count += len(body)
        yield "".join(_row(r, widths).rstrip() + "\n" for r in body)
    if widths is None:
        widths = _fit(_natural_widths(header, []), width - 3 * (len(header) - 1))
        yield _row(header, widths).rstrip() + "\n" + "-+-".join("-" * w for w in widths) + "\n"
    yield _count(count) + "\n"


def _count(n: int) -> str:
    return f"({n} row{'s' if n != 1 else ''})"


def _natural_widths(header: Sequence[str], body: Sequence[Sequence[str]]) -> list[int]:
    return [max([text_width(h)] + [text_width(r[i]) for r in body]) for i, h in enumerate(header)]


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return " | ".join(pad(truncate(c, w), w) for c, w in zip(cells, widths))


def _fit(widths: list[int], room: int) -> list[int]:
    """Shrink the widest columns until the row fits ``room`` cells (never below 6 each)."""
    widths = list(widths)
    while sum(widths) > room:
        i = max(range(len(widths)), key=widths.__getitem__)
        if widths[i] <= 6:
            break
        widths[i] -= 1
    return widths


def _vertical(table: Table, width: int) -> str:
    text = "".join(_vertical_chunks(table.columns, [table.rows], table.vector_columns, width))
    return text


def _vertical_chunks(columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]],
                     vectors: frozenset[str] = frozenset(), width: int = 100) -> Iterator[str]:
    labels = [visible(str(c)) for c in columns]
    label = max((text_width(c) for c in labels), default=0)
    n = 0
    for batch in batches:
        lines = []
        for row in batch:
            n += 1
            lines.append(f"-[ RECORD {n} ]" + "-" * max(0, min(width, 40) - 14 - len(str(n))))
            for col, shown, value in zip(columns, labels, row):
                lines.append(f"{pad(shown, label)} | {shown_cell(value, col in vectors)}")
        if lines:
            yield "\n".join(lines) + "\n"
    if n == 0:
        yield "(0 rows)\n"
