"""What a load has done so far: the ``Tally`` of rows that went in (asked when Ctrl-C stops a load) and
the ``Progress`` line; used by insert and upsert (commands/write.py)."""

from __future__ import annotations

import threading
import time

from .context import ShellContext
from .errors import Cancelled

CANCEL_GRACE = 0.4  # after Ctrl-C, how long the report waits for the batch on its way to be answered
PROGRESS_SECONDS = 0.1  # the progress line is redrawn at most this often


class Tally:
    """What went in so far, and the batch on its way; shared by the worker that sends batches and the
    main thread that reports a Ctrl-C (``note``). Once ``note`` has been asked, no batch starts."""

    def __init__(self, collection: str, source: str = "", verb: str = "insert") -> None:
        self.collection = collection
        self.source = source
        self.verb = verb
        self.rows = 0  # rows the server has taken
        self.last_line = 0  # the last line of the last batch the server took
        self.sending = 0  # rows on their way
        self.sending_lines = (0, 0)
        self.stopped = False
        self._sender: threading.Thread | None = None
        self._cond = threading.Condition()

    def start(self, rows: int, lines: tuple[int, int]) -> None:
        with self._cond:
            if self.stopped:
                raise Cancelled()
            self.sending, self.sending_lines = rows, lines
            self._sender = threading.current_thread()

    def done(self, ok: bool) -> None:
        with self._cond:
            if ok:
                self.rows += self.sending
                self.last_line = self.sending_lines[1]
            self.sending = 0
            self._cond.notify_all()

    def note(self, grace: float = CANCEL_GRACE) -> str:
        """Stop: no batch starts after this. What went in, waiting up to ``grace`` s for the batch on
        its way (unless it is this thread's own, interrupted)."""
        with self._cond:
            self.stopped = True
            if self.sending and self._sender is not threading.current_thread():
                self._cond.wait_for(lambda: not self.sending, timeout=grace)
            return self._said()

    def _said(self) -> str:
        went = f"{self.rows:,} row{'s' if self.rows != 1 else ''} went into {self.collection}"
        if self.source and self.rows:
            went += f" (lines 1 to {self.last_line:,} of {self.source})"
        if self.sending:
            first, last = self.sending_lines
            where = f" (lines {first:,} to {last:,})" if self.source else ""
            went += (f"; {self.sending:,} more{where} were on their way and may go in too "
                     f"(count {self.collection} tells)")
        return went + "; nothing after that was sent"


class Progress:
    """The progress line: rows, rows/s, and percent and ETA when the file's size is known."""

    def __init__(self, ctx: ShellContext, what: str, total: int | None) -> None:
        self.ctx = ctx
        self.what = what
        self.total = total
        self.started = time.perf_counter()
        self.shown = 0.0

    def report(self, rows: int, read: int, force: bool = False) -> None:
        """Draw the line (at most every PROGRESS_SECONDS). Always reaches ``ctx.progress`` when
        ``force``: that is the check point where a command abandoned by Ctrl-C stops."""
        now = time.perf_counter()
        if not force and now - self.shown < PROGRESS_SECONDS:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-9)
        text = f"{self.what}: {rows:,} rows, {rows / elapsed:,.0f} rows/s"
        if self.total and read:
            fraction = min(read / self.total, 1.0)
            text += f", {fraction:.0%}"
            if rows and 0.02 < fraction < 1:
                text += f", about {_duration(elapsed * (1 - fraction) / fraction)} left"
        self.ctx.progress(text)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min {seconds % 60:02.0f} s"
    return f"{seconds // 3600:.0f} h {seconds % 3600 // 60:02.0f} min"


def rate(rows: int, seconds: float) -> str:
    return f"{rows:,} row{'s' if rows != 1 else ''} in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)"
