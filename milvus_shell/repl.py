"""The interactive loop: a prompt_toolkit session with the active alias in the prompt, a toolbar,
completion, highlighting and a secret-free history; commands run so that Ctrl-C always gets back.

The first prompt is drawn by a bare session (prompt, keys, history, over the registry); the shell
itself (renderer, context, command table, metadata cache) is built right after that first paint, then
completion, highlighting, suggestions and the toolbar are attached and pymilvus is imported on a
thread, so nothing delays the prompt (tests/unit/test_first_prompt_imports.py lists what it imports).
"""

from __future__ import annotations

import functools
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

from .commands import build_table
from .history import RecentHistorySuggest, ShellHistory, ask_again_for_masked, shell_history
from .keys import shell_key_bindings
from .registry import ConnectionRegistry
from .startup_connect import StartupConnect
from .status import ConnectionHealth, Fragments, prompt_fragments
from .styles import shell_style

if TYPE_CHECKING:
    from .cancellable import CancellableRunner
    from .commands.spec import Invocation, Kind
    from .completion import ValueSource
    from .config import Config
    from .context import Confirmation
    from .results import Result
    from .settings import Settings
    from .shell import Runner, Shell


def ask_secret(message: str) -> str:
    """Ask at the terminal with echo off (not even asterisks); it never reaches any history."""
    import getpass  # noqa: PLC0415 - only when a password is asked

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
    session = bare_session(ctx.settings, ctx.registry, history, health, input, output, connecting)
    ctx.metadata.on_change = session.app.invalidate  # names arrived, or refreshing ended: redraw
    if equipped:
        equip(session, shell, history, health, connecting)
    return session


def bare_session(
    settings: Settings,
    registry: ConnectionRegistry,
    history: History,
    health: ConnectionHealth,
    input: Input | None = None,
    output: Output | None = None,
    connecting: Callable[[], str | None] = lambda: None,
) -> PromptSession[str]:
    """The session as the first prompt draws it: prompt, keys, history; no shell needed yet."""
    session: PromptSession[str] = PromptSession(
        message=lambda: FormattedText(prompt_fragments(registry, health, connecting(), settings.prompt)),
        complete_in_thread=True,
        complete_while_typing=True,
        history=history,
        style=shell_style(),
        include_default_pygments_style=False,
        color_depth=None if settings.color else ColorDepth.DEPTH_1_BIT,
        key_bindings=shell_key_bindings(),
        search_ignore_case=True,
        input=input,
        output=output,
    )
    health.on_change = session.app.invalidate
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


class AfterFirstPaint:
    """The first prompt's ``pre_run``: once the prompt is on screen, build the shell, equip the session,
    then start the connection asked for on the command line, or else import pymilvus on a thread (so
    the first command does not wait ~0.6 s for it). ``finish`` also does it when the prompt returned
    before that (it is idempotent)."""

    def __init__(self, session: PromptSession[str], parts: "PromptParts",
                 starting: StartupConnect | None = None) -> None:
        self.session = session
        self.parts = parts
        self.starting = starting
        self.done = False

    def pre_run(self) -> None:
        # pre_run comes before the first paint; the loop's next turn comes after it, before any key.
        loop = get_app().loop
        assert loop is not None  # set while the application runs, before pre_run
        loop.call_soon(self.finish)

    def finish(self) -> None:
        if self.done:
            return
        self.done = True
        parts, session, starting = self.parts, self.session, self.starting
        shell = parts.shell()
        shell.ctx.metadata.on_change = session.app.invalidate  # names arrived, or refreshing ended: redraw
        if starting is not None:
            starting.start(shell)  # it imports pymilvus itself
            equip(session, shell, parts.history, parts.health, starting.connecting)
            return
        equip(session, shell, parts.history, parts.health)
        threading.Thread(target=_load_backend, name="warm-backend", daemon=True).start()


def _load_backend() -> None:
    try:
        importlib.import_module("milvus_shell.backend")
    except Exception:  # noqa: BLE001 - the first real use reports any problem
        pass


def tracked(runner: CancellableRunner, health: ConnectionHealth, registry: ConnectionRegistry) -> Runner:
    """Run each handler through ``runner``; note which alias stopped answering, or answered again."""

    def run(inv: Invocation, call: Callable[[], Result]) -> Result:
        named = inv.arg("ALIAS")
        alias = named if isinstance(named, str) else registry.active
        from .errors import ServerError  # noqa: PLC0415 - loaded with the shell, after the first paint

        try:
            result = runner(call)
        except ServerError as exc:
            health.record(alias, exc)
            raise
        if isinstance(named, str):
            health.record(named, None)
        return result

    return run


class PromptParts:
    """What the first prompt shows and reads (the registry, connection health, the history), made
    before it; the shell is built on them when first asked for (after the first paint)."""

    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None, out: TextIO | None = None,
                 err: TextIO | None = None, config: "Config | None" = None) -> None:
        self.settings, self.config, self.out, self.err = settings, config, out, err
        self.environ = os.environ if environ is None else environ
        self.registry = ConnectionRegistry(timeout=settings.timeout)
        self.health = ConnectionHealth(check=self.registry.ping, is_live=self.registry.is_connected)
        self.tables = functools.cache(build_table)  # one table, made once something needs it
        # the history reads the shell's line model (asked once a line is kept: the shell exists by then)
        self.history = shell_history(self.environ, self.tables, settings.history_size, lambda: self.shell().ctx.lines)
        self._shell: Shell | None = None

    def shell(self) -> Shell:
        """The shell the prompt drives, built on first use."""
        if self._shell is None:
            self._shell = _build_interactive(self)
        return self._shell

    @property
    def stderr(self) -> TextIO:
        return self.err or sys.stderr


def _build_interactive(parts: PromptParts) -> Shell:
    """Handlers on a cancellable worker thread, questions and progress drawn by the main thread, a
    history file that never holds a secret, aliases that stop answering noticed."""
    from .app import build_shell  # noqa: PLC0415 - after the first paint
    from .cancellable import CancellableRunner  # noqa: PLC0415

    runner = CancellableRunner()
    # A command abandoned by Ctrl-C gets Cancelled at its next progress report (a long `load` polls)
    # instead of drawing over the prompt: on_main_thread refuses a worker that was abandoned.
    return build_shell(parts.settings, out=parts.out, err=parts.err, environ=parts.environ, registry=parts.registry,
                       make_table=parts.tables, history=parts.history,
                       runner=tracked(runner, parts.health, parts.registry), ask_secret=ask_secret,
                       confirm=confirm_at_terminal, on_main_thread=runner.on_main_thread, config=parts.config)


def interactive_shell(settings: Settings, environ: Mapping[str, str] | None = None,
                      out: TextIO | None = None, err: TextIO | None = None,
                      config: "Config | None" = None) -> tuple[Shell, ConnectionHealth]:
    """The shell the prompt drives, built at once (see PromptParts), and its connection health."""
    parts = PromptParts(settings, environ, out, err, config)
    return parts.shell(), parts.health


def tell_once(err: TextIO, history: ShellHistory | None) -> None:
    """Say on stderr, once per session, that the history is kept in memory only (and why)."""
    notice = history.notice() if history is not None else None
    if notice:
        err.write(notice + "\n")
        err.flush()


def run(settings: Settings, first_line: str = "", config: "Config | None" = None,
        behind_prompt: bool = True) -> int:
    """The interactive shell. ``first_line`` (a connect from the command line) is run behind the first
    prompt, or before it when ``behind_prompt`` is False (it has to ask for a password). Only what the
    prompt shows is made before it; the shell is built right after its first paint."""
    parts = PromptParts(settings, config=config)
    starting = None
    try:
        if first_line and not behind_prompt:
            parts.shell().run_line(first_line)
        elif first_line:
            starting = StartupConnect(first_line, first_line.split()[1])
        tell_once(parts.stderr, parts.history)
        session = bare_session(settings, parts.registry, parts.history, parts.health,
                               connecting=starting.connecting if starting else lambda: None)
        if starting is not None:
            starting.app = session.app
        return _loop(parts, session, AfterFirstPaint(session, parts, starting), starting)
    finally:
        parts.health.close()
        parts.registry.close()


def _loop(parts: PromptParts, session: PromptSession[str], first: AfterFirstPaint,
          starting: StartupConnect | None = None) -> int:
    pre_run: Callable[[], None] | None = first.pre_run
    while True:
        if starting is not None:
            starting.flush()  # the start's connection came while a command ran: say so now
        try:
            text = session.prompt(pre_run=pre_run)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        finally:
            pre_run = None
            first.finish()  # done already, unless the prompt came back before the loop's next turn
            tell_once(parts.stderr, parts.history)  # a history file that failed on this line's write
        if not text.strip():
            continue
        shell = parts.shell()
        try:
            if starting is not None:
                starting.wait()  # a command typed while the start's connection is made waits for it
            outcome = shell.run_line(ask_again_for_masked(text, shell.ctx.lines))
        except KeyboardInterrupt:  # between two commands of a line, or while printing
            shell.renderer.cancelled("", shell.cancelled())
            continue
        if outcome.exit_code is not None:
            return outcome.exit_code
