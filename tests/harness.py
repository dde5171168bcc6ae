"""Drive the shell in-process: a Shell with its own registry, output captured per line."""

from __future__ import annotations

import io
from typing import Callable, Mapping

from milvus_shell.commands import build_table
from milvus_shell.context import ShellContext
from milvus_shell.output import Renderer
from milvus_shell.registry import ConnectionRegistry
from milvus_shell.settings import Settings
from milvus_shell.shell import Shell


class Harness:
    """One shell session. ``run`` returns (ok, stdout, stderr) of a line; ``transcript`` keeps all."""

    def __init__(self, environ: Mapping[str, str] | None = None, timeout: float = 10.0,
                 ask_secret: Callable[[str], str] | None = None) -> None:
        self.registry = ConnectionRegistry(timeout=timeout)
        self.ctx = ShellContext(self.registry, Settings(timeout=timeout), build_table(),
                                ask_secret=ask_secret, environ=dict(environ or {}))
        self.transcript: list[str] = []

    def run(self, line: str) -> tuple[bool, str, str]:
        out, err = io.StringIO(), io.StringIO()
        shell = Shell(self.ctx, Renderer(out, err, width=200))
        outcome = shell.run_line(line)
        self.transcript += [line, out.getvalue(), err.getvalue()]
        return outcome.ok, out.getvalue(), err.getvalue()

    def ok(self, line: str) -> str:
        ok, out, err = self.run(line)
        assert ok, f"{line!r} failed: {err}"
        assert not err, err
        return out

    def fail(self, line: str) -> str:
        ok, out, err = self.run(line)
        assert not ok, f"{line!r} should have failed; it printed {out!r}"
        assert err.startswith("error: "), err
        assert "Traceback" not in err
        return err

    def states(self) -> dict[str, str]:
        return {v.alias: v.state for v in self.registry.views()}

    def close(self) -> None:
        self.registry.close()


def connect_line(server) -> str:
    """The ``connect default ...`` line for a test server (root's password where it has authentication)."""
    if getattr(server, "auth", False):
        return f"connect default {server.address} --user root --password Milvus"
    return f"connect default {server.address}"
