"""search: dense, sparse, binary and full-text (BM25) search, hybrid search fused by a ranker,
grouped and range search, and every hit through a search iterator (`--limit all`)."""

from __future__ import annotations

from typing import Any, Sequence

from ..bounds import MAX_ROWS, MAX_TOPK
from ..catalog import CollectionInfo, FieldInfo, IndexInfo
from ..context import ShellContext
from ..errors import UsageError
from ..expr import one_of
from ..results import StreamTable, Table
from ..schema_cache import CollectionSchema
from ..rowcheck import RowError, field_check
from ..rowshape import hits_stream, hits_table
from ..searching import (CONSISTENCY_LEVELS, QueryValues, SearchPlan, SearchRequest, hex_bytes, parse_rerank,
                         score_label, search_params, split_field)
from ..session_api import ServerSession
from ..wording import not_supported
from .data import _field_list, _partitions, pk_value, vector_field
from .spec import FORMAT_OPTION, Command, Invocation, Kind, Option, Positional

DEFAULT_SEARCH_LIMIT = 10


def search(ctx: ShellContext, inv: Invocation) -> Table | StreamTable:
    """One round trip when the collection's schema and indexes are kept (schema_cache.py); a search
    that fails on a kept schema is tried once more on a fresh one."""
    name = inv.arg("COLLECTION")
    session = ctx.session()
    limit = inv.opt("limit", DEFAULT_SEARCH_LIMIT)
    if limit == "all" or limit > MAX_TOPK:  # a stream fails while rendering, past a retry: ask afresh
        ctx.schemas.forget(session, name)
    return ctx.schemas.retry_fresh(session, name, lambda lookup: _search(session, inv, name, lookup()))


def _search(session: ServerSession, inv: Invocation, name: str, schema: CollectionSchema) -> Table | StreamTable:
    info = schema.info
    wanted = _requests(session, inv, info)
    if not wanted:
        raise UsageError("search needs --vector JSON, --text WORDS or --like ID",
                         "e.g. search books --vector '[0.1, 0.2, 0.3, 0.4]'")
    indexes = {i.field: i for i in schema.indexes}
    requests = tuple(_with_params(inv, field, data, indexes.get(field.name)) for field, data in wanted)
    limit = inv.opt("limit", DEFAULT_SEARCH_LIMIT)
    limit = None if limit == "all" else limit
    fields = _field_list(inv, info)
    if fields is None:  # every scalar field; vectors only when asked for
        fields = [f.name for f in info.fields if not f.is_vector and not f.primary]
        if info.dynamic:
            fields.append("$meta")
    plan = SearchPlan(
        collection=name, pk=info.primary.name, requests=requests, limit=limit, filter=inv.opt("filter") or "",
        fields=tuple(fields), partitions=tuple(p) if (p := _partitions(inv)) else None,
        group_by=_group_by(session, inv, info), group_size=inv.opt("group_size"),
        strict_group_size=bool(inv.opt("strict_group_size")), consistency=inv.opt("consistency") or "",
        rerank=parse_rerank(inv.opt("rerank"), len(requests)) if len(requests) > 1 else None,
    )
    if inv.opt("rerank") and not plan.hybrid:
        raise UsageError("--rerank fuses several searches: give more than one --vector or --text")
    label = score_label(plan)
    if limit is None or limit > MAX_TOPK:
        _check_streamable(plan)
        return hits_stream(info, session.search_stream(plan), fields, label)
    return hits_table(info, session.search_plan(plan), fields, label)


def _check_streamable(plan: SearchPlan) -> None:
    what = "--limit all" if plan.limit is None else f"--limit beyond {MAX_TOPK}"
    if plan.hybrid or plan.group_by or len(plan.requests[0].data) != 1:
        raise UsageError(f"{what} reads one query vector's hits through a search iterator",
                         f"hybrid, grouped and several-vector searches take --limit up to {MAX_TOPK}")


def _requests(session: ServerSession, inv: Invocation, info: CollectionInfo) -> list[tuple[FieldInfo, tuple[Any, ...]]]:
    """(field, query data) for every --vector, --text and --like, in the order given on the line."""
    found: list[tuple[int, FieldInfo, tuple[Any, ...]]] = []
    spans = inv.spans
    for n, value in enumerate(inv.opt("vector") or []):
        field = _searched_field(info, value.field or inv.opt("field"), value.values[0])
        found.append((_at(spans, "vector", n), field, _vector_data(session, field, value)))
    for n, text in enumerate(inv.opt("text") or []):
        named, words = split_field(text)
        field = _bm25_field(info, named or inv.opt("field"))
        if not words.strip():
            raise UsageError("--text needs words to search for")
        found.append((_at(spans, "text", n), field, (words,)))
    like = inv.opt("like")
    if like is not None:
        field = _searched_field(info, inv.opt("field"), None)
        rows = session.get(info.name, one_of(info.primary.name, [pk_value(info.primary, like)]), [field.name])
        if not rows:
            raise UsageError(f"no row with {info.primary.name} {like} in {info.name!r}")
        found.append((_at(spans, "like", 0), field, (_row_vector(field, rows[0][field.name]),)))
    found.sort(key=lambda t: t[0])
    return [(f, d) for _, f, d in found]


def _row_vector(field: FieldInfo, value: Any) -> Any:
    """A row's own vector as a query: a binary vector comes back from a query as [bytes]."""
    if field.kind == "BINARY_VECTOR" and isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], (bytes, bytearray)):
            return bytes(value[0])
        if all(type(x) is int and 0 <= x <= 255 for x in value):
            return bytes(value)
    return value


def _searched_field(info: CollectionInfo, name: str | None, sample: Any) -> FieldInfo:
    """The field named, else the one vector field a query of this kind fits (a BM25 function's output
    is searched by --text, a sparse vector searches a sparse field, a dense one a dense field)."""
    if name:
        return vector_field(info, name)
    fits = [f for f in info.vector_fields if not f.function_output]
    if isinstance(sample, dict):
        fits = [f for f in fits if f.kind == "SPARSE_FLOAT_VECTOR"]
    elif sample is not None:
        fits = [f for f in fits if f.kind != "SPARSE_FLOAT_VECTOR"]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        return vector_field(info, None)  # says there is none, or which there are
    raise UsageError(f"collection {info.name!r} has {len(fits)} vector fields this query fits",
                     "pick one with --field NAME or --vector NAME=JSON: " + ", ".join(f.name for f in fits))


def _at(spans: Any, key: str, n: int) -> int:
    where = spans.get(key) or ()
    return where[n][0] if n < len(where) else 0


def _vector_data(session: ServerSession, field: FieldInfo, value: QueryValues) -> tuple[Any, ...]:
    what = f"--vector for {field.name!r} ({field.type_name})"
    if field.kind == "SPARSE_FLOAT_VECTOR":
        if not session.server.sparse_vectors:
            raise UsageError(not_supported(session.server.label, "sparse vectors"))
        if not all(isinstance(v, dict) for v in value.values):
            raise UsageError(f"{what} takes a sparse vector: a JSON object of index: weight, e.g. '{{\"3\": 0.5}}'")
        return value.values
    if field.kind == "BINARY_VECTOR":
        size = (field.dim or 0) // 8
        out = []
        for v in value.values:
            if isinstance(v, str):
                data = hex_bytes(v, what)
            elif isinstance(v, list) and all(type(x) is int and 0 <= x <= 255 for x in v):
                data = bytes(v)
            else:
                raise UsageError(f"{what} takes a hex string or a list of bytes 0 to 255")
            if size and len(data) != size:
                raise UsageError(f"wrong vector dimension: {len(data)} bytes given, but {field.name!r} "
                                 f"is {field.type_name} ({size} bytes)")
            out.append(data)
        return tuple(out)
    if not all(isinstance(v, list) for v in value.values):
        raise UsageError(f"{what} takes a JSON list of numbers")
    for v in value.values:
        if field.dim is not None and len(v) != field.dim:
            numbers = f"{len(v)} number{'s' if len(v) != 1 else ''}"
            raise UsageError(f"wrong vector dimension: {numbers} given, but {field.name!r} is {field.type_name}")
    if field.kind in _HALF_FLOAT_VECTORS:
        if not session.server.half_float_search:
            raise UsageError(f"{session.server.label} does not search {field.type_name} fields correctly (it "
                             "gives no hits, or a huge distance between a vector and itself)",
                             "it stores and returns them; search them on Milvus 2.4 or later")
        return tuple(_half_float_bytes(field, v) for v in value.values)  # sent as the server compares them
    return value.values


_HALF_FLOAT_VECTORS = ("FLOAT16_VECTOR", "BFLOAT16_VECTOR")


def _half_float_bytes(field: FieldInfo, vector: Any) -> bytes:
    """A float16 or bfloat16 query vector as its bytes, checked as a row's value would be."""
    try:
        checked: bytes = field_check(field)(vector)
    except RowError as exc:
        raise UsageError(f"--vector: {exc.reason}", f"{field.name} is {field.type_name}") from None
    return checked


def bm25_functions(info: CollectionInfo) -> list[tuple[str, str]]:
    """(input text field, output sparse field) of every BM25 function of the collection."""
    return [(f.inputs[0], f.outputs[0]) for f in info.functions
            if f.type_name.upper() == "BM25" and f.inputs and f.outputs]


def _bm25_field(info: CollectionInfo, name: str | None) -> FieldInfo:
    pairs = bm25_functions(info)
    if not pairs:
        raise UsageError(f"collection {info.name!r} has no BM25 function: --text needs one",
                         "search its vectors with --vector")
    if name:
        chosen = [out for text, out in pairs if name in (text, out)]
        if not chosen:
            raise UsageError(f"{name!r} is not a BM25 field of {info.name!r}",
                             "BM25 fields: " + ", ".join(f"{t} (-> {o})" for t, o in pairs))
    elif len(pairs) > 1:
        raise UsageError(f"collection {info.name!r} has {len(pairs)} BM25 functions",
                         "pick one with --field or --text FIELD=WORDS: " + ", ".join(t for t, _ in pairs))
    else:
        chosen = [pairs[0][1]]
    field = info.field(chosen[0])
    assert field is not None
    return field


def _with_params(inv: Invocation, field: FieldInfo, data: tuple[Any, ...], index: IndexInfo | None) -> SearchRequest:
    metric = index.metric_type if index else ""
    params = search_params(inv.opt("param") or [], index.index_type if index else "", metric, field.name)
    for key in ("radius", "range_filter"):
        if inv.opt(key) is not None:
            params["params"][key] = inv.opt(key)
    return SearchRequest(field.name, data, params, metric)


def _group_by(session: ServerSession, inv: Invocation, info: CollectionInfo) -> str:
    name = inv.opt("group_by") or ""
    if not name:
        if inv.opt("group_size") or inv.opt("strict_group_size"):
            raise UsageError("--group-size and --strict-group-size go with --group-by FIELD")
        return ""
    field = info.field(name)
    if field is None or field.is_vector:
        raise UsageError(f"--group-by: {name!r} is not a scalar field of {info.name!r}",
                         "its scalar fields: " + ", ".join(f.name for f in info.fields if not f.is_vector))
    if not session.server.search_grouping:  # it would answer ungrouped, without a word
        raise UsageError(not_supported(session.server.label, "search grouping"))
    return name


_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)

COMMANDS = (
    Command(
        name="search",
        summary="Nearest neighbours of vectors or words, best first, with their score",
        handler=search,
        positionals=(_COLLECTION,),
        options=(
            Option("--vector", "a query vector as JSON: dense [..], sparse {\"index\": weight}, binary as hex; "
                   "a list of them; FIELD=JSON names the field; repeat for a hybrid search",
                   Kind.QUERY_VECTOR, "[FIELD=]JSON", repeat=True),
            Option("--text", "words for a full-text (BM25) search; FIELD=WORDS names the field; repeat for "
                   "a hybrid search", Kind.QUERY_TEXT, "[FIELD=]WORDS", repeat=True),
            Option("--like", "search with the vector of the row with this primary key", Kind.WORD, "ID"),
            Option("--field", "vector (or BM25 text) field to search, when there are several", Kind.FIELD, "NAME"),
            Option("--limit", f"hits per query (default {DEFAULT_SEARCH_LIMIT}); all, or beyond {MAX_TOPK}, "
                   "streams every hit through a search iterator", Kind.INTEGER, "N|all", bounds=(1, MAX_ROWS),
                   keywords=("all",)),
            Option("--filter", "a filter expression the hits must match (every search of a hybrid one)",
                   Kind.TEXT, "EXPR"),
            Option("--fields", "fields to show, comma separated (default: all scalar fields)", Kind.FIELD, "F1,F2"),
            Option("--rerank", "how a hybrid search fuses its searches: rrf (default), rrf:K, "
                   "weighted:W1,W2,... (one weight per search)", Kind.WORD, "rrf|rrf:K|weighted:W,..."),
            Option("--group-by", "one hit per value of this scalar field", Kind.FIELD, "FIELD"),
            Option("--group-size", "hits per group with --group-by", Kind.INTEGER, "N", bounds=(1, 1024)),
            Option("--strict-group-size", "only groups that have --group-size hits"),
            Option("--radius", "range search: hits at most this far (L2) or at least this similar (IP, COSINE)",
                   Kind.FLOAT, "R"),
            Option("--range-filter", "range search: the other bound of the range", Kind.FLOAT, "R2"),
            Option("--consistency", "the consistency level of this search", Kind.CHOICE, "LEVEL",
                   choices=CONSISTENCY_LEVELS),
            Option("--param", "a search parameter the field's index takes, e.g. nprobe=16 (IVF), ef=64 (HNSW)",
                   Kind.WORD, "KEY=VALUE", repeat=True),
            Option("--partition", "only these partitions, comma separated", Kind.PARTITION, "P1,P2"),
            FORMAT_OPTION,
        ),
        examples=(
            "search books --vector '[0.1, 0.2, 0.3, 0.4]' --limit 3",
            "search books --like 7 --filter 'year > 2000' --fields title",
            "search books --vector '[0.1, 0.2, 0.3, 0.4]' --param nprobe=16",
            "search docs --vector 'sparse={\"3\": 0.5, \"17\": 0.25}'",
            "search docs --text 'vector databases'",
            "search docs --vector 'dense=[0.1, 0.2]' --text 'vector databases' --rerank weighted:0.7,0.3",
            "search books --vector '[0.1, 0.2, 0.3, 0.4]' --group-by year --group-size 2",
            "search books --vector '[0.1, 0.2, 0.3, 0.4]' --radius 2.0 --range-filter 0.5",
            "search books --vector '[0.1, 0.2, 0.3, 0.4]' --limit all --format csv",
        ),
        details=(
            "The score column says what it is: distance (L2, squared) (smaller is nearer), similarity "
            "(COSINE), score (IP), score (BM25), score (RRF) or score (weighted) (larger is nearer). "
            "Without --fields every scalar field is shown (vectors only when named). With several "
            "--vector/--text, each is one search and --rerank fuses them. --param names are checked "
            "against the field's index: an unknown one is refused with the list it takes."
        ),
    ),
)
