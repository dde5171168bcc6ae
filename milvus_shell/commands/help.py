"""help, exit, quit."""

from __future__ import annotations

from ..context import ShellContext
from ..errors import UsageError
from ..results import Exit, Group, Message, Table
from .spec import FORMAT_OPTION, Command, Invocation, Kind, Positional


def command_help_text(cmd: Command) -> str:
    """The full help of one command, as `help COMMAND` prints it."""
    lines = [f"usage: {cmd.syntax()}", "", cmd.summary + "."]
    if cmd.details:
        lines += ["", cmd.details]
    if cmd.safety():
        lines += ["", cmd.safety()[0].upper() + cmd.safety()[1:] + "."]
    if cmd.positionals:
        lines += ["", "arguments:"]
        width = max(len(p.name) for p in cmd.positionals)
        lines += [f"  {p.name:<{width}}  {p.help}" for p in cmd.positionals]
    if cmd.options:
        lines += ["", "options:"]
        shown = [(o.syntax()[1:-1], o.help) for o in cmd.options]
        width = max(len(s) for s, _ in shown)
        lines += [f"  {s:<{width}}  {h}" for s, h in shown]
    if cmd.examples:
        lines += ["", "examples:"] + [f"  {e}" for e in cmd.examples]
    return "\n".join(lines)


def help_(ctx: ShellContext, inv: Invocation) -> Message | Group:
    words = inv.arg("COMMAND") or []
    if words:
        name = " ".join(words).lower()
        cmd = ctx.table.get(name)
        if cmd is None:
            matches = ctx.table.under(words)
            if not matches:
                raise UsageError(f"no command {name!r}", "help lists them all")
            return Message("\n\n".join(command_help_text(c) for c in matches), data=True)
        return Message(command_help_text(cmd), data=True)
    rows = [[c.name, c.summary] for c in ctx.table.commands]
    return Group(
        (
            Table(["command", "what it does"], rows),
            Message("help COMMAND shows its options and examples. Separate commands with ';'."),
        )
    )


def exit_(ctx: ShellContext, inv: Invocation) -> Exit:
    return Exit(0)


COMMANDS = (
    Command(
        name="help",
        summary="List the commands, or show one command's options and examples",
        handler=help_,
        positionals=(Positional("COMMAND", Kind.COMMAND, "a command name", repeat=True),),
        options=(FORMAT_OPTION,),
        examples=("help", "help connect"),
    ),
    Command(name="exit", summary="Close every connection and leave the shell", handler=exit_, examples=("exit",)),
    Command(name="quit", summary="Same as exit", handler=exit_, examples=("quit",)),
)
