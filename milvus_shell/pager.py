"""The pager: tall output in the interactive shell goes through $PAGER (else ``less -SRXFK``); the
rows are produced while the pager reads them, and Ctrl-C or quitting the pager stops them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any, Callable, Iterable, Mapping

PAGER_QUIT_GRACE = 0.5  # seconds a pager gets to leave after Ctrl-C before it is ended
# -K: Ctrl-C quits less (and so returns to the prompt); -F: no pager when it fits after all.
DEFAULT_PAGER = "less -SRXFK"


def page(command: str, environ: Mapping[str, str], chunks: Iterable[str], tap: Callable[[str], None]) -> bool:
    """Write ``chunks`` through the pager ``command`` (each also given to ``tap``) and wait for it to
    end; False, with no chunk taken, when the pager cannot be started."""
    env = dict(environ)
    env.setdefault("LESS", "SRXFK")
    try:
        # $PAGER is shell syntax (as for git), but sh must exec it: ending the pager on Ctrl-C has
        # to end the program that owns the terminal (an orphaned less would go on reading the
        # keys meant for the prompt).
        pager = subprocess.Popen(["/bin/sh", "-c", f"exec {command}"], stdin=subprocess.PIPE, env=env,
                                 encoding="utf-8", errors="replace")
    except OSError:
        return False
    stdin: Any = pager.stdin  # a pipe: stdin=PIPE
    try:
        for chunk in chunks:
            tap(chunk)
            stdin.write(chunk)
    except (BrokenPipeError, OSError):  # the user left the pager early: stop producing rows
        pass
    except KeyboardInterrupt:  # Ctrl-C reached the pager and the shell alike: back to the prompt
        _close_quietly(stdin)
        _wait_or_end(pager, PAGER_QUIT_GRACE)
        return True
    _close_quietly(stdin)
    _wait_or_end(pager, None)
    return True


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



def _close_quietly(stream: Any) -> None:
    try:
        stream.close()
    except (BrokenPipeError, OSError):
        pass


def _wait_or_end(proc: "subprocess.Popen[str]", grace: float | None) -> None:
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
