"""Reading data: count, query, get (search is in search.py)."""

from __future__ import annotations

import json
from typing import Any, Sequence

from ..bounds import MAX_ROWS
from ..catalog import MAX_QUERY_WINDOW, CollectionInfo, FieldInfo
from ..context import ShellContext
from ..errors import UsageError
from ..expr import one_of
from ..results import Group, Message, StreamTable, Table
from ..rowcheck import RowError, field_check
from ..rowshape import as_table, stream_table
from ..session_api import ServerSession
from .spec import FORMAT_OPTION, FORMATS, Command, Invocation, Kind, Option, Positional

DEFAULT_QUERY_LIMIT = 100


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


# -- commands --------------------------------------------------------------------------------------

def count(ctx: ShellContext, inv: Invocation) -> Table:
    number = ctx.session().count(inv.arg("COLLECTION"), inv.arg("FILTER", ""))
    return Table(["count"], [[number]])


def query(ctx: ShellContext, inv: Invocation) -> Table | Group | StreamTable | Message:
    name = inv.arg("COLLECTION")
    session, info = _describe(ctx, name)
    expr = inv.arg("FILTER", "")
    fields = _field_list(inv, info)
    limit = _limit(inv, DEFAULT_QUERY_LIMIT)
    offset = inv.opt("offset", 0)
    partitions = _partitions(inv)
    output, fmt = inv.opt("output"), inv.opt("format")
    if fmt == "parquet" and not output:
        raise UsageError("Parquet is written to a file: --format parquet needs --output FILE",
                         f"e.g. query {name} --limit all --format parquet --output {name}.parquet")
    if output:
        from ..exportfile import export_rows  # noqa: PLC0415

        batches = session.query_batches(name, expr, fields, info, limit, offset, partitions)
        return export_rows(batches, info, fields, output, fmt or ctx.settings.format, ctx.progress)
    if limit is None or offset + limit + 1 > MAX_QUERY_WINDOW:
        batches = session.query_batches(name, expr, fields, info, limit, offset, partitions)
        return stream_table(info, batches, fields)
    rows = session.query(name, expr, fields, limit + 1, offset, partitions)
    more = len(rows) > limit
    table = as_table(info, rows[:limit], fields)
    if not more:
        return table
    note = Message(f"more rows match: --offset {offset + limit} shows the next {limit}, --limit all shows every one")
    return Group((Table(table.columns, table.rows, footer=f"(first {limit} rows)",
                        vector_columns=table.vector_columns), note))


def _partitions(inv: Invocation) -> list[str] | None:
    text = inv.opt("partition")
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


def get(ctx: ShellContext, inv: Invocation) -> Table:
    name = inv.arg("COLLECTION")
    session, info = _describe(ctx, name)
    ids = [pk_value(info.primary, text) for text in inv.arg("ID")]
    fields = _field_list(inv, info)
    rows = session.get(name, one_of(info.primary.name, ids), fields)
    return as_table(info, rows, fields)


def pk_value(pk: FieldInfo, text: str) -> Any:
    if pk.is_integer:
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{text!r} is not a valid id: {pk.name} is {pk.type_name}") from None
    return text


def vector_field(info: CollectionInfo, name: str | None) -> FieldInfo:
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


def query_vectors(ctx: ShellContext, session: ServerSession, inv: Invocation, info: CollectionInfo,
                   field: FieldInfo) -> list[Any]:
    """--vector JSON (one vector or a list of them), or --like ID (that row's own vector)."""
    value, like = inv.opt("vector"), inv.opt("like")
    if (value is None) == (like is None):
        raise UsageError("search needs either --vector JSON or --like ID",
                         "e.g. search books --vector '[0.1, 0.2, 0.3, 0.4]'")
    if like is not None:
        rows = session.get(info.name, one_of(info.primary.name, [pk_value(info.primary, like)]), [field.name])
        if not rows:
            raise UsageError(f"no row with {info.primary.name} {like} in {info.name!r}")
        return [rows[0][field.name]]
    vectors: list[Any] = value  # the VECTORS kind parsed and checked them: finite float32 numbers
    if field.kind != "BINARY_VECTOR" and field.kind in _BYTE_VECTORS and not session.server.half_float_search:
        raise UsageError(f"{session.server.label} does not search {field.type_name} fields correctly (it "
                         "gives no hits, or a huge distance between a vector and itself)",
                         "it stores and returns them; search them on Milvus 2.4 or later")
    if field.kind in _BYTE_VECTORS:  # sent as their bytes, as the server compares them
        return [_vector_bytes(field, v) for v in vectors]
    for v in vectors:
        if field.dim is not None and field.kind != "BINARY_VECTOR" and len(v) != field.dim:
            numbers = f"{len(v)} number{'s' if len(v) != 1 else ''}"
            raise UsageError(f"wrong vector dimension: {numbers} given, but {field.name!r} is {field.type_name}")
    return vectors


_BYTE_VECTORS = ("BINARY_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR")


def _vector_bytes(field: FieldInfo, vector: Any) -> bytes:
    """A query vector for a binary (its bytes, 0 to 255 each) or float16 field, checked as a row's."""
    try:
        checked: bytes = field_check(field)(vector)
    except RowError as exc:
        raise UsageError(f"--vector: {exc.reason}", f"{field.name} is {field.type_name}" + (
            f": a query vector is {(field.dim or 0) // 8} bytes, whole numbers 0 to 255"
            if field.kind == "BINARY_VECTOR" else "")) from None
    return checked


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
            Option("--format", "output format for this command (parquet: into --output FILE)", Kind.CHOICE,
                   "FORMAT", choices=FORMATS + ("parquet",)),
            Option("--output", "write the rows to this new file instead (never replaces a file)", Kind.PATH,
                   "FILE"),
        ),
        examples=(
            "query books",
            "query books year > 2000 --fields title,year --limit 5",
            "query books title like 'The%'",
            "query books --limit all --format csv",
            "query books --limit all --format parquet --output books.parquet",
        ),
        details=(
            "FILTER is the rest of the line as typed (quotes included), in Milvus's expression language. "
            "A note says when more rows match than shown. --limit all reads through a server-side "
            "iterator in batches and writes rows as they come. --output FILE writes them to a new file "
            "(removed again if the export fails or is stopped); Parquet needs pyarrow (the parquet extra) "
            "and gives the file an import job takes."
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
)
