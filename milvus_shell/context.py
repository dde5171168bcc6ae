"""The state a handler may use, passed in explicitly (no globals)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from .schema_cache import SchemaCache
from .settings import Settings

if TYPE_CHECKING:
    from .config import Config
    from .history import ShellHistory
    from .metadata import MetadataCache
    from .results import Result
    from .recording import Recorder
    from .registry import ConnectionRegistry
    from .session_api import ServerSession
    from .line import LineModel
    from .table import CommandTable


@dataclass(frozen=True)
class Confirmation:
    """What the shell asks before a destructive command: what will be lost, and where.

    ``typed`` is a name the person must type back (dropping a collection or a database); otherwise
    a yes is enough."""

    loss: str
    alias: str
    address: str
    typed: str | None = None

    def statement(self) -> str:
        """"This will drop collection books and its 20 rows on default (localhost:19530)."."""
        where = f" on {self.alias} ({self.address})" if self.alias else ""
        return f"This will {self.loss}{where}."

    def question(self) -> str:
        if self.typed is not None:
            return f"Type {self.typed!r} to confirm, anything else to keep it: "
        return "Go ahead? [y/N] "

    def answered(self, yes: bool) -> str:
        """The dialogue as a transcript shows it, with the answer that gives ``yes``."""
        answer = (self.typed if yes else "") if self.typed is not None else ("y" if yes else "n")
        return f"{self.statement()}\n{self.question()}{answer}\n"

    def answer_means_yes(self, answer: str) -> bool:
        if self.typed is not None:
            return answer.strip() == self.typed
        return answer.strip().lower() in ("y", "yes")


@dataclass
class ShellContext:
    registry: "ConnectionRegistry"
    settings: Settings
    # Makes the command table on first use (``table``): importing every command module is left until
    # a line is read or the prompt is equipped, after the first prompt is on screen.
    make_table: Callable[[], "CommandTable"]
    # Asks for a secret without echo; None when there is no terminal to ask on.
    ask_secret: Callable[[str], str] | None = None
    # Asks before a destructive command; None when there is no one to ask (scripts: --yes or refused).
    confirm: Callable[[Confirmation], bool] | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    # Server names for completion, filled in the background (metadata.py); built from the registry.
    metadata: "MetadataCache" = field(init=False)
    # Shows a one-line progress report (a long load); the shell points it at its renderer.
    progress: Callable[[str], None] = lambda text: None
    # Draws one frame of a command that redraws in place (watch): the result, its format, a header line.
    show_frame: Callable[["Result", str, str], None] = lambda result, fmt, header: None
    # Waits between two runs of a repeating command (watch); on the main thread, so Ctrl-C ends it.
    pause: Callable[[float], None] = time.sleep
    # The interactive session's history (repl.py), for `history` to show what it holds; None in scripts.
    history: "ShellHistory | None" = None
    # While a command runs: what it would say if Ctrl-C stopped it ("40,000 rows went into books").
    # The handler sets it; the shell asks it (on the main thread) when it reports "cancelled".
    cancel_note: Callable[[], str] | None = None
    # The config file as read at start (profiles, settings); `save` and `forget` replace it.
    config: "Config | None" = None
    # `record FILE`: where the session is being written down (recording.py); None when not recording.
    recorder: "Recorder | None" = None
    # The line model (line.py): every reader of a line (parser, history, echoes, watch, the prompt)
    # asks it, so a line is bound once. Made on first use when the composition root gives none.
    line_model: "LineModel | None" = None

    # Each collection's schema and indexes, kept briefly per session so a search is one round trip;
    # shell.py forgets them after a command that declares it changes them.
    schemas: SchemaCache = field(default_factory=SchemaCache)

    _table: "CommandTable | None" = field(default=None, init=False, repr=False)

    @property
    def lines(self) -> "LineModel":
        if self.line_model is None:
            from .line import LineModel  # noqa: PLC0415

            self.line_model = LineModel(lambda: self.table)
        return self.line_model

    @property
    def table(self) -> "CommandTable":
        if self._table is None:
            self._table = self.make_table()
        return self._table

    def __post_init__(self) -> None:
        from .metadata import MetadataCache  # noqa: PLC0415 - metadata imports the command spec

        self.metadata = MetadataCache(self.registry)

    def session(self, alias: str | None = None) -> "ServerSession":
        """The live session of ``alias`` (default: the active one), or a UsageError saying why not."""
        return self.registry.session(alias)[1]

    def active(self) -> tuple[str, "ServerSession"]:
        """The active alias and its live session."""
        return self.registry.session()
