"""The state a handler may use, passed in explicitly (no globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from .settings import Settings

if TYPE_CHECKING:
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
