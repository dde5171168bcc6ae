"""Looking around: show databases/collections/indexes/partitions/aliases, use database,
describe, server, load, release."""

from __future__ import annotations

import fnmatch
from typing import Any, Sequence

from ..catalog import IndexInfo
from ..context import ShellContext
from ..errors import ServerError
from ..metadata import CollectionNames, searched_fields
from ..results import Document, Group, Message, Table
from ..schema_doc import document_of
from ..session_api import ServerSession
from ..wording import Context, reword
from .spec import FORMAT_OPTION, Command, Effect, Invocation, Kind, Option, Positional

SHOW_DETAILS_UP_TO = 100  # show collections: row counts and load states for at most this many
DEFAULT_LOAD_WAIT = 600.0  # seconds `load` waits for a collection to be loaded


# -- databases -------------------------------------------------------------------------------------

def show_databases(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    current = session.database or "default"
    names = session.list_databases()
    rows = [["*" if n == current else "", n] for n in names]
    active = next((i for i, n in enumerate(names) if n == current), None)
    return Table(["", "database"], rows, active_row=active)


def use_database(ctx: ShellContext, inv: Invocation) -> Message:
    alias, session = ctx.active()
    name = inv.arg("NAME")
    if name == (session.database or "default"):
        return Message(f"{alias} already uses database {name}")
    info = ctx.registry.switch_database(alias, name)
    return Message(f"{alias} now uses database {info.database}")


# -- collections -----------------------------------------------------------------------------------

def _matches(name: str, pattern: str) -> bool:
    """Shell-style wildcards (book*, ?ooks) when given, else a substring."""
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern in name


def show_collections(ctx: ShellContext, inv: Invocation) -> Table | Group:
    session = ctx.session()
    names = session.list_collections()
    pattern = inv.arg("PATTERN")
    if pattern:
        names = [n for n in names if _matches(n, pattern)]
    if not names:
        where = f" matching {pattern!r}" if pattern else ""
        return Table(["collection", "rows", "load state"], [],
                     footer=f"(no collections{where} in database {session.database or 'default'})")
    if len(names) > SHOW_DETAILS_UP_TO:
        table = Table(["collection"], [[n] for n in names])
        note = Message(f"{len(names)} collections: row counts and load states are shown for at most "
                       f"{SHOW_DETAILS_UP_TO}; show collections PATTERN narrows the list")
        return Group((table, note))
    rows = []
    for name in names:
        state = session.load_state(name)
        rows.append([name, _rows_text(session, name, state.state), str(state)])
    return Table(["collection", "rows", "load state"], rows)


def _rows_text(session: ServerSession, name: str, state: str) -> Any:
    """An exact count when the collection is loaded; else the server's statistics, marked '~'."""
    if state == "loaded":
        try:
            return session.count(name)
        except ServerError:
            pass
    return f"~{session.row_count(name)}"


def describe(ctx: ShellContext, inv: Invocation) -> Document:
    alias, session = ctx.active()
    name = inv.arg("COLLECTION")
    details = session.describe(name)
    info, indexes, partitions = details.info, details.indexes, details.partitions
    ctx.metadata.remember(alias, info.name or name, CollectionNames(
        fields=tuple(sorted(info.field_names())),
        partitions=tuple(sorted(partitions)),
        indexes=tuple(sorted(i.name for i in indexes)),
        **searched_fields(info),
    ))
    load = details.load
    rows: Any = f"~{details.statistics_rows} (server statistics)"
    if load.state == "loaded":
        try:
            rows = session.count(info.name or name)
        except ServerError:
            pass
    summary: list[tuple[str, Any]] = [("collection", info.name or name)]
    if info.name and info.name != name:
        summary.append(("reached through alias", name))
    summary += [
        ("description", info.description),
        ("database", session.database or "default"),
        ("primary key", f"{info.primary.name} ({info.primary.type_name}{', auto id' if info.auto_id else ''})"),
        ("dynamic field", "yes" if info.dynamic else "no"),
        ("load state", str(load)),
        ("rows", rows),
        ("consistency", info.consistency),
        ("shards", info.shards),
        ("aliases", ", ".join(info.aliases) or "none"),
        ("properties", ", ".join(f"{k}={v}" for k, v in info.properties.items()) or "none"),
    ]
    fields = Table(
        ["field", "type", "flags", "description"],
        [[f.name, f.type_name, f.flags(), f.description] for f in info.fields],
    )
    sections: list[tuple[str, Table]] = [("fields", fields)]
    if info.functions:
        sections.append(("functions", Table(
            ["function", "type", "input", "output", "params"],
            [[fn.name, fn.type_name, ", ".join(fn.inputs), ", ".join(fn.outputs),
              ", ".join(f"{k}={v}" for k, v in fn.params.items())] for fn in info.functions],
        )))
    sections.append(("indexes", _index_table(indexes)))
    sections.append(("partitions", Table(["partition"], [[p] for p in partitions])))
    return Document(summary, sections, json=document_of(info, indexes, partitions))


def _index_table(indexes: Sequence[IndexInfo]) -> Table:
    return Table(
        ["index", "field", "type", "metric", "params", "state", "indexed rows"],
        [
            [i.name, i.field, i.index_type, i.metric_type, i.params_text(), i.state,
             "" if i.indexed_rows is None else f"{i.indexed_rows}/{i.total_rows}"]
            for i in indexes
        ],
    )


def show_indexes(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    return _index_table(session.list_indexes(inv.arg("COLLECTION")))


def show_partitions(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    name = inv.arg("COLLECTION")
    rows = []
    for partition in session.list_partitions(name):
        rows.append([partition, f"~{session.partition_rows(name, partition)}",
                     str(session.load_state(name, partition))])
    return Table(["partition", "rows", "load state"], rows,
                 footer=f"({len(rows)} partitions; ~: the server's statistics, which lag behind deletes and "
                        f"unflushed inserts: count {name} is exact)")


def show_aliases(ctx: ShellContext, inv: Invocation) -> Table:
    alias, session = ctx.active()
    pairs = session.list_aliases(inv.arg("COLLECTION") or "")
    return Table(["alias", "collection"], [list(p) for p in pairs])


def server(ctx: ShellContext, inv: Invocation) -> Document | Group:
    alias, session = ctx.active()
    info = session.server_info()
    facts: list[tuple[str, Any]] = [
        ("alias", alias),
        ("address", session.address),
        ("version", info.version),
        ("deploy mode", info.deploy_mode),
        ("health", info.health),
        ("round trip ms", round(info.round_trip_ms, 2)),
        ("database", session.database or "default"),
    ]
    if info.build_time:
        facts.append(("build time", info.build_time))
    if info.git_commit:
        facts.append(("git commit", info.git_commit))
    if not inv.opt("details"):
        return Document(facts)
    try:
        nodes = session.server_nodes()
    except ServerError as exc:
        if exc.kind != "unsupported":
            raise
        said = reword(exc, Context(command="details", lacks="it has no metrics API"), session)
        return Group((Document(facts), Message(said.message, "warning")))
    facts.append(("nodes", len(nodes)))
    hosts = {n.address.rsplit(":", 1)[0]: n for n in nodes}
    facts += [(f"memory of {host}", f"{_megabytes(n.memory_total)} MB, {n.cpu_cores} cpu cores")
              for host, n in hosts.items() if n.memory_total is not None]
    table = Table(
        ["node", "role", "version", "address", "since", "memory used MB", "cpu usage %", "error"],
        [[n.name, n.role, n.version, n.address, n.created, _megabytes(n.memory_used), n.cpu_usage, n.error]
         for n in nodes],
    )
    return Document(facts, (("nodes", table),))


def _megabytes(value: int | None) -> int | None:
    return None if value is None else round(value / 2**20)


# -- load and release ------------------------------------------------------------------------------

def load(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    name = inv.arg("COLLECTION")
    wait = inv.opt("wait", DEFAULT_LOAD_WAIT)
    partitions = list(dict.fromkeys(inv.opt("partition") or ()))
    replicas, groups = inv.opt("replicas") or 0, list(dict.fromkeys(inv.opt("resource_group") or ()))
    what = f"{name} (partition{'s' if len(partitions) > 1 else ''} {', '.join(partitions)})" if partitions else name
    progress = lambda pct: ctx.progress(f"loading {what}: {pct}%")  # noqa: E731
    if partitions or replicas or groups:
        seconds = session.load_partitions(name, partitions, wait, progress, replicas, groups)
    else:
        seconds = session.load(name, wait, progress)
    placed = f" ({replicas} replica{'s' if replicas > 1 else ''})" if replicas else ""
    placed += f" in resource group{'s' if len(groups) > 1 else ''} {', '.join(groups)}" if groups else ""
    return Message(f"loaded {what}{placed} in {seconds:.1f} s")


def release(ctx: ShellContext, inv: Invocation) -> Message:
    alias, session = ctx.active()
    name = inv.arg("COLLECTION")
    partitions = list(dict.fromkeys(inv.opt("partition") or ()))
    if partitions:
        session.release_partitions(name, partitions)
        return Message(f"released partition{'s' if len(partitions) > 1 else ''} {', '.join(partitions)} of {name}; "
                       f"show load {name} shows what stays loaded")
    session.release(name)
    return Message(f"released {name}; load {name} makes it searchable again")


_PARTITIONS = Option("--partition", "only this partition (give it again for more)", Kind.PARTITION, "PARTITION",
                     repeat=True)


_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)

COMMANDS = (
    Command(
        name="show databases",
        summary="List the databases of the active connection (* marks the one in use)",
        handler=show_databases,
        options=(FORMAT_OPTION,),
        examples=("show databases",),
    ),
    Command(
        name="use database",
        changes=frozenset({Effect.CONNECTIONS}),
        summary="Switch the active connection to another database",
        handler=use_database,
        positionals=(Positional("NAME", Kind.DATABASE, "a database on the server", required=True),),
        examples=("use database default", "use database shop"),
        details=(
            "The connection is reopened on that database (Milvus 2.3.5 cannot switch in place); when "
            "the database does not exist, nothing changes. A later reconnect keeps the database."
        ),
    ),
    Command(
        name="show collections",
        summary="List collections with their row counts and load states",
        handler=show_collections,
        positionals=(Positional("PATTERN", Kind.COLLECTION, "only names matching this (book*, or a part of the name)"),),
        options=(FORMAT_OPTION,),
        examples=("show collections", "show collections book*"),
        details=(
            "Rows are exact for loaded collections; for others they come from the server's statistics "
            "(marked ~; Milvus counts only flushed rows there). With more than "
            f"{SHOW_DETAILS_UP_TO} collections only the names are listed."
        ),
    ),
    Command(
        name="describe",
        summary="A collection's schema, indexes, partitions, load state, rows, aliases and properties",
        handler=describe,
        positionals=(_COLLECTION,),
        options=(FORMAT_OPTION,),
        examples=("describe books", "describe books --format json"),
        details=("--format csv gives the fields; --format json gives the schema document (docs/schema.md) that "
                 "create collection NAME --schema FILE reads, so the two copy a collection's shape."),
    ),
    Command(
        name="show indexes",
        summary="A collection's indexes with their type, metric, parameters and progress",
        handler=show_indexes,
        positionals=(_COLLECTION,),
        options=(FORMAT_OPTION,),
        examples=("show indexes books",),
    ),
    Command(
        name="show partitions",
        summary="A collection's partitions with estimated row counts and load states",
        handler=show_partitions,
        positionals=(_COLLECTION,),
        options=(FORMAT_OPTION,),
        examples=("show partitions books",),
    ),
    Command(
        name="show aliases",
        summary="Collection aliases in the current database (or of one collection)",
        handler=show_aliases,
        positionals=(Positional("COLLECTION", Kind.COLLECTION, "only this collection's aliases"),),
        options=(FORMAT_OPTION,),
        examples=("show aliases", "show aliases books"),
    ),
    Command(
        name="server",
        summary="Version, deploy mode and health of the active connection's server",
        handler=server,
        options=(FORMAT_OPTION, Option("--details", "also the nodes the server's metrics API reports "
                                       "(role, version, address, start time, memory, cpu)")),
        examples=("server", "server --details", "server --details --format json"),
        details="--details asks the metrics API (GetMetrics system_info); Milvus Lite has none.",
    ),
    Command(
        name="load",
        summary="Load a collection into memory so it can be searched and queried",
        handler=load,
        positionals=(_COLLECTION,),
        options=(Option("--wait", f"seconds to wait for the load to finish (default {DEFAULT_LOAD_WAIT:g})",
                        Kind.NUMBER, "SECONDS", bounds=(0.001, 86400)),
                 _PARTITIONS,
                 Option("--replicas", "how many replicas to load (Milvus with several query nodes)", Kind.INTEGER,
                        "N", bounds=(1, 100)),
                 Option("--resource-group", "a resource group to load replicas into (give it again for more)",
                        Kind.WORD, "GROUP", repeat=True)),
        examples=("load books", "load books --wait 60", "load books --partition classics --partition novels",
                  "load books --replicas 2 --resource-group rg_a --resource-group rg_b"),
        changes=frozenset({Effect.LOADED}),
        details=("Shows progress while the server loads. Ctrl-C stops waiting; the server goes on loading. "
                 "--partition loads only those partitions (Milvus; Milvus Lite loads whole collections). "
                 "A loaded collection keeps its replica number: release it to change it."),
    ),
    Command(
        name="release",
        summary="Release a loaded collection from memory",
        handler=release,
        positionals=(_COLLECTION,),
        options=(_PARTITIONS,),
        examples=("release books", "release books --partition classics"),
        changes=frozenset({Effect.LOADED}),
    ),
)
