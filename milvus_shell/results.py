"""What handlers return. Handlers never print: the renderer in output.py turns these into text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence, Union


@dataclass(frozen=True)
class Message:
    """A line or a few of plain text. ``level`` is info or warning."""

    text: str
    level: str = "info"


@dataclass(frozen=True)
class Table:
    """Rows under named columns. ``active_row`` is the index of a row to mark (the active alias)."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    title: str = ""
    footer: str = ""
    active_row: int | None = None


@dataclass(frozen=True)
class Exit:
    """Ask the shell to end, after closing every connection."""

    code: int = 0


@dataclass(frozen=True)
class Group:
    """Several results in order (a table followed by a note, say)."""

    parts: Sequence["Result"] = field(default_factory=tuple)


Result = Union[Message, Table, Exit, Group, None]
