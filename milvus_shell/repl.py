"""The interactive loop: a prompt_toolkit session with the active alias in the prompt, a toolbar,
completion, highlighting and a secret-free history; commands run so that Ctrl-C always gets back."""

from __future__ import annotations

import getpass
import importlib
import threading
from functools import partial
from typing import Callable, Mapping

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory, ThreadedAutoSuggest
from prompt_toolkit.history import History
from prompt_toolkit.input import Input
from prompt_toolkit.lexers import PygmentsLexer, SyncFromStart
from prompt_toolkit.output import ColorDepth, Output

from .cancellable import CancellableRunner
from .commands.spec import Invocation, Kind
from .completion import ShellCompleter, ValueSource, default_sources
from .errors import ServerError
from .highlight import SecretMasker, ShellLexer, shell_style
from .history import ask_again_for_masked, shell_history
from .keys import shell_key_bindings
from .results import Result
from .shell import Runner, Shell
from .status import ConnectionHealth, prompt_fragments, toolbar_fragments


def _warm_backend_after_first_paint() -> None:
    """Import pymilvus on a thread once the prompt is on screen, so the first command is quick.

    Called as the prompt's ``pre_run``, which comes before the first paint: the thread starts from the
    event loop's next turn, so its import (~0.6 s of CPU) does not compete with drawing the prompt.
    """
    def load() -> None:
        try:
            importlib.import_module("milvus_shell.backend")
        except Exception:  # noqa: BLE001 - the first real use reports any problem
            pass

    def start() -> None:
        threading.Thread(target=load, name="warm-backend", daemon=True).start()

    get_app().loop.call_soon(start)


def ask_secret(message: str) -> str:
    """Ask at the terminal with echo off (not even asterisks); it never reaches any history."""
    try:
        return getpass.getpass(message)
    except EOFError:
        return ""


def completion_sources(shell: Shell, history: History) -> Mapping[Kind, ValueSource]:
    """The shell's sources, plus any a metadata cache offers (``completion_sources()``)."""
    ctx = shell.ctx
    sources = default_sources(ctx.registry, ctx.table, history.get_strings)
    extra = getattr(getattr(ctx, "metadata", None), "completion_sources", None)
    if callable(extra):
        sources.update(extra())
    return sources


def build_session(
    shell: Shell,
    history: History,
    health: ConnectionHealth,
    input: Input | None = None,
    output: Output | None = None,
) -> PromptSession[str]:
    ctx = shell.ctx
    table, registry = ctx.table, ctx.registry
    session: PromptSession[str]

    def toolbar() -> list[tuple[str, str]]:
        text = session.default_buffer.document.text_before_cursor
        width = get_app().output.get_size().columns
        return toolbar_fragments(registry, health, table, text, width)

    session = PromptSession(
        message=lambda: prompt_fragments(registry, health),
        bottom_toolbar=toolbar,
        completer=ShellCompleter(table, completion_sources(shell, history)),
        complete_in_thread=True,
        complete_while_typing=True,
        history=history,
        auto_suggest=ThreadedAutoSuggest(AutoSuggestFromHistory()),
        lexer=PygmentsLexer(partial(ShellLexer, table, registry), syntax_sync=SyncFromStart()),
        input_processors=[SecretMasker(table)],
        style=shell_style(),
        include_default_pygments_style=False,
        color_depth=None if ctx.settings.color else ColorDepth.DEPTH_1_BIT,
        key_bindings=shell_key_bindings(),
        search_ignore_case=True,
        input=input,
        output=output,
    )
    health.on_change = session.app.invalidate
    return session


def tracked(runner: CancellableRunner, health: ConnectionHealth, shell: Shell) -> Runner:
    """Run each handler through ``runner``; note which alias stopped answering, or answered again."""
    registry = shell.ctx.registry

    def run(inv: Invocation, call: Callable[[], Result]) -> Result:
        named = inv.arg("ALIAS")
        alias = named if isinstance(named, str) else registry.active
        try:
            result = runner(call)
        except ServerError as exc:
            health.record(alias, exc)
            raise
        if isinstance(named, str):
            health.record(named, None)
        return result

    return run


def run(shell: Shell, before_first_prompt: Callable[[], bool]) -> int:
    ctx = shell.ctx
    runner = CancellableRunner()
    health = ConnectionHealth(check=ctx.registry.ping, is_live=ctx.registry.is_connected)
    shell.runner = tracked(runner, health, shell)
    ctx.ask_secret = runner.on_main_thread(ask_secret)
    before_first_prompt()
    session = build_session(shell, shell_history(ctx.environ, ctx.table), health)
    warmed = False
    try:
        while True:
            try:
                text = session.prompt(pre_run=None if warmed else _warm_backend_after_first_paint)
            except KeyboardInterrupt:
                continue
            except EOFError:
                return 0
            warmed = True
            if not text.strip():
                continue
            try:
                outcome = shell.run_line(ask_again_for_masked(text, ctx.table))
            except KeyboardInterrupt:  # between two commands of a line, or while printing
                shell.renderer.error("cancelled")
                continue
            if outcome.exit_code is not None:
                return outcome.exit_code
    finally:
        health.close()
