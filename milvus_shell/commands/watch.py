"""watch: re-run a read-only command every few seconds, redrawn in place, until Ctrl-C.

Only a command that changes nothing may be watched: one that declares what it changes, on the server
or in the shell (``changes``: insert, connect, set, ...), or what it destroys is refused, with the
reason. Each frame's header gives the time and, for count-like results (a count, a rows column or a
total line), the change since the previous run. The command is echoed masked (line.py), as everywhere.
"""

from __future__ import annotations

import re
import time
from typing import Any, Sequence

from ..context import ShellContext
from ..errors import ParseError, ShellError, UsageError
from ..results import Group, Message, Result, Table
from .spec import Command, Invocation, Kind, Option, Positional, describe_changes

DEFAULT_SECONDS = 2.0


def _seconds_or_command(bound: dict[str, Any]) -> dict[str, Any]:
    """``watch show load books``: a first word that is not a number starts the COMMAND."""
    first = bound.get("SECONDS")
    if first is not None:
        try:
            float(first.value)
        except ValueError:
            bound = {"COMMAND": [first, *(bound.get("COMMAND") or [])]}
    return bound


def watched(ctx: ShellContext, text: str) -> Invocation:
    """The command to watch, parsed; refused when it would change anything, on the server or in the shell."""
    line = ctx.lines.understand(text)
    try:
        invocations = line.invocations()
    except ParseError as exc:
        reason, hint = line.redact_at(message=exc.reason)[2], line.redact_at(message=exc.hint or "")[2]
        raise UsageError(f"in the command to watch: {reason}", hint or None) from None
    if len(invocations) != 1:
        raise UsageError("watch takes one command", "put the others on lines of their own")
    inv = invocations[0]
    command = inv.command
    if command.name == "watch":
        raise UsageError("watch cannot watch itself")
    if command.destroys is not None:
        raise UsageError(f"watch runs only commands that read: {command.name} destroys what it is given")
    if command.changes:
        raise UsageError(f"watch runs only commands that read: {command.name} {describe_changes(command.changes)}",
                         "running it again and again would change it again and again")
    return inv


def watch(ctx: ShellContext, inv: Invocation) -> Message:
    seconds = inv.arg("SECONDS") or DEFAULT_SECONDS
    times = inv.opt("times")
    text = inv.arg("COMMAND")
    inner = watched(ctx, text)
    shown = ctx.lines.mask(text)  # the command as echoed: secrets masked, like history and --echo
    if times is None and not ctx.settings.interactive:
        raise UsageError("in a script, watch needs --times N: nobody is there to stop it with Ctrl-C",
                         f"watch --times 3 {seconds:g} {shown}")
    fmt = inner.opt("format") or ctx.settings.format
    previous: tuple[str, float] | None = None
    run = 0
    while True:
        run += 1
        try:
            result: Result = inner.command.handler(ctx, inner)
        except ShellError as exc:
            if not ctx.settings.interactive:
                raise
            result = Message(f"error: {exc}", "warning")
        now = measure(result)
        ctx.show_frame(result, fmt, frame_header(shown, seconds, run, times, change(previous, now)))
        previous = now or previous
        if times is not None and run >= times:
            return Message(closing(shown, run))
        ctx.pause(seconds)


def frame_header(shown: str, seconds: float, run: int, times: int | None, changed: str) -> str:
    """The line above each frame; ``shown`` is the watched command already masked."""
    header = (f"every {seconds:g} s: {shown}    {time.strftime('%H:%M:%S')}    run {run}"
              f"{'' if times is None else f' of {times}'}{changed}")
    return header + ("    (Ctrl-C stops)" if times is None else "")


def closing(shown: str, runs: int) -> str:
    """The line watch ends with when its --times are done."""
    return f"watched {shown} {runs} time{'' if runs == 1 else 's'}"


def change(before: tuple[str, float] | None, now: tuple[str, float] | None) -> str:
    """'    rows 1200 (+200 since the last run)', or '' when the result is not count-like."""
    if now is None:
        return ""
    label, value = now
    shown = f"    {label} {_number(value)}"
    if before is None or before[0] != label:
        return shown
    delta = value - before[1]
    if delta == 0:
        return shown + " (no change)"
    return shown + f" ({'+' if delta > 0 else ''}{_number(delta)} since the last run)"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


_TOTAL_RE = re.compile(r"total: (\d+) rows")
_NUMBER_RE = re.compile(r"^~?(\d+(?:\.\d+)?)%?$")


def _value(cell: Any) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    m = _NUMBER_RE.match(str(cell).strip())
    return float(m.group(1)) if m else None


def measure(result: Result) -> tuple[str, float] | None:
    """The one number of a count-like result and what it counts: a count, a total line, a rows
    column (summed), indexed rows, a load progress."""
    if isinstance(result, Group):
        return next((m for m in map(measure, result.parts) if m is not None), None)
    if isinstance(result, Message):
        value = _value(result.text)
        return ("count", value) if value is not None else None
    if not isinstance(result, Table):
        return None
    m = _TOTAL_RE.search(result.footer or "")
    if m:
        return "rows", float(m.group(1))
    columns = [str(c).lower() for c in result.columns]
    if len(result.rows) == 1 and len(columns) == 1:
        value = _value(result.rows[0][0])
        return (columns[0], value) if value is not None else None
    for label in ("rows", "indexed rows"):
        if label in columns:
            total = _column_sum(result.rows, columns.index(label))
            if total is not None:
                return label, total
    if "progress" in columns and result.rows:  # show load: the collection's row comes first
        value = _value(result.rows[0][columns.index("progress")])
        return ("progress %", value) if value is not None else None
    return None


def _column_sum(rows: Sequence[Sequence[Any]], k: int) -> float | None:
    values = []
    for row in rows:
        cell = row[k]
        if isinstance(cell, str) and "/" in cell:  # indexed rows: "120/300"
            cell = cell.split("/")[0]
        value = _value(cell)
        if value is not None:
            values.append(value)
    return sum(values) if values else None


COMMANDS = (
    Command(
        name="watch",
        summary="Re-run a read-only command every few seconds, redrawn in place, until Ctrl-C",
        handler=watch,
        positionals=(
            Positional("SECONDS", Kind.NUMBER, f"seconds between runs (default {DEFAULT_SECONDS:g})",
                       bounds=(0.1, 86400)),
            Positional("COMMAND", Kind.TEXT, "the command to run, with its own arguments and options",
                       required=True, repeat=True),
        ),
        options=(Option("--times", "stop after N runs (a script must give it)", Kind.INTEGER, "N",
                        bounds=(1, 1_000_000)),),
        examples=("watch show segments books", "watch 5 count books", "watch 1 show load books",
                  "watch 10 --times 3 show index progress books"),
        details=("Options of watch come before the command; everything from the command on is its own "
                 "(watch 2 query books --limit 3). A command that changes the server or the shell (declares "
                 "what it changes, or destroys: insert, connect, set, ...) is refused; a password in the "
                 "command is shown masked. The header shows the time and, for counts, rows and "
                 "progress, the change since the previous run. Ctrl-C returns to the prompt; the "
                 "connection stays open. A failing run is shown and watching goes on (in a script it stops)."),
        rebind=_seconds_or_command,
        interrupt_ends="watch stopped",
        rest_is_command=True,
    ),
)
