"""Help and empty tables in a script: data on stdout, status lines on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]


def shell(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "milvus_shell", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_help_is_data_and_tables_take_format():
    r = shell("-c", "help ping; connections --format json; history --format csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: ping")
    assert "no connections yet" in r.stderr  # a status line
