"""The composition root: the one function that builds a shell, for the CLI, the REPL, the tests and
the benchmark. Everything a shell needs is given here; nothing is patched after construction."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Callable, Mapping, ParamSpec, Protocol, TextIO, TypeVar

from .commands import build_table
from .context import Confirmation, ShellContext
from .output import Renderer
from .registry import BackendLoader, ConnectionRegistry, load_default_backend
from .settings import Settings
from .shell import Runner, Shell

if TYPE_CHECKING:
    from .table import CommandTable
    from .config import Config
    from .history import ShellHistory

P = ParamSpec("P")
T = TypeVar("T")


class OnMainThread(Protocol):
    """Wraps a callback to run on the main thread; the wrapper is called as the callback is."""

    def __call__(self, fn: Callable[P, T], /) -> Callable[P, T]: ...


def _same(fn: Callable[P, T]) -> Callable[P, T]:
    return fn


def build_shell(
    settings: Settings,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    registry: ConnectionRegistry | None = None,
    backend_loader: BackendLoader = load_default_backend,
    make_table: Callable[[], "CommandTable"] = build_table,
    history: "ShellHistory | None" = None,
    ask_secret: Callable[[str], str] | None = None,
    confirm: Callable[[Confirmation], bool] | None = None,
    runner: Runner | None = None,
    on_main_thread: OnMainThread = _same,
    width: int | None = None,
    status_to_err: bool | None = None,
    config: "Config | None" = None,
) -> Shell:
    """A shell over ``registry`` (a new one by default), writing data to ``out`` and the rest to ``err``.

    ``history`` is the interactive prompt's history (the ``history`` command reads it).
    ``ask_secret`` and ``confirm`` are how the shell asks a person (None: there is no one to ask, as
    in scripts). ``runner`` runs each handler (the REPL's cancellable worker thread); what a handler
    calls back for the screen (progress, questions) goes through ``on_main_thread``. Status lines
    (connected, loaded, notes) go to ``err`` in scripts so that ``out`` holds data only, unless
    ``status_to_err`` says otherwise. ``config`` is the config file as read at start (None: read on
    first use, from the XDG path in ``environ``).
    """
    environ = os.environ if environ is None else environ
    registry = registry or ConnectionRegistry(timeout=settings.timeout, backend_loader=backend_loader)
    renderer = Renderer(out or sys.stdout, err or sys.stderr, color=settings.color, width=width, environ=environ,
                        status_to_err=not settings.interactive if status_to_err is None else status_to_err,
                        quiet=settings.quiet)
    ctx = ShellContext(
        registry=registry,
        settings=settings,
        make_table=make_table,
        history=history,
        ask_secret=on_main_thread(ask_secret) if ask_secret else None,
        confirm=on_main_thread(confirm) if confirm else None,
        environ=environ,
        progress=on_main_thread(renderer.progress),
        show_frame=on_main_thread(renderer.frame),
        pause=on_main_thread(time.sleep),
        config=config,
    )
    return Shell(ctx, renderer, runner)
