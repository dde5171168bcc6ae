"""Drive the shell in-process: a shell from the composition root, output captured per line."""

from __future__ import annotations

import io
from typing import Callable, Mapping

from milvus_shell.app import build_shell
from milvus_shell.context import Confirmation
from milvus_shell.settings import Settings


class Harness:
    """One shell session. ``run`` returns (ok, stdout, stderr) of a line; ``transcript`` keeps all."""

    def __init__(self, environ: Mapping[str, str] | None = None, timeout: float = 10.0,
                 ask_secret: Callable[[str], str] | None = None,
                 confirm: Callable[[Confirmation], bool] | None = None,
                 settings: Settings | None = None, **shell_options) -> None:
        self.out, self.err = io.StringIO(), io.StringIO()
        # Status lines stay with the data, as at the prompt (scripts send them to stderr: test_help_output).
        self.shell = build_shell(settings or Settings(timeout=timeout, color=False), out=self.out, err=self.err,
                                 environ=dict(environ or {}), ask_secret=ask_secret, confirm=confirm, width=200,
                                 status_to_err=False, **shell_options)
        self.ctx = self.shell.ctx
        self.registry = self.ctx.registry
        self.transcript: list[str] = []

    def run(self, line: str) -> tuple[bool, str, str]:
        for buffer in (self.out, self.err):
            buffer.seek(0)
            buffer.truncate()
        outcome = self.shell.run_line(line)
        out, err = self.out.getvalue(), self.err.getvalue()
        self.transcript += [line, out, err]
        return outcome.ok, out, err

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
