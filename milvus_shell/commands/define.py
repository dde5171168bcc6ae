"""Changing what a server holds: databases, collections, flush (indexes, partitions and aliases are in
commands/layout.py). Each command is one declaration, one handler and one session method."""

from __future__ import annotations

import json
import os

from ..context import ShellContext
from ..errors import ServerError, UsageError
from ..kinds import MAX_JSON_DEPTH, max_nesting
from ..results import Group, Message, Result
from ..schema_doc import MAX_DIM, QUICK_VARCHAR_ID_LENGTH, CollectionSpec, parse_document, quick_spec
from ..session_api import ServerSession
from . import layout
from .spec import Command, Effect, Invocation, Kind, Option, Positional

MAX_SCHEMA_BYTES = 1024 * 1024  # a schema file is a few KB; anything this big is the wrong file
METRICS = ("COSINE", "L2", "IP")

_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)


# -- databases ---------------------------------------------------------------------------------------

def create_database(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("NAME")
    ctx.session().create_database(name)
    return Message(f"created database {name}; use database {name} to work in it")


def drop_database_loss(ctx: ShellContext, inv: Invocation) -> str:
    return f"drop database {inv.arg('NAME')!r} (the server drops only an empty database)"


def drop_database(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("NAME")
    ctx.session().drop_database(name)
    return Message(f"dropped database {name}")


# -- collections -------------------------------------------------------------------------------------

_QUICK_OPTIONS = ("dim", "metric", "id_type", "auto_id", "vector_field", "id_field", "description")


def create_collection(ctx: ShellContext, inv: Invocation) -> Result:
    name = inv.arg("NAME")
    path = inv.opt("schema")
    if path is not None:
        given = [o for o in _QUICK_OPTIONS if inv.opt(o) not in (None, False)]
        if given:
            raise UsageError(f"--{given[0].replace('_', '-')} goes with --dim, not with --schema",
                             "a schema file says everything about the collection (help create collection)")
        spec = parse_document(read_schema_file(path), f"schema file {path}")
    elif inv.opt("dim") is None:
        raise UsageError("create collection needs --dim N (the vector's length) or --schema FILE",
                         f"e.g. create collection {name} --dim 768")
    else:
        spec = quick_spec(inv.opt("dim"), inv.opt("metric") or "COSINE", inv.opt("id_type") or "int",
                          bool(inv.opt("auto_id")), inv.opt("vector_field") or "vector", inv.opt("id_field") or "id",
                          inv.opt("description") or "")
    made = ctx.session().create_collection(name, spec)
    text = f"created collection {name}: {_shape(spec)}"
    if made.loaded:
        text += "; loaded, ready for insert and search"
    else:
        text += f"; not loaded: create index {name} FIELD for each vector field, then load {name}"
    notes = tuple(Message(n, "warning") for n in made.notes)
    return Group((Message(text),) + notes) if notes else Message(text)


def _shape(spec: CollectionSpec) -> str:
    pk = spec.primary
    parts = [f"{len(spec.fields)} fields", f"primary key {pk.name}{' (auto id)' if pk.auto_id else ''}"]
    if spec.dynamic_field:
        parts.append("dynamic field on")
    if spec.indexes:
        parts.append(f"{len(spec.indexes)} index{'es' if len(spec.indexes) > 1 else ''}")
    if spec.partitions:
        parts.append(f"{len(spec.partitions)} partition{'s' if len(spec.partitions) > 1 else ''}")
    return ", ".join(parts)


def read_schema_file(path: str) -> object:
    """The JSON document in ``path``; a UsageError saying why not."""
    try:
        if os.path.getsize(path) > MAX_SCHEMA_BYTES:
            raise UsageError(f"schema file {path} is over {MAX_SCHEMA_BYTES // 1024} KB: is it the right file?")
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UsageError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"cannot read schema file {path}: {reason}") from None
    if max_nesting(text) > MAX_JSON_DEPTH:
        raise UsageError(f"schema file {path} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"schema file {path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}") from None


def rename_collection(ctx: ShellContext, inv: Invocation) -> Message:
    old, new = inv.arg("OLD"), inv.arg("NEW")
    ctx.session().rename_collection(old, new)
    return Message(f"renamed collection {old} to {new}")


def flush(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("COLLECTION")
    ctx.session().flush(name)
    return Message(f"flushed {name}: its rows are sealed and written to storage")


def _not_an_alias(session: ServerSession, name: str) -> None:
    """The server drops a collection by its own name only: an alias is refused here, in words."""
    target = session.alias_target(name)
    if target is not None:
        raise UsageError(f"{name!r} is an alias of collection {target!r}: drop collection takes the "
                         "collection's own name",
                         f"drop collection {target} drops the collection (and its aliases); drop alias {name} "
                         "removes only the alias")


def drop_collection_loss(ctx: ShellContext, inv: Invocation) -> str:
    name = inv.arg("COLLECTION")
    session = ctx.session()
    _not_an_alias(session, name)
    return f"drop collection {name!r} with {its_rows(session, name)}, indexes and partitions (this cannot be undone)"


def its_rows(session: ServerSession, name: str) -> str:
    """'its 10 rows', counted with count(*) as the server holds them now; from flushed statistics (said)
    when the collection is not loaded. What a destructive command's question says it will lose."""
    try:
        count = session.count(name)
        return f"its {count:,} row{'s' if count != 1 else ''}"
    except ServerError as exc:
        if exc.kind != "not-loaded":
            raise
        return (f"its ~{session.row_count(name):,} rows (not loaded, so counted from flushed statistics: "
                "rows not yet flushed are not in that number)")


def drop_collection(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("COLLECTION")
    _not_an_alias(ctx.session(), name)
    ctx.session().drop_collection(name)
    return Message(f"dropped collection {name}")


COMMANDS = (
    Command(
        name="create database",
        summary="Make a new, empty database",
        handler=create_database,
        positionals=(Positional("NAME", Kind.DATABASE, "the new database's name", required=True, accepts="new"),),
        examples=("create database shop",),
        changes=frozenset({Effect.DATABASES}),
    ),
    Command(
        name="drop database",
        summary="Delete an empty database",
        handler=drop_database,
        positionals=(Positional("NAME", Kind.DATABASE, "a database on the server", required=True),),
        examples=("drop database shop", "drop database shop --yes"),
        details=("The server drops only an empty database: drop its collections first. The default database, "
                 "and the one the connection uses, cannot be dropped."),
        changes=frozenset({Effect.DATABASES}),
        destroys=drop_database_loss,
        confirm_by_typing="NAME",
    ),
    Command(
        name="create collection",
        summary="Make a collection: quickly (--dim) or from a schema file (--schema)",
        handler=create_collection,
        positionals=(Positional("NAME", Kind.COLLECTION, "the new collection's name", required=True, accepts="new"),),
        options=(
            Option("--dim", "the vector's length: an id, a vector and a dynamic field", Kind.INTEGER, "N",
                   bounds=(1, MAX_DIM)),
            Option("--metric", "the vector index's metric (default COSINE)", Kind.CHOICE, choices=METRICS),
            Option("--id-type", "the primary key's type (default int: Int64; string: "
                   f"VarChar({QUICK_VARCHAR_ID_LENGTH}))", Kind.CHOICE, choices=("int", "string")),
            Option("--auto-id", "the server assigns the ids"),
            Option("--id-field", "the primary key's name (default id)", Kind.WORD, "NAME"),
            Option("--vector-field", "the vector field's name (default vector)", Kind.WORD, "NAME"),
            Option("--description", "what the collection holds", Kind.TEXT, "TEXT"),
            Option("--schema", "a schema document (JSON; describe C --format json writes one)", Kind.PATH, "FILE"),
        ),
        examples=(
            "create collection books --dim 768",
            "create collection docs --dim 4 --metric L2 --id-type string --description 'demo documents'",
            "create collection books_copy --schema books.json",
        ),
        details=(
            "--dim makes: a primary key id (Int64; --id-type string makes it VarChar("
            f"{QUICK_VARCHAR_ID_LENGTH})), a FloatVector field vector of that length with an AUTOINDEX "
            "(COSINE unless --metric), and a dynamic field for any other key; it is loaded at once. "
            "--schema FILE reads the document describe --format json prints (docs/schema.md): fields with "
            "their types, lengths, nullable, defaults, partition and clustering keys, analyzers; functions "
            "(BM25); properties; indexes; partitions. A collection whose every vector field has an index is "
            "loaded. When a part fails nothing is left behind; a feature the server cannot hold (nullable "
            "or functions on Milvus 2.3.5, a clustering key on Milvus Lite) is refused before anything is "
            "made, not dropped silently."
        ),
        changes=frozenset({Effect.COLLECTIONS}),
    ),
    Command(
        name="rename collection",
        summary="Give a collection a new name (its aliases follow it)",
        handler=rename_collection,
        positionals=(
            Positional("OLD", Kind.COLLECTION, "the collection", required=True),
            Positional("NEW", Kind.COLLECTION, "its new name", required=True, accepts="new"),
        ),
        examples=("rename collection books library",),
        changes=frozenset({Effect.COLLECTIONS, Effect.ALIASES}),
    ),
    Command(
        name="flush",
        summary="Seal a collection's growing segments and write them to storage",
        handler=flush,
        positionals=(_COLLECTION,),
        examples=("flush books",),
        changes=frozenset({Effect.SEGMENTS}),
        details="Row counts from the server's statistics (show collections, describe) include flushed rows only.",
    ),
    Command(
        name="drop collection",
        summary="Delete a collection with all its rows, indexes and partitions",
        handler=drop_collection,
        positionals=(_COLLECTION,),
        examples=("drop collection books", "drop collection books --yes"),
        details="Neither Milvus 2.3.5 nor Milvus Lite needs a loaded collection released first.",
        changes=frozenset({Effect.COLLECTIONS, Effect.ALIASES}),
        destroys=drop_collection_loss,
        confirm_by_typing="COLLECTION",
    ),
) + layout.COMMANDS
