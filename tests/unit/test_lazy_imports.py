"""pymilvus is imported only when a server is first called: not by importing the shell, not before the
first prompt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_shell_does_not_import_pymilvus():
    code = (
        "import sys, milvus_shell, milvus_shell.cli, milvus_shell.repl, milvus_shell.registry\n"
        "from milvus_shell import ConnectionRegistry\n"
        "ConnectionRegistry()\n"
        "heavy = [m for m in ('pymilvus', 'grpc', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_first_prompt_does_not_wait_for_pymilvus(tmp_path):
    """Everything the interactive shell builds before its first prompt leaves pymilvus unimported."""
    code = (
        "import sys\n"
        "from prompt_toolkit.output import DummyOutput\n"
        "from milvus_shell import cli, repl\n"
        "from milvus_shell.history import shell_history\n"
        "from milvus_shell.settings import Settings\n"
        "shell, health = repl.interactive_shell(Settings(interactive=True))\n"
        "ctx = shell.ctx\n"
        "repl.build_session(shell, shell_history(ctx.environ, ctx.table), health, output=DummyOutput())\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pymilvus', 'grpc', 'pandas'))\n"
        "assert not loaded, loaded\n"
        "assert 'milvus_shell.backend' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stderr
