"""Every setting, declared once: name, value kind, help. This table drives `set NAME VALUE` (one
command per setting), the config file's [settings] table, the command-line flags and `help set`.
The defaults are the Settings dataclass's (milvus_shell/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .commands.spec import Kind, Positional
from .kinds import KindError, convert
from .settings import FORMATS, Settings

MAX_HISTORY_SIZE = 10_000_000


@dataclass(frozen=True)
class SettingDef:
    name: str
    kind: Kind
    help: str
    value_help: str  # what the value is, in a few words (help, docs, flags)
    show: Callable[[Any], str] = str
    bounds: tuple[float, float] | None = None
    keywords: tuple[str, ...] = ()  # words taken as they are besides the kind's values
    toml: str = "string"  # the TOML type the config file must give: string, number, integer, boolean
    flag: bool = True  # also a command-line flag --NAME (with '-' for '_')

    @property
    def default(self) -> Any:
        return getattr(Settings(), self.name)

    @property
    def flag_name(self) -> str:
        return "--" + self.name.replace("_", "-")

    def param(self) -> Positional:
        return Positional("VALUE", self.kind, self.value_help, required=True, bounds=self.bounds,
                          keywords=self.keywords)

    def parse(self, text: str, what: str | None = None) -> Any:
        """A typed word (`set`, a flag) as the setting's value; KindError says what is wrong."""
        value = convert(self.param(), text, what or self.name)
        if self.name == "pager" and isinstance(value, str) and value.strip() == "":
            raise KindError("pager needs on, off or a command line")
        return value

    def from_toml(self, value: Any) -> Any:
        """A value read from the config file; KindError names the key and what it should be."""
        try:
            return self._from_toml(value)
        except KindError as exc:
            where = f"[settings] {self.name}"
            raise KindError(exc.message if where in exc.message else f"{where}: {exc.message}") from None

    def _from_toml(self, value: Any) -> Any:
        where = f"[settings] {self.name}"
        if self.toml == "boolean":
            if not isinstance(value, bool):
                raise KindError(f"{where} must be true or false, not {_shown(value)}")
            return value
        if self.toml == "string+boolean" and isinstance(value, bool):
            return "on" if value else "off"
        if self.toml in ("number", "integer"):
            is_int = isinstance(value, int) and not isinstance(value, bool)
            if not (is_int or (self.toml == "number" and isinstance(value, float))):
                kind = "a whole number" if self.toml == "integer" else "a number of seconds"
                raise KindError(f"{where} must be {kind}, not {_shown(value)}")
            return self.parse(str(value), where)
        if not isinstance(value, str):
            raise KindError(f"{where} must be a string ({self.value_help}), not {_shown(value)}")
        return self.parse(value, where)


def _shown(value: Any) -> str:
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({value!r})" if not isinstance(value, (list, dict)) else kind


def _on_off(value: bool) -> str:
    return "on" if value else "off"


SETTINGS: tuple[SettingDef, ...] = (
    SettingDef("format", Kind.FORMAT, "Output format of commands that print rows (a command's own "
               "--format beats it)", "table, vertical, json or csv"),
    SettingDef("timeout", Kind.NUMBER, "Seconds every server call may take", "seconds",
               show=lambda v: f"{v:g} s", toml="number"),
    SettingDef("pager", Kind.TEXT, "Send output taller than the screen through a pager: on ($PAGER, "
               "else less -SRXFK), off, or the pager's command line", "on, off or a command line",
               keywords=("on", "off"), toml="string+boolean"),
    SettingDef("history_size", Kind.INTEGER, "How many entries of the history file are loaded at start "
               "(takes effect at the next start)", "a whole number", bounds=(0, MAX_HISTORY_SIZE),
               toml="integer"),
    SettingDef("color", Kind.SWITCH, "Colors in tables and messages (NO_COLOR and --no-color turn "
               "them off whatever this says)", "on or off", show=_on_off, toml="boolean"),
    SettingDef("prompt", Kind.TEXT, "The prompt, a template with {alias}, {host} and {db}; empty "
               "for the built-in one", "a template, e.g. '{alias}@{host}/{db}> '",
               show=lambda v: v or "(built-in)", toml="string"),
    SettingDef("timing", Kind.SWITCH, "Say how long each command took", "on or off", show=_on_off,
               toml="boolean"),
)

BY_NAME = {s.name: s for s in SETTINGS}


def shown(settings: Settings, name: str) -> str:
    spec = BY_NAME[name]
    return spec.show(getattr(settings, name))
