"""What the interactive start imports before its first prompt is drawn: only what the prompt shows and
reads (the argv and config readers, the registry, the history, keys, styles, the prompt text); the
shell itself (renderer, context, command table, metadata cache) is built after the first paint."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The shell's own modules the first prompt may need. A new one here slows every interactive start.
BEFORE_FIRST_PROMPT = {
    "milvus_shell", "milvus_shell.cli", "milvus_shell.repl", "milvus_shell.status", "milvus_shell.keys",
    "milvus_shell.styles", "milvus_shell.registry", "milvus_shell.history", "milvus_shell.startup_connect",
    # argv and the config file: one flag per setting, the settings typed by the vocabulary's kinds
    "milvus_shell.settings", "milvus_shell.commands", "milvus_shell.commands.vocabulary", "milvus_shell.config",
    "milvus_shell.paths", "milvus_shell.addresses", "milvus_shell.errors",
}
# A config file with profiles: each is checked at start (a password_prompt one connects before the
# prompt); the value kinds come only with a [settings] table, the connection records with a connect.
FOR_A_CONFIG_FILE = {"milvus_shell.profiles"}

# Runs the real entry point at a (pretended) terminal; the first prompt, instead of being drawn, writes
# the prompt text and the modules loaded so far, and ends the process.
PROBE = """
import io, json, os, sys
import prompt_toolkit

def first_prompt(session, *args, **kwargs):
    text = "".join(part[1] for part in session.message())
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("milvus_shell", "pymilvus", "grpc", "pandas"))
    sys.__stdout__.write(json.dumps({"prompt": text, "loaded": loaded}))
    sys.__stdout__.flush()
    os._exit(0)

class Terminal(io.TextIOWrapper):
    def isatty(self):
        return True

prompt_toolkit.PromptSession.prompt = first_prompt
sys.stdin = Terminal(open(os.devnull, "rb"))
from milvus_shell import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def refused_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def first_prompt(tmp_path: Path, *argv: str) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60,
                            env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    seen: dict[str, object] = json.loads(result.stdout)
    return seen


@pytest.mark.parametrize("start", ["bare", "address", "profile", "lite"])
def test_the_first_prompt_imports_only_what_it_shows(tmp_path, start):
    argv: list[str] = []
    expected = "milvus (not connected)> "
    if start == "address":
        argv, expected = [refused_address()], "milvus default (connecting)> "
    elif start == "profile":
        (tmp_path / "config" / "milvus-shell").mkdir(parents=True)
        (tmp_path / "config" / "milvus-shell" / "config.toml").write_text(
            f'[connections.staging]\naddress = "{refused_address()}"\n')
        argv, expected = ["staging"], "milvus staging (connecting)> "
    elif start == "lite":
        argv, expected = ["--lite", str(tmp_path / "lite")], "milvus local (connecting)> "
    seen = first_prompt(tmp_path, *argv)
    assert seen["prompt"] == expected
    loaded = set(seen["loaded"])  # type: ignore[arg-type]
    assert not {m for m in loaded if not m.startswith("milvus_shell")}, "pymilvus/grpc/pandas before the prompt"
    allowed = BEFORE_FIRST_PROMPT | (FOR_A_CONFIG_FILE if start == "profile" else set())
    assert loaded - allowed == set(), "imported before the first prompt"
    assert {"milvus_shell.repl", "milvus_shell.history", "milvus_shell.registry"} <= loaded  # the probe worked
