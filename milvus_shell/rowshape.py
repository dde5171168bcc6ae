"""Rows of a collection shaped into tables: which columns and in what order (schema order, then
dynamic keys), float32 values marked, vectors known; for query, get and search alike. Pure."""

from __future__ import annotations

from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from .catalog import CollectionInfo
from .results import ABSENT, Float32, StreamTable, Table

if TYPE_CHECKING:
    from .session_api import RowBatches


def columns_of(info: CollectionInfo, rows: Iterable[dict[str, Any]], asked: Sequence[str] | None) -> list[str]:
    """Schema order for schema fields (or the order asked for), then dynamic keys as first seen."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    if not seen:  # no rows: still say which columns there would have been
        wanted = [n for n in (asked or ()) if n not in ("*", "$meta")] or list(info.field_names())
        pk = info.primary.name
        return ([pk] if pk not in wanted else []) + wanted
    if asked and "*" not in asked:
        pk = info.primary.name
        order = ([pk] if pk in seen and pk not in asked else []) + [n for n in asked if n in seen]
    else:
        order = [n for n in info.field_names() if n in seen]
    return order + [k for k in seen if k not in order]


def vector_columns(info: CollectionInfo, columns: Iterable[str]) -> frozenset[str]:
    return frozenset(c for c in columns if (f := info.field(c)) is not None and f.is_vector)


def float32_columns(info: CollectionInfo, columns: Iterable[str]) -> frozenset[str]:
    """Columns whose numbers the server holds as float32: Float fields and search distances."""
    return frozenset(c for c in columns if c == "distance" and info.field(c) is None
                     or (f := info.field(c)) is not None and f.kind == "FLOAT")


def row_values(columns: Sequence[str], row: dict[str, Any], float32: frozenset[str]) -> list[Any]:
    """A row's values in column order: ABSENT where the row lacks the key (a dynamic field other rows
    have), float32 values marked as such (tables show a float32's digits, a Double's in full)."""
    values = []
    for c in columns:
        v = row.get(c, ABSENT)
        values.append(Float32(v) if c in float32 and isinstance(v, float) else v)
    return values


def batch_values(columns: Sequence[str], rows: Sequence[dict[str, Any]], float32: frozenset[str]) -> list[Any]:
    """``row_values`` of every row of a batch; rows that hold every column (nearly always) are read by
    one C-level getter, and only float32 columns are looked at value by value."""
    if not columns:
        return [[] for _ in rows]
    getter = itemgetter(*columns)
    try:
        if len(columns) == 1:
            values = [[getter(r)] for r in rows]
        else:
            values = [list(getter(r)) for r in rows]
    except KeyError:  # some row lacks a column (a dynamic field): the slow way, row by row
        return [row_values(columns, r, float32) for r in rows]
    for i, c in enumerate(columns):
        if c in float32:
            for v in values:
                x = v[i]
                if isinstance(x, float):
                    v[i] = Float32(x)
    return values


def as_table(info: CollectionInfo, rows: list[dict[str, Any]], asked: Sequence[str] | None) -> Table:
    columns = columns_of(info, rows, asked)
    float32 = float32_columns(info, columns)
    return Table(columns, [row_values(columns, r, float32) for r in rows],
                 vector_columns=vector_columns(info, columns))


def hit_records(hits: Iterable[dict[str, Any]], pk: str, number: int | None = None) -> list[dict[str, Any]]:
    """Search hits ({"id", "distance", "entity"}) as rows: (the query's number), the primary key under
    its own name, the distance, then the entity's fields. Also how plot reads hits."""
    records = []
    for hit in hits:
        record: dict[str, Any] = {"query": number} if number is not None else {}
        record[pk] = hit["id"]
        record["distance"] = hit["distance"]
        record.update({k: v for k, v in hit["entity"].items() if k != pk})
        records.append(record)
    return records


def hits_table(info: CollectionInfo, results: Sequence[Sequence[dict[str, Any]]],
               fields: Sequence[str] | None, score: str = "distance") -> Table:
    """Search hits as rows: (the query's number, when there were several), the primary key, the
    distance (headed ``score`` on screen), then the fields, in the order of ``columns_of``."""
    pk = info.primary.name
    several = len(results) > 1
    records = []
    for number, hits in enumerate(results, 1):
        records += hit_records(hits, pk, number if several else None)
    lead = (["query"] if several else []) + [pk, "distance"]
    rest = [c for c in columns_of(info, records, fields) if c not in lead]
    columns = lead + rest
    float32 = float32_columns(info, columns)
    return Table(columns, [row_values(columns, r, float32) for r in records],
                 vector_columns=vector_columns(info, columns), labels={"distance": score})


def hits_stream(info: CollectionInfo, batches: "RowBatches", fields: Sequence[str] | None,
                score: str = "distance") -> StreamTable:
    """Batches of search hits as a StreamTable (``search --limit all``), columns as hits_table's."""
    pk = info.primary.name

    class Records:
        batch_size = 0

        def __iter__(self) -> Iterator[list[dict[str, Any]]]:
            for hits in batches:
                yield hit_records(hits, pk)

        def close(self) -> None:
            batches.close()

    stream = stream_table(info, Records(), fields, lead=(pk, "distance"))
    return StreamTable(stream.columns, stream.batches, stream.vector_columns, stream.close, stream.note,
                       labels={"distance": score})


def stream_table(info: CollectionInfo, batches: "RowBatches", asked: Sequence[str] | None,
                 lead: Sequence[str] = ()) -> StreamTable:
    """A StreamTable whose columns come from the first batch (fetched now, so errors show at once);
    ``lead`` columns first."""
    iterator = iter(batches)
    try:
        head: list[dict[str, Any]] = next(iterator, [])
    except BaseException:
        batches.close()
        raise
    columns = columns_of(info, head, asked)
    if lead:
        columns = list(lead) + [c for c in columns if c not in lead]
    first: list[dict[str, Any]] | None = head
    known = set(columns)
    float32 = float32_columns(info, columns)
    unseen: dict[str, None] = {}

    def rows() -> Iterator[list[list[Any]]]:
        nonlocal first
        for batch in chain([first], iterator):
            first = None  # held by nothing once written: one batch in memory at a time
            for row in batch:
                if not known.issuperset(row):
                    unseen.update(dict.fromkeys(k for k in row if k not in known))
            values = batch_values(columns, batch, float32)
            del batch
            yield values
            del values

    def note() -> str:
        if not unseen:
            return ""
        return ("some rows have dynamic fields not in the columns: " + ", ".join(unseen)
                + " (name them with --fields)")

    return StreamTable(columns, rows(), vector_columns(info, columns), close=batches.close, note=note)
