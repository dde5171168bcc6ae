"""The interactive loop: a prompt_toolkit session with the active alias in the prompt, a toolbar,
completion, highlighting and a secret-free history; commands run so that Ctrl-C always gets back.

The first prompt is drawn by a bare session (prompt, keys, history); completion, highlighting,
suggestions and the toolbar are attached right after that first paint, and pymilvus is imported on a
thread from then on, so nothing delays the prompt.
"""

from __future__ import annotations

import functools
import getpass
import importlib
import os
import sys
import threading
from functools import partial
from typing import TYPE_CHECKING, Callable, Mapping, TextIO, cast

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import History
from prompt_toolkit.input import Input
from prompt_toolkit.output import ColorDepth, Output

from .app import build_shell
from .cancellable import CancellableRunner
from .commands import build_table
from .commands.spec import Invocation
from .context import Confirmation
from .errors import ServerError
from .history import RecentHistorySuggest, ShellHistory, ask_again_for_masked, shell_history
from .keys import shell_key_bindings
from .registry import ConnectionRegistry
from .results import Result
from .settings import Settings
from .shell import Runner, Shell
from .startup_connect import StartupConnect
from .status import ConnectionHealth, Fragments, prompt_fragments
from .styles import shell_style

if TYPE_CHECKING:
    from .commands.spec import Kind
    from .completion import ValueSource
    from .config import Config


def ask_secret(message: str) -> str:
    """Ask at the terminal with echo off (not even asterisks); it never reaches any history."""
    try:
        return getpass.getpass(message)
    except EOFError:
        return ""


def confirm_at_terminal(question: Confirmation, ask: Callable[[str], str] = input) -> bool:
    """Ask before a destructive command: what will be lost, on which alias and server. A yes, or the
    name typed back when ``question.typed`` asks for it; anything else (Ctrl-D too) is a no."""
    print(question.statement(), file=sys.stderr)
    try:
        return question.answer_means_yes(ask(question.question()))
    except EOFError:
        return False


def completion_sources(shell: Shell, history: History) -> Mapping[Kind, ValueSource]:
    """The shell's value sources, plus any the metadata cache offers (its ``completion_sources()``)."""
    from .completion import default_sources  # noqa: PLC0415

    ctx = shell.ctx
    sources = default_sources(ctx.registry, ctx.table, history.get_strings,
                              lambda: ctx.config.profiles if ctx.config is not None else {})
    sources.update(ctx.metadata.completion_sources())
    return sources


def build_session(
    shell: Shell,
    history: History,
    health: ConnectionHealth,
    input: Input | None = None,
    output: Output | None = None,
    equipped: bool = True,
    connecting: Callable[[], str | None] = lambda: None,
) -> PromptSession[str]:
    """The prompt session; ``equipped=False`` leaves out what ``equip`` adds (for a faster first paint).
    ``connecting`` names an alias being connected behind the prompt (shown as such)."""
    ctx = shell.ctx
    session: PromptSession[str] = PromptSession(
        message=lambda: FormattedText(prompt_fragments(ctx.registry, health, connecting(), ctx.settings.prompt)),
        complete_in_thread=True,
        complete_while_typing=True,
        history=history,
        style=shell_style(),
        include_default_pygments_style=False,
        color_depth=None if ctx.settings.color else ColorDepth.DEPTH_1_BIT,
        key_bindings=shell_key_bindings(),
        search_ignore_case=True,
        input=input,
        output=output,
    )
    health.on_change = session.app.invalidate
    ctx.metadata.on_change = session.app.invalidate  # names arrived, or refreshing ended: redraw
    if equipped:
        equip(session, shell, history, health, connecting)
    return session


def equip(session: PromptSession[str], shell: Shell, history: History, health: ConnectionHealth,
          connecting: Callable[[], str | None] = lambda: None) -> None:
    """Attach completion, highlighting, secret masking, suggestions from history and the toolbar."""
    from prompt_toolkit.auto_suggest import ThreadedAutoSuggest  # noqa: PLC0415
    from prompt_toolkit.lexers import PygmentsLexer, SyncFromStart  # noqa: PLC0415

    from .completion import ShellCompleter  # noqa: PLC0415
    from .highlight import SecretMasker, ShellLexer  # noqa: PLC0415
    from .status import toolbar_fragments  # noqa: PLC0415

    ctx = shell.ctx
    table, registry, lines = ctx.table, ctx.registry, ctx.lines  # one line model for every reader
    metadata = ctx.metadata

    def refreshing() -> Fragments:
        return [("class:bottom-toolbar.refreshing", "· refreshing names ")] if metadata.refreshing else []

    def pending() -> Fragments:
        alias = connecting()
        return [("class:bottom-toolbar.refreshing", f"· connecting {alias}… ")] if alias else []

    def toolbar() -> FormattedText:
        text = session.default_buffer.document.text_before_cursor
        width = get_app().output.get_size().columns
        return FormattedText(toolbar_fragments(registry, health, table, text, width, extra=(pending, refreshing),
                                               lines=lines))

    session.completer = ShellCompleter(table, completion_sources(shell, history), lines)
    make_lexer = cast("type[ShellLexer]", partial(ShellLexer, table, registry, lines))  # PygmentsLexer only calls it
    session.lexer = PygmentsLexer(make_lexer, syntax_sync=SyncFromStart())
    session.input_processors = [SecretMasker(table, lines)]
    session.auto_suggest = ThreadedAutoSuggest(RecentHistorySuggest())
    session.bottom_toolbar = toolbar
    session.app.invalidate()


def after_first_paint(session: PromptSession[str], shell: Shell, history: History,
                      health: ConnectionHealth, starting: "StartupConnect | None" = None) -> Callable[[], None]:
    """A ``pre_run`` for the first prompt: once it is on screen, equip the session and import pymilvus
    on a thread (so the first command does not wait ~0.6 s for it), and start the connection asked
    for on the command line, if any."""
    def load_backend() -> None:
        try:
            importlib.import_module("milvus_shell.backend")
        except Exception:  # noqa: BLE001 - the first real use reports any problem
            pass

    def then() -> None:
        if starting is not None:
            starting.start()  # it imports pymilvus itself
            equip(session, shell, history, health, starting.connecting)
            return
        equip(session, shell, history, health)
        threading.Thread(target=load_backend, name="warm-backend", daemon=True).start()

    # pre_run comes before the first paint; the loop's next turn comes after it, before any key.
    def soon() -> None:
        loop = get_app().loop
        assert loop is not None  # set while the application runs, before pre_run
        loop.call_soon(then)

    return soon


def tracked(runner: CancellableRunner, health: ConnectionHealth, registry: ConnectionRegistry) -> Runner:
    """Run each handler through ``runner``; note which alias stopped answering, or answered again."""

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


def interactive_shell(settings: Settings, environ: Mapping[str, str] | None = None,
                      out: TextIO | None = None, err: TextIO | None = None,
                      config: "Config | None" = None) -> tuple[Shell, ConnectionHealth]:
    """The shell the prompt drives: handlers on a cancellable worker thread, questions and progress
    drawn by the main thread, a history file that never holds a secret, aliases that stop answering
    noticed."""
    environ = os.environ if environ is None else environ
    runner = CancellableRunner()
    registry = ConnectionRegistry(timeout=settings.timeout)
    health = ConnectionHealth(check=registry.ping, is_live=registry.is_connected)
    tables = functools.cache(build_table)  # one table, made once something needs it
    # A command abandoned by Ctrl-C gets Cancelled at its next progress report (a long `load` polls)
    # instead of drawing over the prompt: on_main_thread refuses a worker that was abandoned.
    shell = build_shell(settings, out=out, err=err, environ=environ, registry=registry, make_table=tables,
                        # the history reads the shell's line model (asked once a line is kept: shell exists)
                        history=shell_history(environ, tables, settings.history_size, lambda: shell.ctx.lines),
                        runner=tracked(runner, health, registry), ask_secret=ask_secret,
                        confirm=confirm_at_terminal, on_main_thread=runner.on_main_thread, config=config)
    return shell, health


def tell_once(shell: Shell, history: ShellHistory | None) -> None:
    """Say on stderr, once per session, that the history is kept in memory only (and why)."""
    notice = history.notice() if history is not None else None
    if notice:
        shell.renderer.err.write(notice + "\n")
        shell.renderer.err.flush()


def run(settings: Settings, first_line: str = "", config: "Config | None" = None,
        behind_prompt: bool = True) -> int:
    """The interactive shell. ``first_line`` (a connect from the command line) is run behind the first
    prompt, or before it when ``behind_prompt`` is False (it has to ask for a password)."""
    shell, health = interactive_shell(settings, config=config)
    ctx = shell.ctx
    starting = None
    try:
        if first_line and not behind_prompt:
            shell.run_line(first_line)
        elif first_line:
            starting = StartupConnect(shell, first_line, first_line.split()[1])
        history = ctx.history
        assert history is not None  # interactive_shell gave the shell its history
        tell_once(shell, history)
        session = build_session(shell, history, health, equipped=False,
                                connecting=starting.connecting if starting else lambda: None)
        if starting is not None:
            starting.app = session.app
        return _loop(shell, session, after_first_paint(session, shell, history, health, starting), starting)
    finally:
        health.close()
        ctx.registry.close()


def _loop(shell: Shell, session: PromptSession[str], first: Callable[[], None] | None,
          starting: StartupConnect | None = None) -> int:
    while True:
        if starting is not None:
            starting.flush()  # the start's connection came while a command ran: say so now
        try:
            text = session.prompt(pre_run=first)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        finally:
            first = None
            tell_once(shell, shell.ctx.history)  # a history file that failed on this line's write
        if not text.strip():
            continue
        try:
            if starting is not None:
                starting.wait()  # a command typed while the start's connection is made waits for it
            outcome = shell.run_line(ask_again_for_masked(text, shell.ctx.lines))
        except KeyboardInterrupt:  # between two commands of a line, or while printing
            shell.renderer.cancelled("", shell.cancelled())
            continue
        if outcome.exit_code is not None:
            return outcome.exit_code
