"""Run milvus-shell as a real process, as a script meets its streams: bytes in, bytes out, and a reader
that leaves after two lines (what ``| head -2`` does)."""

from __future__ import annotations

import subprocess
import sys
import threading

FULL = "error: cannot write the output: no space left on device\n"


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "milvus_shell", *args]


def shell(*args: str, stdin: bytes | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), input=stdin, capture_output=True, timeout=60, **kwargs)


def read_two_lines_and_leave(*args: str, stdin: bytes | None = None) -> tuple[int, list[bytes], str]:
    """Run the shell with stdout into a pipe of which two lines are read before it is closed
    (what `| head -2` does); return its exit status, the two lines and its stderr."""
    proc = subprocess.Popen(command(*args), stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if stdin is not None:
        threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True).start()
    lines = [proc.stdout.readline(), proc.stdout.readline()]
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=60), lines, err


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except BrokenPipeError:  # the shell stopped reading its script: expected
        pass
