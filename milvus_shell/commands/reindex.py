"""alter index: rebuild a vector field's index with another metric (or type) in one step, saying each
step: release, drop the index, build the new one, load again."""

from __future__ import annotations

import time
from typing import Any, Callable

from ..catalog import CollectionInfo, IndexInfo
from ..context import ShellContext
from ..errors import ShellError, UsageError
from ..results import Group, Message
from ..schema_doc import IndexSpec
from .layout import DEFAULT_INDEX_WAIT, INDEX_METRICS, INDEX_TYPES, index_params, named_field
from .spec import Command, Effect, Invocation, Kind, Option, Positional

DEFAULT_LOAD_WAIT = 600.0
VECTOR_INDEX_TYPES = tuple(t for t in INDEX_TYPES if t not in ("INVERTED", "STL_SORT", "Trie", "BITMAP"))


def _current(ctx: ShellContext, inv: Invocation) -> tuple[CollectionInfo, IndexInfo]:
    session = ctx.session()
    collection, field_name = inv.arg("COLLECTION"), inv.arg("FIELD")
    info, field = named_field(session, collection, field_name)
    if not field.is_vector:
        raise UsageError(f"{field_name!r} is a {field.type_name} field: alter index changes a vector index",
                         "help alter index")
    if not (inv.opt("metric") or inv.opt("type") or inv.opt("param")):
        raise UsageError("alter index needs what to change: --metric, --type or --param",
                         f"e.g. alter index {collection} {field_name} --metric L2")
    index = next((i for i in session.list_indexes(collection) if i.field == field_name), None)
    if index is None:
        raise UsageError(f"{info.name or collection}.{field_name} has no index to alter",
                         f"create index {collection} {field_name} builds one")
    return info, index


def alter_index_loss(ctx: ShellContext, inv: Invocation) -> str:
    info, index = _current(ctx, inv)
    old = index.index_type + (f", {index.metric_type}" if index.metric_type else "")
    return (f"release collection {info.name!r}, drop its index {index.name!r} ({old}) and build it again "
            "(searches fail until it is loaded again)")


def alter_index(ctx: ShellContext, inv: Invocation) -> Group:
    session = ctx.session()
    info, index = _current(ctx, inv)
    collection, field_name = info.name or inv.arg("COLLECTION"), inv.arg("FIELD")
    metric = inv.opt("metric") or index.metric_type
    spec = IndexSpec(field_name, inv.opt("type") or index.index_type, metric,
                     index_params(inv.opt("param") or ()) if inv.opt("param") else dict(index.params), index.name)
    done: list[Message] = []
    state = str(session.load_state(collection))
    steps: list[tuple[str, Callable[[], Any], str]] = []
    if state != "not loaded":
        steps.append(("release", lambda: session.release(collection), f"released {collection}"))
    steps.append(("drop the index", lambda: session.drop_index(collection, index.name),
                  f"dropped index {index.name} ({index.index_type}, {index.metric_type})"))
    started = time.monotonic()

    def build() -> str:
        built = session.create_index(collection, spec, inv.opt("wait", DEFAULT_INDEX_WAIT),
                                     lambda n, total: ctx.progress(f"building index on {collection}.{field_name}: "
                                                                   f"{n}/{total} rows"))
        kind = built.index_type + (f", {built.metric_type}" if built.metric_type else "")
        return f"built index {built.name} ({kind}) on {collection}.{field_name} in {time.monotonic() - started:.1f} s"

    steps.append(("build the new index", build, ""))
    steps.append(("load", lambda: session.load(collection, DEFAULT_LOAD_WAIT,
                                               lambda pct: ctx.progress(f"loading {collection}: {pct}%")),
                  f"loaded {collection}"))
    for what, call, said in steps:
        try:
            answer = call()
        except ShellError as exc:
            so_far = "; ".join(m.text for m in done) or "nothing was changed"
            exc.message = f"{exc.message} (at the step: {what}; done before it: {so_far})"
            exc.args = (exc.message,)
            raise
        text = answer if isinstance(answer, str) else said
        ctx.progress(text)
        done.append(Message(text))
    return Group(tuple(done))


COMMANDS = (
    Command(
        name="alter index",
        summary="Rebuild a vector index with another metric or type: release, drop, create, load in one step",
        handler=alter_index,
        positionals=(Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True),
                     Positional("FIELD", Kind.FIELD, "the indexed vector field", required=True)),
        options=(
            Option("--metric", "the new metric (default: the index's)", Kind.CHOICE, choices=INDEX_METRICS),
            Option("--type", "the new index type (default: the index's)", Kind.CHOICE, choices=VECTOR_INDEX_TYPES),
            Option("--param", "an index parameter of the new index, e.g. M=16", Kind.WORD, "KEY=VALUE", repeat=True),
            Option("--wait", f"seconds to wait for the build (default {DEFAULT_INDEX_WAIT:g})", Kind.NUMBER,
                   "SECONDS"),
        ),
        examples=("alter index foods vector --metric L2", "alter index foods vector --metric IP --yes"),
        details=("What a change of metric takes, in one command: release the collection (when loaded), drop the "
                 "field's index, build it again with the new metric, type or parameters (the rest kept), and "
                 "load. Each step is said as it is done; a step that fails says which steps were done before it."),
        changes=frozenset({Effect.INDEXES, Effect.LOADED}),
        destroys=alter_index_loss,
    ),
)
