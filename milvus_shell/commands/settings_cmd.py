"""set: show or change the session's settings (output format, timing, pager)."""

from __future__ import annotations

from ..context import ShellContext
from ..results import Message, Table
from .spec import FORMAT_OPTION, Command, Invocation, Kind, Positional

def show_settings(ctx: ShellContext, inv: Invocation) -> Table:
    s = ctx.settings
    return Table(["setting", "value"], [
        ["format", s.format],
        ["timing", "on" if s.timing else "off"],
        ["pager", "on" if s.pager else "off"],
        ["timeout", f"{s.timeout:g} s"],
    ])


def set_format(ctx: ShellContext, inv: Invocation) -> Message:
    fmt = inv.arg("FORMAT")
    ctx.settings.format = fmt
    return Message(f"output format: {fmt}")


def set_timing(ctx: ShellContext, inv: Invocation) -> Message:
    ctx.settings.timing = inv.arg("VALUE")
    return Message(f"timing {'on' if ctx.settings.timing else 'off'}")


def set_pager(ctx: ShellContext, inv: Invocation) -> Message:
    ctx.settings.pager = inv.arg("VALUE")
    return Message(f"pager {'on' if ctx.settings.pager else 'off'}")


_SWITCH = Positional("VALUE", Kind.SWITCH, "on or off", required=True)

COMMANDS = (
    Command(
        name="set",
        summary="Show the session's settings",
        handler=show_settings,
        options=(FORMAT_OPTION,),
        examples=("set",),
    ),
    Command(
        name="set format",
        summary="Output format for the rest of the session: table, vertical, json or csv",
        handler=set_format,
        positionals=(Positional("FORMAT", Kind.FORMAT, "table, vertical, json or csv", required=True),),
        examples=("set format vertical", "set format json"),
        details="A command's own --format beats it for that command.",
    ),
    Command(
        name="set timing",
        summary="Say how long each command took (on) or not (off)",
        handler=set_timing,
        positionals=(_SWITCH,),
        examples=("set timing on",),
    ),
    Command(
        name="set pager",
        summary="Send output taller than the screen through a pager (on, the default) or not (off)",
        handler=set_pager,
        positionals=(_SWITCH,),
        examples=("set pager off",),
        details="The pager is $PAGER, else less -SRXFK; it is only used in the interactive shell.",
    ),
)
