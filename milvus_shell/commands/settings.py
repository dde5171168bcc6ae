"""set: show the session's settings, or change one (`set NAME VALUE`, one command per setting
declared in milvus_shell/settings.py)."""

from __future__ import annotations

from ..context import ShellContext
from ..results import Message, Table
from ..settings import BY_NAME, SETTINGS, SettingDef, shown
from .spec import FORMAT_OPTION, Command, Effect, Invocation


def show_settings(ctx: ShellContext, inv: Invocation) -> Table:
    return Table(["setting", "value"], [[s.name, shown(ctx.settings, s.name)] for s in SETTINGS])


def set_value(ctx: ShellContext, inv: Invocation) -> Message:
    spec = BY_NAME[inv.command.words[1]]
    value = inv.arg("VALUE")
    setattr(ctx.settings, spec.name, value)
    if spec.name == "timeout":
        ctx.registry.timeout = value
    if spec.name == "color":
        ctx.settings.color = value and "NO_COLOR" not in ctx.environ
    return Message(spec.said(value) if spec.said else f"{spec.name} {shown(ctx.settings, spec.name)}")


def _set_command(spec: SettingDef) -> Command:
    return Command(
        name=f"set {spec.name}",
        changes=frozenset({Effect.SETTINGS}),
        summary=spec.help,
        handler=set_value,
        positionals=(spec.param(),),
        examples=spec.examples,
        details=f"In the config file: [settings] {spec.name}; at start: {spec.flag_name}."
        if spec.flag else f"In the config file: [settings] {spec.name}.",
    )


def _settings_list() -> str:
    return "Settings: " + "; ".join(f"{s.name} ({s.value_help}, default {s.show(s.default)!s})"
                                    for s in SETTINGS) + ". "


COMMANDS = (
    Command(
        name="set",
        summary="Show the session's settings; set NAME VALUE changes one",
        handler=show_settings,
        options=(FORMAT_OPTION,),
        examples=("set", "set timeout 30"),
        details=_settings_list() + "The config file's [settings] table gives them at start (see "
        "docs/config.md); flags on the command line beat the file.",
    ),
    *(_set_command(s) for s in SETTINGS),
)

assert set(BY_NAME) == {c.name.split()[1] for c in COMMANDS[1:]}
