"""Runs lines: parse, call each handler, hand the result to the renderer, report failures in words."""

from __future__ import annotations

import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from .commands.spec import Effect, Invocation
from .context import Confirmation, ShellContext
from .errors import Cancelled, Declined, OutputClosed, OutputError, ParseError, ShellError, UsageError
from .line import EXPECT_FAILURE
from .output import Renderer
from .results import Exit, Group, Message, Result


@dataclass(frozen=True)
class LineOutcome:
    ok: bool
    exit_code: int | None = None  # set when the line asked the shell to end


# The output could not be written (closed pipe, full disk): the line failed and the run ends, since
# nothing more could be shown. A closed pipe is not reported: the reader chose to stop reading.
OUTPUT_LOST = LineOutcome(ok=False, exit_code=1)


# Runs one handler call for an invocation: the interactive shell runs it on a worker thread it can
# abandon on Ctrl-C (repl.py); scripts call it directly.
Runner = Callable[[Invocation, Callable[[], Result]], Result]


class Shell:
    """The part shared by the interactive and the script modes."""

    def __init__(self, ctx: ShellContext, renderer: Renderer, runner: Runner | None = None) -> None:
        self.ctx = ctx
        self.renderer = renderer
        self.runner = runner

    def run_line(self, text: str, where: str = "") -> LineOutcome:
        """Run every command on the line; stop at the first failure. ``where`` prefixes errors.

        A line that starts with ``!`` is expected to fail (a class shows a mistake on purpose): its
        failure is said and counts as success; its success is an error.
        While ``record`` is on, each command (secrets masked) and all it printed go to the transcript."""
        mark = EXPECT_FAILURE if text.lstrip().startswith(EXPECT_FAILURE) else ""
        if mark:
            text = text.lstrip()[len(mark):]
        try:
            invocations = self.ctx.lines.understand(text).invocations()
        except ParseError as exc:
            with self.recording(mark + text, where):
                self.report_parse_error(text, exc, where)
                return self._expected(mark, LineOutcome(ok=False), text, where)
        for n, inv in enumerate(invocations, 1):
            with self.recording(mark + inv.text, where):
                outcome = self.run_one(inv, where)
                if mark and (n == len(invocations) or outcome is not None):
                    return self._expected(mark, outcome or LineOutcome(ok=True), text, where)
            if outcome is not None:
                return outcome
        return LineOutcome(ok=True)

    def _expected(self, mark: str, outcome: LineOutcome, text: str, where: str) -> LineOutcome:
        """How a line ends that was (``mark``) or was not expected to fail."""
        if not mark or outcome is OUTPUT_LOST:
            return outcome
        if not outcome.ok:
            self.renderer.render(Message("failed, as expected (the line starts with !)"))
            return LineOutcome(ok=True)
        if outcome.exit_code is not None:
            return outcome
        self.renderer.error(f"{where}expected to fail, but it succeeded: {self.ctx.lines.mask(text)}")
        return LineOutcome(ok=False)

    def run_one(self, inv: Invocation, where: str) -> LineOutcome | None:
        """Run one command; None to go on with the line, else how the line ends."""
        started = time.perf_counter()
        try:
            result = self.execute(inv)
            fmt = self.show(inv, result)
            if self.ctx.settings.timing:
                self.renderer.render(Message(f"time: {time.perf_counter() - started:.3f} s"), fmt)
        except OutputError as exc:
            if not isinstance(exc, OutputClosed):
                self.renderer.error(where + str(exc))
            return OUTPUT_LOST
        except (Cancelled, KeyboardInterrupt) as exc:
            if inv.command.interrupt_ends:  # Ctrl-C is how watch ends: not a failure
                self.renderer.progress_done()
                self.renderer.render(Message(inv.command.interrupt_ends))
                return None
            self.renderer.cancelled(where, self.cancelled(getattr(exc, "note", "")))
            return LineOutcome(ok=False)
        except ShellError as exc:
            self.renderer.error(where + str(exc))
            return LineOutcome(ok=False)
        except Exception as exc:  # noqa: BLE001 - no traceback reaches the user without --debug
            if self.ctx.settings.debug:
                traceback.print_exc(file=self.renderer.err)
            self.renderer.error(
                f"{where}internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)"
            )
            return LineOutcome(ok=False)
        code = exit_code(result)
        if code is not None:
            return LineOutcome(ok=True, exit_code=code)
        return None

    @contextmanager
    def recording(self, text: str, where: str = "") -> Iterator[None]:
        """While ``record`` is on: what runs inside goes to the transcript under ``text`` (masked).
        A command that stops this recording (record off, record OTHER) is not written to it.
        Errors are written as the prompt shows them, without the script's ``where``."""
        recorder = self.ctx.recorder
        if recorder is None:
            yield
            return
        recorder.begin(self.prompt_text(), self.ctx.lines.mask(text))
        outer = self.renderer.tap
        mine = recorder.tap if not where else (lambda said: recorder.tap(
            said.replace(f"error: {where}", "error: ").replace(f"error: \x1b[0m{where}", "error: \x1b[0m")))
        self.renderer.tap = mine if outer is None else _both(outer, mine)
        try:
            yield
        finally:
            self.renderer.tap = outer
            if self.ctx.recorder is recorder:
                try:
                    recorder.end()
                except ShellError as exc:
                    recorder.close()
                    self.ctx.recorder = None
                    self.renderer.error(f"{exc}; recording stopped")

    def prompt_text(self) -> str:
        """The prompt as the interactive shell draws it now (``milvus ALIAS@WHERE``), without ``> ``."""
        from .status import ConnectionHealth, prompt_fragments  # noqa: PLC0415

        return "".join(text for _, text in prompt_fragments(self.ctx.registry, ConnectionHealth())).removesuffix("> ")

    def cancelled(self, note: str = "") -> str:
        """"cancelled", with what the stopped command had done by then (its ``ctx.cancel_note``)."""
        ask, self.ctx.cancel_note = self.ctx.cancel_note, None
        if not note and ask is not None:
            try:
                note = ask()
            except Exception:  # noqa: BLE001 - the note is a courtesy; "cancelled" must still be said
                note = ""
        return f"cancelled: {note}" if note else "cancelled"

    def show(self, inv: Invocation, result: Result) -> str:
        """Render ``result`` in the command's --format, else the session's; returns the format used.

        Also the moment to notice a new or switched connection (connect, use database) and have
        its names fetched for completion, in the background (interactive only: scripts need none).
        """
        if self.ctx.settings.interactive:
            self.ctx.metadata.sync()
        fmt = inv.opt("format") or self.ctx.settings.format
        self.renderer.use_pager = self.ctx.settings.interactive and self.ctx.settings.paging
        self.renderer.pager_command = self.ctx.settings.pager_command
        self.renderer.digits = self.ctx.settings.rounding
        self.renderer.render(result, fmt)  # a StreamTable still talks to the server while rendering
        return fmt

    def execute(self, inv: Invocation) -> Result:
        """Confirm a destructive command, run its handler, then refresh what it declared it changes."""
        self.ctx.cancel_note = None

        def call() -> Result:
            self.confirm(inv)
            return inv.command.handler(self.ctx, inv)

        try:
            result = call() if self.runner is None else self.runner(inv, call)
        finally:  # a command that failed half-way may still have changed something
            if _SCHEMA_EFFECTS.intersection(inv.command.changes):
                self.ctx.schemas.forget_all()
        if inv.command.changes and self.ctx.settings.interactive:
            self.ctx.metadata.changed(None, inv.command.changes, inv.arg("COLLECTION"))
        return result

    def confirm(self, inv: Invocation) -> None:
        """Ask before a destructive command (its ``destroys`` sentence names the loss); a script, which
        cannot be asked, must say --yes. Raises when the answer is not yes: nothing has changed."""
        command = inv.command
        if command.destroys is None or inv.opt("yes"):
            return
        loss = command.destroys(self.ctx, inv)
        if self.ctx.confirm is None:
            raise UsageError(f"refusing to {loss} without --yes: a script cannot be asked",
                             f"add --yes to {command.name} when you mean it")
        registry = self.ctx.registry
        view = registry.view(registry.active) if registry.active else None
        typed = inv.arg(command.confirm_by_typing) if command.confirm_by_typing else None
        question = Confirmation(loss, view.alias if view else "", view.address if view else "", typed)
        yes = self.ctx.confirm(question)
        self.renderer.tap_only(question.answered(yes))  # a recording keeps the dialogue
        if not yes:
            raise Declined()

    def report_parse_error(self, text: str, exc: ParseError, where: str) -> None:
        """The reason, the line with a caret under the column, a hint; secrets masked in all three."""
        line = self.ctx.lines.understand(text)
        shown, column, reason = line.redact_at(exc.column, exc.reason)
        hint = line.redact_at(message=exc.hint)[2] if exc.hint else ""
        message = f"{where}{reason}"
        if shown.isprintable() and len(shown) < 200:  # else the caret would point astray
            message += f"\n  {shown}\n  {' ' * (column - 1)}^"
        else:
            message += f" (column {column})"
        if hint:
            message += f"\n  hint: {hint}"
        self.renderer.error(message)


# What a command declares it changes that may change a collection's kept schema or indexes
# (schema_cache.py): they are all forgotten, whichever collection it named (an alias may point anywhere).
_SCHEMA_EFFECTS = frozenset({Effect.FIELDS, Effect.INDEXES, Effect.COLLECTIONS, Effect.ALIASES, Effect.DATABASES,
                             Effect.CONNECTIONS})


def _both(first: Callable[[str], None], second: Callable[[str], None]) -> Callable[[str], None]:
    def tap(text: str) -> None:
        first(text)
        second(text)
    return tap


def exit_code(result: Result) -> int | None:
    if isinstance(result, Exit):
        return result.code
    if isinstance(result, Group):
        for part in result.parts:
            code = exit_code(part)
            if code is not None:
                return code
    return None
