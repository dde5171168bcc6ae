"""A server's inner state: segments, replicas, load and index progress, compactions.

Each command degrades clearly where the server lacks the API ("not supported by this server
(Milvus Lite)"); `server --details` (explore.py) shows the metrics API's nodes.
"""

from __future__ import annotations

from typing import Any

from ..context import ShellContext
from ..errors import ServerError, UsageError
from ..results import Message, Table
from .access import supported
from .spec import FORMAT_OPTION, Command, Effect, Invocation, Kind, Positional

_LITE_LACKS = "it keeps no segments, replicas or metrics of the kind Milvus reports"


def show_segments(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    name = inv.arg("COLLECTION")
    with supported(session, "show segments", _LITE_LACKS):
        segments = session.segments(name)
    columns = ["segment", "partition", "state", "rows", "level", "index", "nodes"]
    rows: list[list[Any]] = [
        [s.segment_id, s.partition, s.state, s.rows, s.level, s.index,
         ", ".join(str(n) for n in s.nodes) or "not loaded"]
        for s in segments
    ]
    # Milvus 2.3.5 reports no segment levels, nor index names for segments: leave those columns out.
    for k in (columns.index("index"), columns.index("level")):
        if not any(row[k] for row in rows):
            del columns[k]
            for row in rows:
                del row[k]
    total = sum(s.rows for s in segments)
    states: dict[str, int] = {}
    for s in segments:
        states[s.state] = states.get(s.state, 0) + 1
    by_state = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    footer = (f"total: {total} rows in {len(segments)} segments ({by_state})" if segments
              else f"total: 0 rows in 0 segments (nothing flushed or loaded yet; flush {name} seals growing rows)")
    return Table(columns, rows, footer=footer)


def show_replicas(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    name = inv.arg("COLLECTION")
    with supported(session, "show replicas", _LITE_LACKS):
        replicas = session.replicas(name)
    rows = []
    for r in replicas:
        for channel, leader, nodes in r.shards or (("", 0, ()),):
            rows.append([r.replica_id, ", ".join(map(str, r.nodes)), r.resource_group, channel, leader or "",
                         ", ".join(map(str, nodes))])
    footer = "" if rows else f"(no replicas: {name} is not loaded; load {name} makes them)"
    return Table(["replica", "nodes", "resource group", "shard channel", "leader", "shard nodes"], rows,
                 footer=footer)


def show_load(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    name = inv.arg("COLLECTION")
    state = session.load_state(name)
    rows = [[name, "(collection)", state.state, _percent(state.state, state.progress)]]
    for partition in session.list_partitions(name):
        part = session.load_state(name, partition)
        rows.append([name, partition, part.state, _percent(part.state, part.progress)])
    return Table(["collection", "partition", "state", "progress"], rows)


def _percent(state: str, progress: int | None) -> str:
    if state == "loaded":
        return "100%"
    return f"{progress}%" if progress is not None else ""


def show_index_progress(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    name, field = inv.arg("COLLECTION"), inv.arg("FIELD")
    indexes = session.list_indexes(name)
    if field:
        indexes = [i for i in indexes if i.field == field]
        if not indexes:
            raise UsageError(f"no index on field {field!r} of {name}", f"show indexes {name} lists them")
    rows = []
    for i in indexes:
        done = "" if i.indexed_rows is None else f"{i.indexed_rows}/{i.total_rows}"
        share = (f"{100 * i.indexed_rows // i.total_rows}%" if i.indexed_rows is not None and i.total_rows
                 else "100%" if i.total_rows == 0 and i.indexed_rows is not None else "")
        rows.append([i.name, i.field, i.state, done, share, "" if i.pending_rows is None else i.pending_rows])
    footer = "" if rows else f"(no indexes on {name})"
    return Table(["index", "field", "state", "indexed rows", "done", "pending rows"], rows, footer=footer)


def compact(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    name = inv.arg("COLLECTION")
    with supported(session, "compact", "it never compacts"):
        job = session.compact(name)
    if job == 0:
        if not session.server.compaction:
            raise ServerError("compact: not supported by Milvus Lite (it never compacts; it answered job 0)",
                              "unsupported")
        return Message(f"{name}: the server started no compaction (job 0)")
    return Message(f"compaction of {name} started: job {job}; show compaction {job} tells how it goes")


def show_compaction(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    job = inv.arg("ID")
    if not session.server.compaction:  # Milvus Lite answers "completed" for any number
        raise ServerError("show compaction: not supported by Milvus Lite (it never compacts)", "unsupported")
    with supported(session, "show compaction", "it never compacts"):
        info = session.compaction_state(job)
    return Table(["job", "state", "executing plans", "completed plans", "timed out plans"],
                 [[info.job_id, info.state, info.executing_plans, info.completed_plans, info.timed_out_plans]])


_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)

COMMANDS = (
    Command(
        name="show segments",
        summary="A collection's segments: partition, state, rows, level, index, query nodes; a total line",
        handler=show_segments,
        positionals=(_COLLECTION,),
        options=(FORMAT_OPTION,),
        examples=("show segments books", "watch show segments books"),
        details=("Sealed and flushed segments come from the data coordinator; growing ones (rows not yet "
                 "flushed) appear only while the collection is loaded. Levels and index names appear when the "
                 "server reports them (Milvus 2.3.5 does not: show index progress tells how far an index is)."),
    ),
    Command(
        name="show replicas",
        summary="A loaded collection's replicas, their query nodes and shard leaders",
        handler=show_replicas,
        positionals=(_COLLECTION,),
        options=(FORMAT_OPTION,),
        examples=("show replicas books",),
    ),
    Command(
        name="show load",
        summary="A collection's load state and progress, and each partition's",
        handler=show_load,
        positionals=(_COLLECTION,),
        options=(FORMAT_OPTION,),
        examples=("show load books", "watch 1 show load books"),
    ),
    Command(
        name="show index progress",
        summary="How far a collection's index builds are: indexed rows of the total, pending rows",
        handler=show_index_progress,
        positionals=(_COLLECTION, Positional("FIELD", Kind.FIELD, "only the index on this field")),
        options=(FORMAT_OPTION,),
        examples=("show index progress books", "show index progress books vector"),
    ),
    Command(
        name="compact",
        summary="Start compacting a collection's segments (merges small ones, drops deleted rows)",
        handler=compact,
        positionals=(_COLLECTION,),
        examples=("compact books",),
        details="Returns at once with a job id: show compaction ID follows it.",
        changes=frozenset({Effect.SEGMENTS}),
    ),
    Command(
        name="show compaction",
        summary="The state of a compaction job started by compact",
        handler=show_compaction,
        positionals=(Positional("ID", Kind.INTEGER, "the job id compact printed", required=True),),
        options=(FORMAT_OPTION,),
        examples=("show compaction 447857983637340161",),
    ),
)


