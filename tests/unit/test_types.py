"""The type checker passes on milvus_shell (configured in pyproject.toml's [tool.mypy]), and holds the
fake session to the areas of the session protocol its tests need and the real session to all of it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[2]

if TYPE_CHECKING:  # checked by mypy below, never run
    from milvus_shell.backend import Session
    from milvus_shell.session_api import ServerSession

    def _backend(session: Session) -> ServerSession:
        return session


def test_mypy_finds_no_errors() -> None:
    cache = Path(tempfile.gettempdir()) / f"milvus-shell-mypy-{os.getuid()}"
    targets = ["milvus_shell", "tests/fake_sessions.py", "tests/unit/test_types.py"]
    run = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), *targets],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
