"""The state a handler may use, passed in explicitly (no globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from .settings import Settings

if TYPE_CHECKING:
    from .history import ShellHistory
    from .metadata import MetadataCache
    from .recording import Recorder
    from .registry import ConnectionRegistry
    from .session_api import ServerSession
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


@dataclass
class ShellContext:
    registry: "ConnectionRegistry"
    settings: Settings
    table: "CommandTable"
    # Asks for a secret without echo; None when there is no terminal to ask on.
    ask_secret: Callable[[str], str] | None = None
    # Asks before a destructive command; None when there is no one to ask (scripts: --yes or refused).
    confirm: Callable[[Confirmation], bool] | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    # Server names for completion, filled in the background (metadata.py); built from the registry.
    metadata: "MetadataCache | None" = None
    # Shows a one-line progress report (a long load); the shell points it at its renderer.
    progress: Callable[[str], None] = lambda text: None
    # The interactive session's history (repl.py), for `history` to show what it holds; None in scripts.
    history: "ShellHistory | None" = None
    # `record FILE`: where the session is being written down (recording.py); None when not recording.
    recorder: "Recorder | None" = None

    def __post_init__(self) -> None:
        if self.metadata is None:
            from .metadata import MetadataCache  # noqa: PLC0415 - metadata imports the command spec

            self.metadata = MetadataCache(self.registry)

    def session(self, alias: str | None = None) -> "ServerSession":
        """The live session of ``alias`` (default: the active one), or a UsageError saying why not."""
        return self.registry.session(alias)[1]

    def active(self) -> tuple[str, "ServerSession"]:
        """The active alias and its live session."""
        return self.registry.session()
