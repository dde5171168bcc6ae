"""What handlers return. Handlers never print: the renderer in output.py turns these into text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence, Union


class _Absent:
    """A row's value for a column the row does not have (a dynamic key other rows have): shown
    empty in tables and csv, left out of the row's json object (unlike None, a null value)."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT = _Absent()


class Float32(float):
    """A value the server holds as a float32 (a Float field, a distance): tables show the digits a
    float32 has (0.01, not 0.010000001639127731); json and csv keep every digit of the float."""


@dataclass(frozen=True)
class Message:
    """A line or a few of plain text. ``level`` is info or warning.

    A message is a status report (connected, loaded, a note) unless ``data`` says it is what the
    command was asked for (help text): in scripts, status goes to stderr so stdout holds data only.
    """

    text: str
    level: str = "info"
    data: bool = False


@dataclass(frozen=True)
class Table:
    """Rows under named columns. ``active_row`` is the index of a row to mark (the active alias)."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    title: str = ""
    footer: str = ""
    active_row: int | None = None
    # Columns holding vectors: shortened in table and vertical output, whole in json and csv.
    vector_columns: frozenset[str] = frozenset()
    # Headers table and vertical output show instead of a column's name (json and csv keep the name):
    # a search's "distance" is "similarity (COSINE)" on screen.
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamTable:
    """Rows that arrive in batches (``query --limit all``): rendered as they come, never all kept.

    ``batches`` yields lists of rows; ``close`` releases the server-side cursor whatever happens;
    ``note`` is asked after the last batch for a closing remark (fields not shown, say), or "".
    """

    columns: Sequence[str]
    batches: Iterator[Sequence[Sequence[Any]]]
    vector_columns: frozenset[str] = frozenset()
    close: Callable[[], None] = lambda: None
    note: Callable[[], str] = lambda: ""
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """Facts about one thing, then titled tables (``describe``, ``server``).

    json gives ``json`` when set, else one object (facts, then each section as an array of row
    objects); csv gives the
    facts as property,value rows, or the first section when there are sections (describe: fields).
    """

    facts: Sequence[tuple[str, Any]]
    sections: Sequence[tuple[str, Table]] = ()
    # When set, json output is this object as it is (describe: the schema document, docs/schema.md).
    json: Any = None


@dataclass(frozen=True)
class Picture:
    """A drawing (``plot``): ``draw(width, height, color)`` gives its text, made when it is shown so it
    fits the terminal and its colors; it is the data (stdout). ``notes`` (how many rows, how much of
    the variance a projection kept) are status, said before it (stderr)."""

    draw: Callable[[int, int, bool], str]
    notes: Sequence[str] = ()


@dataclass(frozen=True)
class Exit:
    """Ask the shell to end, after closing every connection."""

    code: int = 0


@dataclass(frozen=True)
class Group:
    """Several results in order (a table followed by a note, say)."""

    parts: Sequence["Result"] = field(default_factory=tuple)


Result = Union[Message, Table, StreamTable, Document, Picture, Exit, Group, None]
