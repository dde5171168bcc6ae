"""The one renderer: Results become text (formats.py) written to stdout (data) and stderr (the rest).

Tall output in the interactive shell goes through the pager (pager.py); rows that arrive in batches
(StreamTable) are written as they come, so a million rows never sit in memory.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import replace
from itertools import chain
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, TextIO

from .errors import OutputError, ShellError, output_error
from .pager import DEFAULT_PAGER, discard_typed_ahead, page
from .results import Document, Exit, Group, Message, Picture, Result, StreamTable
from .screen_text import visible

YELLOW = "\x1b[33m"
RED = "\x1b[31m"
CLEAR_SCREEN = "\x1b[H\x1b[2J"  # cursor home, erase the screen


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
        self.digits: int | None = None  # the `digits` setting: floats rounded in table and vertical output
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
            from .formats import format_document  # noqa: PLC0415 - formats load with the first output

            self._write_all([format_document(result, fmt, self.width)])
            return
        if isinstance(result, Picture):  # plot: notes on err, the picture (fitted to the screen) on out
            for note in () if self.quiet else result.notes:
                self._note(visible(note) + "\n")
            self._write_all([result.draw(self.width, max(12, self.height - 3 - len(result.notes)), self.color)])
            return
        from .formats import format_table  # noqa: PLC0415 - not before the first prompt

        self._write_all([format_table(result, fmt, self.width, self.color, self.digits)])

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

    def tap_only(self, text: str) -> None:
        """Give ``text`` to the tap (a recording) only: it was shown another way (a question asked)."""
        self._tap(text)

    def _tap(self, text: str) -> None:
        if self.tap is not None:
            self.tap(text)

    def _paint(self, text: str, code: str) -> str:
        from .formats import RESET  # noqa: PLC0415

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
            from .formats import stream_chunks  # noqa: PLC0415

            self._write_all(stream_chunks(replace(stream, batches=counted()), fmt, self.width, self.color,
                                          self.digits))
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
        room = max(self.height, 1)  # only output taller than the terminal is paged
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
        self._emit("")
        self.before_pager()
        if not page(command, self.environ, chain(held, rest), self._tap):  # no pager: written as is
            for chunk in chain(held, rest):
                self._emit(chunk)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

