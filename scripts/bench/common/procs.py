"""Programs run and watched: /proc readings, a run under /usr/bin/time, a run sampled while it goes."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM (peak resident), VmRSS and Threads of a live process, in KiB (threads: a count)."""
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "VmRSS", "Threads"):
                    values[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return values


def wait_until_settled(pid: int, quiet: float = 1.0, limit: float = 20.0) -> dict[str, int]:
    """Poll a process until its peak memory has not grown for ``quiet`` seconds; its last status."""
    deadline = time.monotonic() + limit
    last = proc_status(pid)
    still_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = proc_status(pid)
        if not now:
            return last
        if now.get("VmHWM") != last.get("VmHWM") or now.get("Threads") != last.get("Threads"):
            still_since = time.monotonic()
        last = now
        if time.monotonic() - still_since >= quiet:
            break
    return last


def timed_run(argv: Sequence[str], *, env: dict[str, str] | None = None, cwd: str | None = None,
              stdout=subprocess.DEVNULL, timeout: float = 600) -> tuple[float, int, int]:
    """Run ``argv`` under /usr/bin/time; (wall seconds by perf_counter, peak RSS KiB, exit status)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", report.name, *argv]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
        wall = time.perf_counter() - t0
        text = Path(report.name).read_text().strip().splitlines()
    peak = int(text[-1]) if text and text[-1].isdigit() else 0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}")
    return wall, peak, proc.returncode


@dataclass
class Watched:
    """One run of a program watched while it ran."""

    wall: float  # seconds, perf_counter
    peak_kib: int  # the child's VmHWM as last sampled (ru_maxrss from wait4 when lower or unsampled)
    status: int  # exit status; -N when ended by signal N
    finished: bool  # False when it was stopped at the time limit
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (seconds, progress, VmRSS KiB)
    cpu: float = 0.0  # user + system CPU seconds of the process (and children it waited for), from wait4


def watch_run(argv: Sequence[str], *, stdout, env: dict[str, str] | None = None, limit: float = 600,
              progress: Callable[[], int] = lambda: 0, every: float = 2.0) -> Watched:
    """Run ``argv``; sample its RSS and ``progress()`` every ``every`` s; stop it (SIGINT, then SIGKILL,
    by its own pid) after ``limit`` s. Peak memory and CPU time come from os.wait4's rusage."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=stdout, stderr=err, env=env)
        samples: list[tuple[float, int, int]] = []
        finished, stop_sent, kill_sent = True, 0.0, False
        next_sample = t0 + every
        hwm = 0  # the child's own high-water mark, read while it runs (see below)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now >= next_sample:
                status_now = proc_status(proc.pid)
                hwm = max(hwm, status_now.get("VmHWM", 0))
                samples.append((now - t0, progress(), status_now.get("VmRSS", 0)))
                next_sample = now + every
            if now - t0 > limit and not stop_sent:
                finished, stop_sent = False, now
                os.kill(proc.pid, signal.SIGINT)
            elif stop_sent and now - stop_sent > 10 and not kill_sent:
                kill_sent = True
                os.kill(proc.pid, signal.SIGKILL)
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        samples.append((wall, progress(), 0))
        if finished and proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {err.read().decode(errors='replace')[-2000:]}")
    # wait4's ru_maxrss of a child starts at its parent's peak (Linux copies it at fork, before exec):
    # a child smaller than the bench process would report the bench's own peak. VmHWM belongs to the
    # child's own memory after exec; it is sampled every ``every`` s, ru_maxrss kept when it is lower.
    peak = min(usage.ru_maxrss, hwm) if hwm else usage.ru_maxrss
    return Watched(wall, peak, proc.returncode, finished, samples, usage.ru_utime + usage.ru_stime)

