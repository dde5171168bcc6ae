"""Reading data: count, query, get, search."""

from __future__ import annotations

import json
from operator import itemgetter
from typing import Any, Iterable, Iterator, Sequence

from ..bounds import MAX_ROWS, MAX_TOPK
from ..catalog import MAX_QUERY_WINDOW, CollectionInfo, FieldInfo
from ..context import ShellContext
from ..errors import UsageError
from ..expr import one_of
from ..results import ABSENT, Float32, Group, Message, StreamTable, Table
from ..session_api import ServerSession
from .spec import FORMAT_OPTION, Command, Invocation, Kind, Option, Positional

DEFAULT_QUERY_LIMIT = 100
DEFAULT_SEARCH_LIMIT = 10
# --limit all reads through a query iterator, one server reply per batch. Bigger batches are much
# faster (each is one round trip; Milvus Lite scans the collection per call) but a batch is in memory
# at once and is one reply, which Milvus refuses over 256 MB. So batches are sized in bytes:
# - STREAM_BATCH_BYTES: the rows of one batch, as Python objects, aimed at (memory stays flat);
# - STREAM_REPLY_BYTES: the most one reply may hold on the wire with every value at its schema
#   maximum (a VarChar's max_length, an Array's capacity), half the server's 256 MB;
# the first batch is sized from the schema's maximum, later ones from the bytes of rows received.
STREAM_BATCH_BYTES = 16 * 1024 * 1024
STREAM_REPLY_BYTES = 128 * 1024 * 1024
STREAM_BATCH_RANGE = (1, 16384)  # 16384: the most Milvus returns per call
UNBOUNDED_VALUE_BYTES = 64 * 1024  # a JSON value (or the dynamic field) has no size in the schema
STREAM_SAMPLE_ROWS = 16  # rows of each batch measured to size the next


# -- reading the line --------------------------------------------------------------------------------



def _limit(inv: Invocation, default: int) -> int | None:
    """--limit N as bound (an int), None for `--limit all`, ``default`` when not given."""
    value = inv.opt("limit")
    if value is None:
        return default
    return None if value == "all" else value


def _field_list(inv: Invocation, info: CollectionInfo) -> list[str] | None:
    """--fields a,b,c checked against the schema (any name goes with a dynamic field)."""
    text = inv.opt("fields")
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not info.dynamic:
        unknown = [n for n in names if info.field(n) is None and n != "*"]
        if unknown:
            raise UsageError(
                f"no field {unknown[0]!r} in collection {info.name!r}",
                "its fields: " + ", ".join(info.field_names()),
            )
    return names


def _describe(ctx: ShellContext, collection: str) -> tuple[ServerSession, CollectionInfo]:
    session = ctx.session()
    return session, session.describe_collection(collection)


# -- rows ------------------------------------------------------------------------------------------

def _columns(info: CollectionInfo, rows: Iterable[dict[str, Any]], asked: Sequence[str] | None) -> list[str]:
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


def _vector_columns(info: CollectionInfo, columns: Iterable[str]) -> frozenset[str]:
    return frozenset(c for c in columns if (f := info.field(c)) is not None and f.is_vector)


def _float32_columns(info: CollectionInfo, columns: Iterable[str]) -> frozenset[str]:
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


def _as_table(info: CollectionInfo, rows: list[dict[str, Any]], asked: Sequence[str] | None) -> Table:
    columns = _columns(info, rows, asked)
    float32 = _float32_columns(info, columns)
    return Table(columns, [row_values(columns, r, float32) for r in rows],
                 vector_columns=_vector_columns(info, columns))


# -- commands --------------------------------------------------------------------------------------

def count(ctx: ShellContext, inv: Invocation) -> Table:
    number = ctx.session().count(inv.arg("COLLECTION"), inv.arg("FILTER", ""))
    return Table(["count"], [[number]])


def query(ctx: ShellContext, inv: Invocation) -> Table | Group | StreamTable:
    name = inv.arg("COLLECTION")
    session, info = _describe(ctx, name)
    expr = inv.arg("FILTER", "")
    fields = _field_list(inv, info)
    limit = _limit(inv, DEFAULT_QUERY_LIMIT)
    offset = inv.opt("offset", 0)
    partitions = _partitions(inv)
    if limit is None or offset + limit + 1 > MAX_QUERY_WINDOW:
        sizer = BatchSizer(info, fields)
        batches = session.query_batches(name, expr, fields, sizer.size, limit, offset, partitions)
        return _stream(info, batches, fields, sizer)
    rows = session.query(name, expr, fields, limit + 1, offset, partitions)
    more = len(rows) > limit
    table = _as_table(info, rows[:limit], fields)
    if not more:
        return table
    note = Message(f"more rows match: --offset {offset + limit} shows the next {limit}, --limit all shows every one")
    return Group((Table(table.columns, table.rows, footer=f"(first {limit} rows)",
                        vector_columns=table.vector_columns), note))


def stream_batch_size(info: CollectionInfo, fields: Sequence[str] | None) -> int:
    """Rows of the first batch: STREAM_BATCH_BYTES of rows with every value at its schema maximum."""
    return BatchSizer(info, fields).size


class BatchSizer:
    """Rows per query-iterator call, sized in bytes.

    The first size comes from the schema's bound on a row (a VarChar counted at its max_length, an
    Array at its capacity, a JSON value at UNBOUNDED_VALUE_BYTES): STREAM_BATCH_BYTES of such rows.
    After each batch, ``measure`` sizes the next from the rows received (a sample of them), so narrow
    values in a wide field make bigger batches and wide ones smaller; never more rows than
    STREAM_REPLY_BYTES of rows at the schema's bound on the wire, so a reply fits what the server
    will send.
    """

    def __init__(self, info: CollectionInfo, fields: Sequence[str] | None) -> None:
        chosen = [f for f in info.fields if not fields or "*" in fields or f.name in fields or f.primary]
        unbounded = info.dynamic and (not fields or "*" in fields or "$meta" in fields
                                      or any(info.field(n) is None for n in fields))
        extra = UNBOUNDED_VALUE_BYTES if unbounded else 0
        self.row_bound = sum(_field_bytes(f) for f in chosen) + _ROW_OVERHEAD + extra
        self.wire_bound = sum(_wire_bytes(f) for f in chosen) + extra
        low, high = STREAM_BATCH_RANGE
        self.low = low
        self.high = max(low, min(high, STREAM_REPLY_BYTES // self.wire_bound))
        self.size = self._clamp(STREAM_BATCH_BYTES // self.row_bound)

    def _clamp(self, rows: int) -> int:
        return max(self.low, min(self.high, rows))

    def measure(self, rows: Sequence[dict[str, Any]]) -> int:
        """The size of the next batch, from the bytes of ``rows`` (the batch just received)."""
        if not rows:
            return self.size
        step = max(1, len(rows) // STREAM_SAMPLE_ROWS)
        sample = rows[::step]
        widest = max(_ROW_OVERHEAD + sum(_value_bytes(v) for v in row.values()) for row in sample)
        self.size = self._clamp(STREAM_BATCH_BYTES // widest)
        return self.size


_ROW_OVERHEAD = 200  # a row's dict and list


def _field_bytes(f: FieldInfo) -> int:
    """The most bytes one value can take (see _value_bytes)."""
    if f.is_vector:
        if f.kind == "SPARSE_FLOAT_VECTOR":
            return UNBOUNDED_VALUE_BYTES
        return 64 + 32 * (f.dim or 128)
    if f.kind == "VARCHAR":
        return 64 + 2 * (f.max_length or 65535)
    if f.kind == "JSON":
        return UNBOUNDED_VALUE_BYTES
    if f.kind == "ARRAY":
        each = 64 + 2 * (f.max_length or 65535) if f.element_kind == "VARCHAR" else 32
        return 64 + each * (f.max_capacity or 4096)
    return 32


def _wire_bytes(f: FieldInfo) -> int:
    """The most bytes one value can take in a reply."""
    dim = f.dim or 128
    if f.kind in ("SPARSE_FLOAT_VECTOR", "JSON"):
        return UNBOUNDED_VALUE_BYTES
    if f.kind == "BINARY_VECTOR":
        return dim // 8 + 8
    if f.kind in ("FLOAT16_VECTOR", "BFLOAT16_VECTOR"):
        return 2 * dim + 8
    if f.is_vector:
        return 4 * dim + 8
    if f.kind == "VARCHAR":
        return (f.max_length or 65535) + 8
    if f.kind == "ARRAY":
        each = (f.max_length or 65535) + 8 if f.element_kind == "VARCHAR" else 8
        return 8 + each * (f.max_capacity or 4096)
    return 8


def _value_bytes(value: Any) -> int:
    """About how many bytes ``value`` holds while its batch is in hand: a number as a Python object
    (a float in a list: ~32 bytes), text twice (the reply holds it too, and then the text written)."""
    if isinstance(value, (str, bytes)):
        return 64 + 2 * len(value)
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return 64 + 32 * len(value)
        return 64 + sum(_value_bytes(v) for v in value)
    if isinstance(value, dict):
        return 64 + sum(_value_bytes(k) + _value_bytes(v) for k, v in value.items())
    return 32


def _stream(info: CollectionInfo, batches: Any, asked: Sequence[str] | None,
            sizer: "BatchSizer | None" = None) -> StreamTable:
    """A StreamTable whose columns come from the first batch (fetched now, so errors show at once).
    With ``sizer``, each batch received sizes the next (``batches.batch_size``)."""
    iterator = iter(batches)
    try:
        first = next(iterator, [])
    except BaseException:
        batches.close()
        raise
    columns = _columns(info, first, asked)
    known = set(columns)
    float32 = _float32_columns(info, columns)
    unseen: dict[str, None] = {}

    def rows() -> Iterator[list[list[Any]]]:
        nonlocal first
        for batch in _chain([first], iterator):
            first = None  # held by nothing once written: one batch in memory at a time
            if sizer is not None:
                batches.batch_size = sizer.measure(batch)
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

    return StreamTable(columns, rows(), _vector_columns(info, columns), close=batches.close, note=note)


def _chain(*parts: Iterable[Any]) -> Iterator[Any]:
    for part in parts:
        yield from part


def _partitions(inv: Invocation) -> list[str] | None:
    text = inv.opt("partition")
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


def get(ctx: ShellContext, inv: Invocation) -> Table:
    name = inv.arg("COLLECTION")
    session, info = _describe(ctx, name)
    ids = [_pk_value(info.primary, text) for text in inv.arg("ID")]
    fields = _field_list(inv, info)
    rows = session.get(name, one_of(info.primary.name, ids), fields)
    return _as_table(info, rows, fields)


def _pk_value(pk: FieldInfo, text: str) -> Any:
    if pk.is_integer:
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{text!r} is not a valid id: {pk.name} is {pk.type_name}") from None
    return text


def search(ctx: ShellContext, inv: Invocation) -> Table:
    name = inv.arg("COLLECTION")
    session, info = _describe(ctx, name)
    field = _vector_field(info, inv.opt("field"))
    vectors = _query_vectors(ctx, session, inv, info, field)
    limit = _limit(inv, DEFAULT_SEARCH_LIMIT)
    fields = _field_list(inv, info)
    if fields is None:  # every scalar field; vectors only when asked for
        fields = [f.name for f in info.fields if not f.is_vector and not f.primary]
        if info.dynamic:
            fields.append("$meta")
    params = _search_params(inv.opt("param") or [])
    results = session.search(name, vectors, field.name, limit, inv.opt("filter") or "", fields,
                             params, _partitions(inv))
    pk = info.primary.name
    several = len(vectors) > 1
    records = []
    for number, hits in enumerate(results, 1):
        for hit in hits:
            record: dict[str, Any] = {"query": number} if several else {}
            record[pk] = hit["id"]
            record["distance"] = hit["distance"]
            record.update({k: v for k, v in hit["entity"].items() if k != pk})
            records.append(record)
    lead = (["query"] if several else []) + [pk, "distance"]
    rest = [c for c in _columns(info, records, fields) if c not in lead]
    columns = lead + rest
    float32 = _float32_columns(info, columns)
    return Table(columns, [row_values(columns, r, float32) for r in records],
                 vector_columns=_vector_columns(info, columns))


def _vector_field(info: CollectionInfo, name: str | None) -> FieldInfo:
    vectors = info.vector_fields
    if name:
        field = info.field(name)
        if field is None or not field.is_vector:
            raise UsageError(
                f"{name!r} is not a vector field of {info.name!r}",
                "vector fields: " + (", ".join(f.name for f in vectors) or "none"),
            )
        return field
    if not vectors:
        raise UsageError(f"collection {info.name!r} has no vector field to search")
    if len(vectors) > 1:
        raise UsageError(
            f"collection {info.name!r} has {len(vectors)} vector fields",
            "pick one with --field: " + ", ".join(f.name for f in vectors),
        )
    return vectors[0]


def _query_vectors(ctx: ShellContext, session: ServerSession, inv: Invocation, info: CollectionInfo,
                   field: FieldInfo) -> list[Any]:
    """--vector JSON (one vector or a list of them), or --like ID (that row's own vector)."""
    value, like = inv.opt("vector"), inv.opt("like")
    if (value is None) == (like is None):
        raise UsageError("search needs either --vector JSON or --like ID",
                         "e.g. search books --vector '[0.1, 0.2, 0.3, 0.4]'")
    if like is not None:
        rows = session.get(info.name, one_of(info.primary.name, [_pk_value(info.primary, like)]), [field.name])
        if not rows:
            raise UsageError(f"no row with {info.primary.name} {like} in {info.name!r}")
        return [rows[0][field.name]]
    vectors = value  # the VECTORS kind parsed and checked them: finite float32 numbers
    for v in vectors:
        if field.dim is not None and field.kind != "BINARY_VECTOR" and len(v) != field.dim:
            raise UsageError(
                f"wrong vector dimension: {len(v)} numbers given, but {field.name!r} is {field.type_name}"
            )
    return vectors


def _search_params(pairs: Sequence[str]) -> dict[str, Any]:
    """--param nprobe=16 --param metric_type=L2 -> {"metric_type": "L2", "params": {"nprobe": 16}}."""
    params: dict[str, Any] = {}
    top: dict[str, Any] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise UsageError(f"--param needs KEY=VALUE, not {pair!r}", "e.g. --param nprobe=16")
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):  # not JSON (or nested past the parser): the text as typed
            parsed = value
        if key == "metric_type":
            top[key] = parsed
        else:
            params[key] = parsed
    if params:
        top["params"] = params
    return top


_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)
_FILTER = Positional("FILTER", Kind.TEXT, "a filter expression, e.g. year > 2000 and title like 'A%'",
                     repeat=True)
_FIELDS = Option("--fields", "fields to show, comma separated (default: all)", Kind.FIELD, "F1,F2")
_PARTITION = Option("--partition", "only these partitions, comma separated", Kind.PARTITION, "P1,P2")

COMMANDS = (
    Command(
        name="count",
        summary="Count a collection's rows (those matching FILTER, when given)",
        handler=count,
        positionals=(_COLLECTION, _FILTER),
        options=(FORMAT_OPTION,),
        examples=("count books", "count books year > 2000"),
    ),
    Command(
        name="query",
        summary="Rows of a collection, those matching FILTER when given",
        handler=query,
        positionals=(_COLLECTION, _FILTER),
        options=(
            _FIELDS,
            Option("--limit", f"rows to show (default {DEFAULT_QUERY_LIMIT}); all streams every row",
                   Kind.INTEGER, "N|all", bounds=(1, MAX_ROWS), keywords=("all",)),
            Option("--offset", "rows to skip first", Kind.INTEGER, "N", bounds=(0, MAX_ROWS)),
            _PARTITION,
            FORMAT_OPTION,
        ),
        examples=(
            "query books",
            "query books year > 2000 --fields title,year --limit 5",
            "query books title like 'The%'",
            "query books --limit all --format csv",
        ),
        details=(
            "FILTER is the rest of the line as typed (quotes included), in Milvus's expression language. "
            "A note says when more rows match than shown. --limit all reads through a server-side "
            "iterator in batches and writes rows as they come."
        ),
    ),
    Command(
        name="get",
        summary="Rows by primary key",
        handler=get,
        positionals=(
            _COLLECTION,
            Positional("ID", Kind.WORD, "primary key values", required=True, repeat=True),
        ),
        options=(_FIELDS, FORMAT_OPTION),
        examples=("get books 1 2 3", "get books 7 --fields title"),
    ),
    Command(
        name="search",
        summary="Nearest neighbours of a vector, nearest first, with their distance",
        handler=search,
        positionals=(_COLLECTION,),
        options=(
            Option("--vector", "the query vector as JSON (or a list of vectors)", Kind.VECTORS, "JSON"),
            Option("--like", "search with the vector of the row with this primary key", Kind.WORD, "ID"),
            Option("--field", "vector field to search (needed when there are several)", Kind.FIELD, "NAME"),
            Option("--limit", f"hits per query vector (default {DEFAULT_SEARCH_LIMIT}, at most {MAX_TOPK})",
                   Kind.INTEGER, "N", bounds=(1, MAX_TOPK)),
            Option("--filter", "a filter expression the hits must match", Kind.TEXT, "EXPR"),
            _FIELDS,
            Option("--param", "a search parameter, e.g. nprobe=16, ef=64, metric_type=IP", Kind.WORD,
                   "KEY=VALUE", repeat=True),
            _PARTITION,
            FORMAT_OPTION,
        ),
        examples=(
            "search books --vector '[0.1, 0.2, 0.3, 0.4]' --limit 3",
            "search books --like 7 --filter 'year > 2000' --fields title",
            "search books --vector '[0.1, 0.2, 0.3, 0.4]' --param nprobe=16",
        ),
        details="Without --fields every scalar field is shown (vectors only when named).",
    ),
)
