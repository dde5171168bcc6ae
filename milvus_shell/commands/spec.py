"""The vocabulary of the command table: commands, their parameters, what they change and destroy.

A command is declared once; the binder, parser, help, completion, highlighting, the toolbar and
docs/commands.md all read the declaration. How a parameter's words are checked, converted, colored
and completed is decided by its Kind (see milvus_shell/kinds.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence, Union

from .vocabulary import FORMATS as FORMATS  # the vocabulary is read from here too
from .vocabulary import Kind as Kind

if TYPE_CHECKING:
    from ..context import ShellContext
    from ..results import Result


class Effect(enum.Enum):
    """What a command changes, on the server (the shell refreshes that part of its name cache) or in
    the shell itself. A command that declares none only reads: `watch` runs no other."""

    DATABASES = "databases"
    COLLECTIONS = "collections"
    ALIASES = "aliases"
    FIELDS = "fields"  # of the command's COLLECTION
    INDEXES = "indexes"  # of the command's COLLECTION
    PARTITIONS = "partitions"  # of the command's COLLECTION
    USERS = "users"
    ROLES = "roles"
    # Not cached, so nothing to refresh; declared so `watch` knows the command is not read-only.
    SEGMENTS = "segments"  # flush, compact
    LOADED = "loaded collections"  # load, release
    ROWS = "rows"  # insert, upsert, delete
    # In the shell, not on the server.
    CONNECTIONS = "connections"  # connect, disconnect, use, use database: the connection registry
    PROFILES = "profiles"  # save, forget: the config file
    SETTINGS = "settings"  # set NAME VALUE
    RECORDING = "recording"  # record

    @property
    def in_shell(self) -> bool:
        return self in _SHELL_EFFECTS


_SHELL_EFFECTS = frozenset({Effect.CONNECTIONS, Effect.PROFILES, Effect.SETTINGS, Effect.RECORDING})


def describe_changes(changes: frozenset[Effect]) -> str:
    """"changes the server's rows", "changes the shell's connections", or both joined by "and"."""
    server = [e.value for e in Effect if e in changes and not e.in_shell]
    shell = [e.value for e in Effect if e in changes and e.in_shell]
    parts = [f"the {whose} {', '.join(names)}" for whose, names in (("server's", server), ("shell's", shell)) if names]
    return "changes " + " and ".join(parts) if parts else ""


Accepts = Literal["known", "live", "new"]


@dataclass(frozen=True)
class Positional:
    name: str
    kind: Kind
    help: str
    required: bool = False
    repeat: bool = False
    # Which values fit, for completion and highlighting: "known" (existing names), "live" (connected
    # aliases only) or "new" (any name: the command creates it).
    accepts: Accepts = "known"
    choices: tuple[str, ...] = ()  # CHOICE: the words allowed
    bounds: tuple[float, float] | None = None  # INTEGER / NUMBER: smallest and largest allowed
    keywords: tuple[str, ...] = ()  # words taken as they are besides the kind's values

    @property
    def key(self) -> str:
        return self.name

    def syntax(self) -> str:
        meta = self.name + (" ..." if self.repeat else "")
        return meta if self.required else f"[{meta}]"


@dataclass(frozen=True)
class Option:
    """``--name VALUE``; a flag when ``kind`` is None; ``value_optional`` as for ``--password``."""

    name: str
    help: str
    kind: Kind | None = None
    metavar: str = ""
    value_optional: bool = False
    choices: tuple[str, ...] = ()
    repeat: bool = False
    bounds: tuple[float, float] | None = None
    keywords: tuple[str, ...] = ()  # words taken as they are besides the kind's values (--limit all)

    @property
    def is_flag(self) -> bool:
        return self.kind is None

    @property
    def key(self) -> str:
        return self.name.lstrip("-").replace("-", "_")

    def value_meta(self) -> str:
        if self.choices:
            return "|".join(self.choices)
        return self.metavar or (self.kind.value.upper() if self.kind else "")

    def syntax(self) -> str:
        if self.is_flag:
            return f"[{self.name}]"
        meta = self.value_meta()
        return f"[{self.name} [{meta}]]" if self.value_optional else f"[{self.name} {meta}]"


# A positional or an option: both have name, kind, key, choices, bounds, keywords and repeat.
Param = Union[Positional, Option]


Handler = Callable[["ShellContext", "Invocation"], "Result"]
# The sentence that names what a destructive command will lose ("drop collection books and its 3,000
# rows"); it may ask the server (how many rows match), so it runs where the handler runs.
Destroys = Callable[["ShellContext", "Invocation"], str]

# Every destructive command takes --yes: scripts cannot answer a question.
YES_OPTION = Option("--yes", "do it without asking (scripts must say so: they cannot be asked)")


@dataclass(frozen=True)
class Command:
    """One entry of the command table. ``name`` may be several words (``show databases``)."""

    name: str
    summary: str
    handler: Handler
    positionals: tuple[Positional, ...] = ()
    options: tuple[Option, ...] = ()
    examples: tuple[str, ...] = ()
    details: str = ""
    # Rearranges bound positionals (name -> token) before validation (connect's lone ADDRESS rule).
    rebind: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Looks at the positional words before they are bound: a ParseError that explains better than
    # the binder would (connect answers Python's keyword form with the shell's own), or None.
    precheck: Callable[[Sequence[Any]], Any] | None = None
    changes: frozenset[Effect] = frozenset()
    destroys: Destroys | None = None
    # The positional whose value must be typed back to confirm (dropping a collection or database).
    confirm_by_typing: str | None = None
    # Runs until Ctrl-C (watch): the interrupt ends it normally, and the shell says this instead of
    # "cancelled".
    interrupt_ends: str = ""
    # Everything from the first positional that is not a number on is positional (watch's COMMAND),
    # so the options of the command given there are not taken as this one's.
    rest_is_command: bool = False
    words: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.name.split()))
        if self.destroys is not None and self.option("--yes") is None:
            object.__setattr__(self, "options", self.options + (YES_OPTION,))

    def option(self, name: str) -> Option | None:
        for opt in self.options:
            if opt.name == name:
                return opt
        return None

    def syntax_parts(self) -> list[tuple[Param | None, str]]:
        """The syntax cut into (parameter or None for the name, text), so one part can be marked."""
        parts: list[tuple[Param | None, str]] = [(None, self.name)]
        parts += [(pos, pos.syntax()) for pos in self.positionals]
        parts += [(opt, opt.syntax()) for opt in self.options]
        return parts

    def syntax(self) -> str:
        return " ".join(text for _, text in self.syntax_parts())

    def safety(self) -> str:
        """What the command changes and whether it asks first, in words (help and docs/commands.md)."""
        parts = []
        if self.changes:
            parts.append(describe_changes(self.changes))
        if self.destroys is not None:
            typed = f", and wants the {self.confirm_by_typing} typed back" if self.confirm_by_typing else ""
            parts.append(f"destructive: asks first, naming what will be lost and where{typed}; "
                         "a script must add --yes")
        return "; ".join(parts)


@dataclass(frozen=True)
class Invocation:
    """A parsed command: the spec plus its bound, converted values.

    ``spans`` gives, for each positional name and option key, where its words lie in ``text``; a
    repeated TEXT positional (a FILTER) is already the text as typed.
    """

    command: Command
    args: Mapping[str, Any]
    options: Mapping[str, Any]
    text: str
    spans: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    def opt(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def arg(self, key: str, default: Any = None) -> Any:
        return self.args.get(key, default)


# Every command that returns rows takes --format; it beats `set format` for that one command.
FORMAT_OPTION = Option("--format", "output format for this command", Kind.CHOICE, "FORMAT", choices=FORMATS)
