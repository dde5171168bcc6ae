"""The connection asked for on the command line (ADDRESS, PROFILE, --lite), made behind the first
prompt: the prompt shows the alias as connecting, a thread connects, and what the connect says is
printed above the prompt when it arrives. A command typed meanwhile waits for it (Ctrl-C stops the
wait; the connect itself ends within its timeout and still reports)."""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .shell import Shell


class StartupConnect:
    def __init__(self, line: str, alias: str) -> None:
        self.shell: "Shell | None" = None  # given by start(), after the first paint
        self.line = line
        self.alias = alias
        self.app: Any = None  # the prompt's Application: the result is printed above it while it runs
        self.ok: bool | None = None
        self._done = threading.Event()
        self._shown = False
        self._out = self._err = ""

    def start(self, shell: "Shell") -> None:
        self.shell = shell
        threading.Thread(target=self._run, name="startup-connect", daemon=True).start()

    @property
    def pending(self) -> bool:
        return not self._done.is_set()

    def connecting(self) -> str | None:
        """The alias being connected, while it is (for the prompt and the toolbar)."""
        return self.alias if self.pending else None

    def _run(self) -> None:
        from .output import Renderer  # noqa: PLC0415
        from .shell import Shell  # noqa: PLC0415

        assert self.shell is not None  # set by start()
        real = self.shell.renderer
        out, err = io.StringIO(), io.StringIO()
        quiet = Shell(self.shell.ctx, Renderer(out, err, color=real.color, width=real.width,
                                               environ=real.environ))
        try:
            self.ok = quiet.run_line(self.line).ok
        except BaseException as exc:  # noqa: BLE001 - reported above the prompt like any failure
            self.ok = False
            err.write(f"error: {type(exc).__name__}: {exc}\n")
        self._out, self._err = out.getvalue(), err.getvalue()
        self._done.set()
        self._notify()

    def _notify(self) -> None:
        app = self.app
        loop = getattr(app, "loop", None)
        if app is None or loop is None or not app.is_running:
            return  # the main thread shows it before the next prompt (flush)
        try:
            loop.call_soon_threadsafe(self._show_above_prompt)
        except RuntimeError:  # the prompt's loop has just closed
            pass

    def _show_above_prompt(self) -> None:
        from prompt_toolkit.application import run_in_terminal  # noqa: PLC0415

        if self._shown or not (self.app is not None and self.app.is_running):
            return
        self._shown = True
        run_in_terminal(self._write)
        self.app.invalidate()

    def flush(self) -> None:
        """On the main thread, outside a prompt: show the result if it came and is not shown yet."""
        if self._done.is_set() and not self._shown:
            self._shown = True
            self._write()

    def wait(self) -> None:
        """Before a command typed meanwhile: wait for the connect (KeyboardInterrupt stops waiting)."""
        if self.pending:
            assert self.shell is not None, "wait() before start()"
            renderer = self.shell.renderer
            renderer.err.write(f"(waiting for the connection to {self.alias}; Ctrl-C stops waiting)\n")
            renderer.err.flush()
            while not self._done.wait(0.05):
                pass
        self.flush()

    def _write(self) -> None:
        assert self.shell is not None  # the result came: start() gave the shell
        renderer = self.shell.renderer
        for stream, text in ((renderer.out, self._out), (renderer.err, self._err)):
            if text:
                try:
                    stream.write(text)
                    stream.flush()
                except (OSError, ValueError):
                    pass
