"""The state a handler may use, passed in explicitly (no globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from .settings import Settings

if TYPE_CHECKING:
    from .history import ShellHistory
    from .metadata import MetadataCache
    from .parser import CommandTable
    from .registry import ConnectionRegistry


@dataclass
class ShellContext:
    registry: "ConnectionRegistry"
    settings: Settings
    table: "CommandTable"
    # Asks for a secret without echo; None when there is no terminal to ask on.
    ask_secret: Callable[[str], str] | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    # Server names for completion, filled in the background (metadata.py); built from the registry.
    metadata: "MetadataCache | None" = None
    # Shows a one-line progress report (a long load); the shell points it at its renderer.
    progress: Callable[[str], None] = lambda text: None
    # The interactive session's history (repl.py), for `history` to show what it holds; None in scripts.
    history: "ShellHistory | None" = None

    def __post_init__(self) -> None:
        if self.metadata is None:
            from .metadata import MetadataCache  # noqa: PLC0415 - metadata imports the command spec

            self.metadata = MetadataCache(self.registry)
