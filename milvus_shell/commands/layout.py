"""A collection's layout: create/drop index, create/drop partition, create/alter/drop alias."""

from __future__ import annotations

import json
import time
from typing import Any, Sequence

from ..catalog import CollectionInfo, FieldInfo
from ..context import ShellContext
from ..errors import ServerError, UsageError
from ..results import Group, Message, Result
from ..schema_doc import IndexSpec
from ..session_api import ServerSession
from .spec import Command, Effect, Invocation, Kind, Option, Positional

DEFAULT_INDEX_WAIT = 600.0  # seconds `create index` waits for the build
INDEX_TYPES = (
    "AUTOINDEX", "FLAT", "IVF_FLAT", "IVF_SQ8", "IVF_PQ", "HNSW", "DISKANN", "SCANN",  # float vectors
    "BIN_FLAT", "BIN_IVF_FLAT",  # binary vectors
    "SPARSE_INVERTED_INDEX", "SPARSE_WAND",  # sparse vectors
    "INVERTED", "STL_SORT", "Trie", "BITMAP",  # scalars
)
INDEX_METRICS = ("COSINE", "L2", "IP", "HAMMING", "JACCARD", "BM25")
# The metric an index gets when --metric is not given, by the field's type (scalars take none); a
# sparse field a BM25 function writes gets BM25.
DEFAULT_METRICS = {"BINARY_VECTOR": "HAMMING", "SPARSE_FLOAT_VECTOR": "IP"}
SPARSE_INDEX_TYPES = ("SPARSE_INVERTED_INDEX", "SPARSE_WAND")
BM25_PARAMS = ("bm25_k1", "bm25_b")  # how BM25 weighs term frequency and document length


# -- indexes -------------------------------------------------------------------------------------------

def index_params(pairs: Sequence[str]) -> dict[str, Any]:
    """--param nlist=128 --param M=16 -> {"nlist": 128, "M": 16} (values read as JSON when they can be)."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise UsageError(f"--param needs KEY=VALUE, not {pair!r}", "e.g. --param nlist=128")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def named_field(session: ServerSession, collection: str, field_name: str) -> tuple[CollectionInfo, FieldInfo]:
    """The collection's description and its field ``field_name``, or a UsageError naming its fields."""
    info = session.describe_collection(collection)
    field = info.field(field_name)
    if field is None:
        raise UsageError(f"no field {field_name!r} in collection {info.name or collection!r}",
                         "its fields: " + ", ".join(info.field_names()))
    return info, field


def create_index(ctx: ShellContext, inv: Invocation) -> Result:
    session = ctx.session()
    collection, field_name = inv.arg("COLLECTION"), inv.arg("FIELD")
    info, field = named_field(session, collection, field_name)
    metric = inv.opt("metric")
    if metric and not field.is_vector:
        raise UsageError(f"{field_name!r} is a {field.type_name} field: a scalar index takes no --metric")
    bm25_output = any(fn.type_name == "BM25" and field_name in fn.outputs for fn in info.functions)
    if not metric and field.is_vector:
        metric = "BM25" if bm25_output else DEFAULT_METRICS.get(field.kind, "COSINE")
    spec = IndexSpec(field_name, inv.opt("type") or "AUTOINDEX", metric or "", index_params(inv.opt("param") or ()),
                     inv.opt("name") or "")
    _check_sparse(spec, field.type_name, field.kind == "SPARSE_FLOAT_VECTOR", bm25_output)
    where = f"{info.name or collection}.{field_name}"

    def progress(done: int, total: int) -> None:
        percent = f" ({done * 100 // total}%)" if total else ""
        ctx.progress(f"building index on {where}: {done}/{total} rows{percent}")

    started = time.monotonic()
    built = session.create_index(collection, spec, inv.opt("wait", DEFAULT_INDEX_WAIT), progress)
    kind = built.index_type + (f", {built.metric_type}" if built.metric_type else "")
    done = Message(f"built index {built.name} ({kind}) on {where} in {time.monotonic() - started:.1f} s")
    if spec.name and built.name != spec.name:
        return Group((done, Message(f"this server names an index after its field: {built.name!r}, "
                                    f"not {spec.name!r}", "warning")))
    return done


def _check_sparse(spec: IndexSpec, type_name: str, sparse: bool, bm25_output: bool) -> None:
    """The sparse index types, the BM25 metric and their parameters go where the server takes them."""
    where = f"{spec.field!r} is a {type_name} field"
    if spec.type in SPARSE_INDEX_TYPES and not sparse:
        raise UsageError(f"{where}: {spec.type} indexes sparse vectors", "--type AUTOINDEX lets the server choose")
    if spec.metric == "BM25" and not bm25_output:
        raise UsageError(f"{where} that no BM25 function writes: --metric BM25 needs one",
                         "a schema file's \"functions\" makes one (docs/schema.md)")
    if bm25_output and spec.metric != "BM25":
        raise UsageError(f"{spec.field!r} is written by a BM25 function: its index takes --metric BM25, "
                         f"not {spec.metric}")
    stray = [k for k in BM25_PARAMS if k in spec.params]
    if stray and spec.metric != "BM25":
        raise UsageError(f"--param {stray[0]} goes with --metric BM25")
    if "drop_ratio_build" in spec.params and not sparse:
        raise UsageError(f"{where}: --param drop_ratio_build goes with a sparse vector field")


def drop_index_loss(ctx: ShellContext, inv: Invocation) -> str:
    return (f"drop index {inv.arg('INDEX')!r} of collection {inv.arg('COLLECTION')!r} "
            "(searches are slow, or refused, until an index is built again)")


def drop_index(ctx: ShellContext, inv: Invocation) -> Message:
    collection, name = inv.arg("COLLECTION"), inv.arg("INDEX")
    ctx.session().drop_index(collection, name)
    return Message(f"dropped index {name} of {collection}")


# -- partitions ----------------------------------------------------------------------------------------

def create_partition(ctx: ShellContext, inv: Invocation) -> Message:
    collection, name = inv.arg("COLLECTION"), inv.arg("NAME")
    ctx.session().create_partition(collection, name)
    return Message(f"created partition {name} in {collection}")


def drop_partition_loss(ctx: ShellContext, inv: Invocation) -> str:
    collection, name = inv.arg("COLLECTION"), inv.arg("PARTITION")
    try:
        rows = f" with its ~{ctx.session().partition_rows(collection, name)} rows"
    except ServerError:
        rows = ""  # the drop itself says what is wrong
    return f"drop partition {name!r} of collection {collection!r}{rows} (this cannot be undone)"


def drop_partition(ctx: ShellContext, inv: Invocation) -> Message:
    collection, name = inv.arg("COLLECTION"), inv.arg("PARTITION")
    ctx.session().drop_partition(collection, name)
    return Message(f"dropped partition {name} of {collection}")


# -- aliases -------------------------------------------------------------------------------------------

def create_alias(ctx: ShellContext, inv: Invocation) -> Message:
    alias, collection = inv.arg("ALIAS"), inv.arg("COLLECTION")
    ctx.session().create_alias(alias, collection)
    return Message(f"created alias {alias} -> {collection}")


def alter_alias(ctx: ShellContext, inv: Invocation) -> Message:
    alias, collection = inv.arg("ALIAS"), inv.arg("COLLECTION")
    before = ctx.session().alter_alias(alias, collection)
    return Message(f"alias {alias} -> {collection} (was -> {before})")


def drop_alias_loss(ctx: ShellContext, inv: Invocation) -> str:
    alias = inv.arg("ALIAS")
    target = ctx.session().alias_target(alias)
    if target is None:
        return f"drop alias {alias!r}"  # the drop itself says it is not there
    return f"drop alias {alias!r} of collection {target!r} (the collection stays; what reaches it as {alias!r} stops)"


def drop_alias(ctx: ShellContext, inv: Invocation) -> Message:
    alias = inv.arg("ALIAS")
    ctx.session().drop_alias(alias)
    return Message(f"dropped alias {alias}")


_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)
_ALIAS = Positional("ALIAS", Kind.COLLECTION, "a collection alias", required=True)

COMMANDS = (
    Command(
        name="create index",
        summary="Build an index on a field, showing progress until it is built",
        handler=create_index,
        positionals=(_COLLECTION, Positional("FIELD", Kind.FIELD, "the field to index", required=True)),
        options=(
            Option("--type", "the index type (default AUTOINDEX: the server chooses)", Kind.CHOICE,
                   choices=INDEX_TYPES),
            Option("--metric", "how vectors are compared (default COSINE; HAMMING for binary vectors, IP for "
                   "sparse ones, BM25 for a BM25 function's output)", Kind.CHOICE, choices=INDEX_METRICS),
            Option("--param", "an index parameter, e.g. nlist=128, M=16, efConstruction=200, drop_ratio_build=0.2, "
                   "bm25_k1=1.2, bm25_b=0.75", Kind.WORD, "KEY=VALUE", repeat=True),
            Option("--name", "the index's name (default: the field's)", Kind.WORD, "NAME"),
            Option("--wait", f"seconds to wait for the build (default {DEFAULT_INDEX_WAIT:g})", Kind.NUMBER,
                   "SECONDS"),
        ),
        examples=(
            "create index books vector",
            "create index books vector --type HNSW --metric L2 --param M=16 --param efConstruction=200",
            "create index books vector --type IVF_FLAT --param nlist=128 --name vec_ivf",
            "create index books title --type INVERTED",
            "create index docs sparse --type SPARSE_INVERTED_INDEX --metric BM25 --param bm25_k1=1.2 --param bm25_b=0.75",
        ),
        details=("One index per field. Ctrl-C or --wait stops waiting; the server goes on building. Milvus "
                 "Lite names every index after its field and ignores the index type's parameters. A sparse "
                 "vector field takes SPARSE_INVERTED_INDEX or SPARSE_WAND (drop_ratio_build drops the smallest "
                 "values while building); the output of a BM25 function is indexed with --metric BM25 "
                 "(bm25_k1, bm25_b tune it)."),
        changes=frozenset({Effect.INDEXES}),
    ),
    Command(
        name="drop index",
        summary="Delete an index (release a loaded collection first)",
        handler=drop_index,
        positionals=(_COLLECTION, Positional("INDEX", Kind.INDEX, "the index's name", required=True)),
        examples=("drop index books vector", "drop index books vec_ivf --yes"),
        details="Both Milvus 2.3.5 and Milvus Lite refuse to drop an index of a loaded collection.",
        changes=frozenset({Effect.INDEXES}),
        destroys=drop_index_loss,
    ),
    Command(
        name="create partition",
        summary="Make a new partition in a collection",
        handler=create_partition,
        positionals=(_COLLECTION, Positional("NAME", Kind.PARTITION, "the new partition's name", required=True,
                                             accepts="new")),
        examples=("create partition books classics",),
        changes=frozenset({Effect.PARTITIONS}),
    ),
    Command(
        name="drop partition",
        summary="Delete a partition with its rows",
        handler=drop_partition,
        positionals=(_COLLECTION, Positional("PARTITION", Kind.PARTITION, "the partition", required=True)),
        examples=("drop partition books classics", "drop partition books classics --yes"),
        details="Milvus 2.3.5 refuses to drop a partition of a loaded collection: release it first.",
        changes=frozenset({Effect.PARTITIONS}),
        destroys=drop_partition_loss,
    ),
    Command(
        name="create alias",
        summary="Give a collection another name to reach it by",
        handler=create_alias,
        positionals=(Positional("ALIAS", Kind.COLLECTION, "the new alias", required=True, accepts="new"),
                     _COLLECTION),
        examples=("create alias library books",),
        changes=frozenset({Effect.ALIASES}),
    ),
    Command(
        name="alter alias",
        summary="Point an existing alias at another collection",
        handler=alter_alias,
        positionals=(_ALIAS, _COLLECTION),
        examples=("alter alias library books_v2",),
        details="Switches readers from one collection to another at once (a blue-green reload).",
        changes=frozenset({Effect.ALIASES}),
    ),
    Command(
        name="drop alias",
        summary="Delete a collection alias (the collection stays)",
        handler=drop_alias,
        positionals=(_ALIAS,),
        examples=("drop alias library", "drop alias library --yes"),
        changes=frozenset({Effect.ALIASES}),
        destroys=drop_alias_loss,
    ),
)
