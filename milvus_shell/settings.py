"""Session settings: plain values the user can change while the shell runs.

Every setting is declared once, as a field of Settings made by ``setting(...)``: its default, value
kind, help and examples. From that one declaration come `set NAME VALUE` (one command per setting),
the config file's [settings] table, the command-line flags and `help set`. This module is read at
start-up, so it imports only the light command vocabulary (commands/vocabulary.py); converting a typed or
configured value needs kinds.py, imported when a value is converted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Callable

from .commands.vocabulary import FORMATS, Kind

if TYPE_CHECKING:
    from .commands.spec import Positional

MAX_HISTORY_SIZE = 10_000_000


@dataclass(frozen=True)
class SettingDef:
    """What a setting is; ``name`` and ``default`` come from its Settings field."""

    kind: Kind
    help: str
    value_help: str  # what the value is, in a few words (help, docs, flags)
    show: Callable[[Any], str] = str
    bounds: tuple[float, float] | None = None
    keywords: tuple[str, ...] = ()  # words taken as they are besides the kind's values
    choices: tuple[str, ...] = ()  # CHOICE: the words allowed
    toml: str = "string"  # the TOML type the config file must give: string, number, integer, boolean
    flag: bool = True  # also a command-line flag --NAME (with '-' for '_')
    examples: tuple[str, ...] = ()  # for `help set NAME`
    said: Callable[[Any], str] | None = None  # what `set` says after a change; default "NAME VALUE"
    name: str = ""
    default: Any = None

    @property
    def flag_name(self) -> str:
        return "--" + self.name.replace("_", "-")

    def param(self) -> Positional:
        from .commands.spec import Positional  # noqa: PLC0415 - built after the first paint

        return Positional("VALUE", self.kind, self.value_help, required=True, bounds=self.bounds,
                          keywords=self.keywords, choices=self.choices)

    def parse(self, text: str, what: str | None = None) -> Any:
        """A typed word (`set`, a flag) as the setting's value; kinds.KindError says what is wrong."""
        from .kinds import KindError, convert  # noqa: PLC0415 - not needed for the first prompt

        value = convert(self.param(), text, what or self.name)
        if self.name == "pager" and isinstance(value, str) and value.strip() == "":
            raise KindError("pager needs on, off or a command line")
        return value

    def from_toml(self, value: Any) -> Any:
        """A value read from the config file; kinds.KindError names the key and what it should be."""
        from .kinds import KindError  # noqa: PLC0415

        where = f"[settings] {self.name}"
        try:
            return self._from_toml(value, where)
        except KindError as exc:
            raise KindError(exc.message if where in exc.message else f"{where}: {exc.message}",
                            exc.hint) from None

    def _from_toml(self, value: Any, where: str) -> Any:
        from .kinds import KindError  # noqa: PLC0415

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
    """A TOML value named by its type, for an error (the value too, unless a list or table)."""
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({value!r})" if not isinstance(value, (list, dict)) else kind


def setting(default: Any, kind: Kind, help: str, value_help: str, **more: Any) -> Any:
    """A Settings field that is also a setting the user can change (see SettingDef)."""
    return field(default=default, metadata={"setting": SettingDef(kind, help, value_help, **more)})


def _on_off(value: bool) -> str:
    return "on" if value else "off"


@dataclass
class Settings:
    format: str = setting(
        "table", Kind.CHOICE, "Output format of commands that print rows (a command's own --format "
        "beats it)", "table, vertical, json or csv", choices=FORMATS,
        examples=("set format vertical", "set format json"), said=lambda v: f"output format: {v}")
    timeout: float = setting(
        10.0, Kind.NUMBER, "Seconds every server call may take", "seconds", show=lambda v: f"{v:g} s",
        toml="number", examples=("set timeout 30",))
    # on ($PAGER, else less -SRXFK), off (never page), or a command line
    pager: str = setting(
        "on", Kind.TEXT, "Send output taller than the screen through a pager: on ($PAGER, else "
        "less -SRXFK), off, or the pager's command line", "on, off or a command line",
        keywords=("on", "off"), toml="string+boolean", examples=("set pager off", "set pager 'less -SR'"))
    history_size: int = setting(
        100_000, Kind.INTEGER, "How many entries of the history file are loaded at start (takes "
        "effect at the next start)", "a whole number", bounds=(0, MAX_HISTORY_SIZE), toml="integer",
        examples=("set history_size 50000",), said=lambda v: f"history_size {v}: takes effect at the next start")
    color: bool = setting(
        True, Kind.SWITCH, "Colors in tables and messages (NO_COLOR and --no-color turn them off "
        "whatever this says)", "on or off", show=_on_off, toml="boolean", examples=("set color off",))
    prompt: str = setting(
        "", Kind.TEXT, "The prompt, a template with {alias}, {host} and {db}; empty for the built-in "
        "one", "a template, e.g. '{alias}@{host}/{db}> '", show=lambda v: v or "(built-in)",
        examples=("set prompt '{alias}@{host}/{db}> '",),
        said=lambda v: f"prompt {v!r}" if v else "prompt: the built-in one")
    digits: Any = setting(
        "off", Kind.INTEGER, "Round scores and other floats to this many decimals in table and vertical "
        "output (json and csv keep every digit); off shows them as the server gives them",
        "a whole number of decimals (0 to 15) or off", bounds=(0, 15), keywords=("off",), toml="integer",
        examples=("set digits 4", "set digits off"))
    timing: bool = setting(
        False, Kind.SWITCH, "Say how long each command took", "on or off", show=_on_off, toml="boolean",
        examples=("set timing on",))
    # Not settings: fixed by how the shell was started.
    debug: bool = False
    interactive: bool = False
    quiet: bool = False  # -q: scripts print data, warnings and errors only

    @property
    def rounding(self) -> int | None:
        """Decimals floats are rounded to in tables (the `digits` setting), None for as they are."""
        return None if self.digits == "off" else int(self.digits)

    @property
    def paging(self) -> bool:
        return self.pager != "off"

    @property
    def pager_command(self) -> str:
        """The pager's command line when one is set; "" means $PAGER, else the default."""
        return "" if self.pager in ("on", "off") else self.pager


SETTINGS: tuple[SettingDef, ...] = tuple(
    SettingDef(**{**vars(f.metadata["setting"]), "name": f.name, "default": f.default})
    for f in fields(Settings) if "setting" in f.metadata
)
BY_NAME: dict[str, SettingDef] = {s.name: s for s in SETTINGS}


def shown(settings: Settings, name: str) -> str:
    """A setting's value as `set` shows it (10 s, on, (built-in))."""
    return BY_NAME[name].show(getattr(settings, name))
