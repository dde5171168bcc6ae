"""The vocabulary of the command table: what a command, an argument and an option are."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..settings import FORMATS

if TYPE_CHECKING:
    from ..context import ShellContext
    from ..results import Result


class Kind(enum.Enum):
    """What sort of value a word is: drives validation, completion and highlighting."""

    WORD = "word"
    ALIAS = "alias"
    ADDRESS = "address"
    PATH = "path"
    NUMBER = "number"
    SECRET = "secret"
    COMMAND = "command"
    CHOICE = "choice"
    TEXT = "text"
    # Names on the server, completed from the metadata cache (milvus_shell/metadata.py).
    DATABASE = "database"
    COLLECTION = "collection"
    FIELD = "field"  # also a comma-separated list of fields (--fields a,b)
    PARTITION = "partition"
    INDEX = "index"
    # Fixed vocabularies for positionals (options use CHOICE with choices).
    FORMAT = "format"  # table, vertical, json, csv
    SWITCH = "switch"  # on, off


@dataclass(frozen=True)
class Positional:
    name: str
    kind: Kind
    help: str
    required: bool = False
    repeat: bool = False
    # Which values fit, for completion and highlighting: "known" (existing names), "live" (connected
    # aliases only) or "new" (any name: the command creates it).
    accepts: str = "known"


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

    @property
    def is_flag(self) -> bool:
        return self.kind is None

    @property
    def key(self) -> str:
        return self.name.lstrip("-").replace("-", "_")

    def syntax(self) -> str:
        if self.is_flag:
            return f"[{self.name}]"
        meta = self.metavar or self.kind.value.upper()
        if self.choices:
            meta = "|".join(self.choices)
        return f"[{self.name} [{meta}]]" if self.value_optional else f"[{self.name} {meta}]"


Handler = Callable[["ShellContext", "Invocation"], "Result"]


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
    # Rearranges bound positionals before validation (connect's lone ADDRESS rule).
    rebind: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def option(self, name: str) -> Option | None:
        for opt in self.options:
            if opt.name == name:
                return opt
        return None

    def syntax(self) -> str:
        parts = [self.name]
        for pos in self.positionals:
            meta = pos.name + (" ..." if pos.repeat else "")
            parts.append(meta if pos.required else f"[{meta}]")
        parts.extend(opt.syntax() for opt in self.options)
        return " ".join(parts)


@dataclass(frozen=True)
class Invocation:
    """A parsed command: the spec plus its bound values."""

    command: Command
    args: Mapping[str, Any]
    options: Mapping[str, Any]
    text: str

    def opt(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def arg(self, key: str, default: Any = None) -> Any:
        return self.args.get(key, default)



# Every command that returns rows takes --format; it beats `set format` for that one command.
FORMAT_OPTION = Option("--format", "output format for this command", Kind.CHOICE, "FORMAT", choices=FORMATS)
