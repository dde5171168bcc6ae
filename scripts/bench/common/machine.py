"""The machine the figures were taken on, the packages, the revision, and how busy it is."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable

from .report import log



def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    osname = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip('"') + f" (kernel {platform.release()})"
    except OSError:
        pass
    virt = ""
    if shutil.which("systemd-detect-virt"):
        out = subprocess.run(["systemd-detect-virt"], capture_output=True, text=True).stdout.strip()
        virt = "" if out in ("", "none") else out
    return {
        "cpu": cpu + (f" ({virt} guest)" if virt else ""),
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "os": osname,
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def package_versions(names: Iterable[str]) -> dict[str, str]:
    from importlib import metadata

    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_revision(root: Path) -> str:
    try:
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--", "milvus_shell"], capture_output=True, text=True).stdout.strip()
        return rev + (" + uncommitted changes in milvus_shell/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_average() -> float:
    return os.getloadavg()[0]


def wait_idle(limit: float) -> float:
    """Wait (up to ``limit`` s) until the 1-minute load average is below 1; the load average then."""
    deadline = time.monotonic() + limit
    load = load_average()
    if load >= 1.0 and limit > 0:
        log(f"waiting up to {limit:.0f} s for the machine to quieten (load average {load:.2f})")
    while load >= 1.0 and time.monotonic() < deadline:
        time.sleep(5)
        load = load_average()
    return load


