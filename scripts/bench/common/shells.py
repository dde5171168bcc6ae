"""milvus-shell as the bench runs it: the console script in a terminal or a subprocess, and shells
built in-process by the project's composition root (``app.build_shell``; ``repl.interactive_shell``
for the REPL's wiring). Also the history files the shell reads."""

from __future__ import annotations

import contextlib
import os
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .term import terminal_env

if TYPE_CHECKING:
    from milvus_shell.shell import Shell

SHELL_PROMPT = r"(?:^|[\r\n])milvus [^\r\n]*> ?"  # `milvus (not connected)> `, `milvus ALIAS@where> `
CLI_PROMPT = r"milvus_cli > "
FLOOR_PROGRAM = "from prompt_toolkit import PromptSession; PromptSession().prompt('floor> ')"
FLOOR_PROMPT = r"floor> ?"


def shell_argv() -> list[str]:
    exe = Path(sys.executable).parent / "milvus-shell"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "milvus_shell"]


def floor_argv() -> list[str]:
    """A bare prompt_toolkit prompt: what any such shell pays at least."""
    return [sys.executable, "-c", FLOOR_PROGRAM]


# -- shells in this process ------------------------------------------------------------------------


def script_shell(timeout: float = 10.0) -> "Shell":
    """A shell wired as ``milvus-shell -c/-f`` wires it (cli.py: build_shell, no runner, nobody to
    ask), writing to /dev/null."""
    from milvus_shell.app import build_shell
    from milvus_shell.settings import Settings

    sink = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the shell
    return build_shell(Settings(timeout=timeout, format="table", color=False, interactive=False), out=sink, err=sink)


@contextlib.contextmanager
def interactive_shell(home: Path, timeout: float = 10.0) -> Iterator["Shell"]:
    """The shell the REPL drives (``repl.interactive_shell``: each handler on the cancellable worker
    thread, connection health tracked, metadata cache kept), with a private HOME for its history
    and its output going to /dev/null. Its connections and health watcher are closed on exit."""
    from milvus_shell import repl
    from milvus_shell.settings import Settings

    settings = Settings(timeout=timeout, format="table", color=False, interactive=True)
    with open(os.devnull, "w") as sink:
        shell, health = repl.interactive_shell(settings, environ=terminal_env(home), out=sink, err=sink)
        try:
            yield shell
        finally:
            health.close()
            shell.ctx.registry.close()


def run_ok(shell: Any, line: str) -> None:
    outcome = shell.run_line(line)
    if not outcome.ok:
        raise RuntimeError(f"milvus-shell failed on {line!r}")


def wait_metadata(shell: Any, timeout: float = 120.0) -> None:
    cache = getattr(shell.ctx, "metadata", None)
    if cache is not None and hasattr(cache, "wait"):
        cache.wait(timeout)


def has_command(name: str) -> bool:
    from milvus_shell.commands import build_table

    return build_table().get(name) is not None


# -- history files ---------------------------------------------------------------------------------


def history_path(home: Path) -> Path:
    """Where the shell started with ``terminal_env(home)`` keeps its history."""
    from milvus_shell.history import history_path as shell_history_path

    return shell_history_path(terminal_env(home))


def write_history(path: Path, count: int, seed: int = 7) -> None:
    """``count`` entries in prompt_toolkit's FileHistory format (what history.py reads)."""
    rng = random.Random(seed)
    # Names unlike the bench server's (coll_…): auto-suggest then scans the whole history (worst case).
    verbs = ["describe hist_{:05d}", "query hist_{:05d} 'id > 10' --limit 5", "ping", "connections",
             "show collections", "search hist_{:05d} --vector '[0.1, 0.2, 0.3, 0.4]' --limit 3",
             "use default", "count hist_{:05d}", "show indexes hist_{:05d}", "connect prod 10.0.0.{:d}:19530"]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(count):
            verb = rng.choice(verbs)
            line = verb.format(rng.randrange(10_000) if "{:05d}" in verb else rng.randrange(256))
            f.write(f"\n# 2026-01-01 00:00:00.000000\n+{line}\n")
    os.chmod(path, 0o600)
