"""Operating a deployment: collection and database properties, truncate, resource groups, replica
transfer and privilege groups. Loading single partitions is `load --partition` (explore.py)."""

from __future__ import annotations

from typing import Any

from ..context import ShellContext
from ..errors import ServerError, UsageError
from ..privileges import PRIVILEGES
from ..properties import COLLECTION_KEYS, DATABASE_KEYS, PropertyKey, key_names, parse_changes
from ..results import Document, Message, Table
from .define import its_rows
from .spec import FORMAT_OPTION, Command, Effect, Invocation, Kind, Option, Positional

_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)
_GROUP = Positional("GROUP", Kind.WORD, "a resource group", required=True)


def _set_option(keys: tuple[PropertyKey, ...]) -> Option:
    return Option("--set", "a property to give a value: " + ", ".join(key_names(keys)), Kind.WORD, "KEY=VALUE",
                  repeat=True)


_UNSET = Option("--unset", "a property to remove", Kind.WORD, "KEY", repeat=True)


def _said(changes: dict[str, str], dropped: list[str]) -> str:
    parts = [f"{k}={v}" for k, v in changes.items()] + [f"{k} removed" for k in dropped]
    return ", ".join(parts)


# -- properties ------------------------------------------------------------------------------------

def alter_collection(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("COLLECTION")
    changes, dropped = parse_changes(inv.opt("set") or (), inv.opt("unset") or (), COLLECTION_KEYS,
                                     f"collection {name!r}")
    ctx.session().alter_collection(name, changes, dropped)
    return Message(f"collection {name}: {_said(changes, dropped)}; describe {name} shows its properties")


def alter_database(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("NAME")
    changes, dropped = parse_changes(inv.opt("set") or (), inv.opt("unset") or (), DATABASE_KEYS,
                                     f"database {name!r}")
    ctx.session().alter_database(name, changes, dropped)
    return Message(f"database {name}: {_said(changes, dropped)}; describe database {name} shows its properties")


def describe_database(ctx: ShellContext, inv: Invocation) -> Document:
    session = ctx.session()
    name = inv.arg("NAME") or session.database or "default"
    properties = session.database_properties(name)
    facts: list[tuple[str, Any]] = [("database", name)]
    facts += [(k, v) for k, v in sorted(properties.items())] or [("properties", "none")]
    return Document(facts)


def truncate_loss(ctx: ShellContext, inv: Invocation) -> str:
    name = inv.arg("COLLECTION")
    try:
        rows = its_rows(ctx.session(), name)
    except ServerError:
        rows = "its rows"  # truncate itself says what is wrong
    return (f"truncate collection {name!r}: delete {rows} (its schema, indexes, partitions and "
            "properties stay; the rows cannot be brought back)")


def truncate(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("COLLECTION")
    ctx.session().truncate(name)
    return Message(f"truncated {name}: it holds no rows; its schema, indexes and partitions stay")


# -- resource groups -------------------------------------------------------------------------------

def show_resource_groups(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    rows = []
    for name in session.list_resource_groups():
        group = session.describe_resource_group(name)
        replicas = ", ".join(f"{c} ({n})" for c, n in sorted(group.loaded_replicas.items()))
        rows.append([name, group.available_nodes, _size(group), replicas])
    return Table(["resource group", "nodes", "requests / limits", "replicas (collection)"], rows)


def _size(group: Any) -> str:
    if group.requests is not None or group.limits is not None:
        return f"{group.requests} / {group.limits}"
    return f"capacity {group.capacity}" if group.capacity is not None else ""


def describe_resource_group(ctx: ShellContext, inv: Invocation) -> Document:
    group = ctx.session().describe_resource_group(inv.arg("GROUP"))
    facts: list[tuple[str, Any]] = [("resource group", group.name), ("available nodes", group.available_nodes)]
    if group.capacity is not None:
        facts.append(("capacity", group.capacity))
    if group.requests is not None or group.limits is not None:
        facts += [("requests (nodes)", group.requests), ("limits (nodes)", group.limits)]
    facts.append(("nodes", ", ".join(group.nodes) or "none listed"))
    for label, counts in (("loaded replicas", group.loaded_replicas), ("incoming nodes", group.incoming_nodes),
                          ("outgoing nodes", group.outgoing_nodes)):
        facts.append((label, ", ".join(f"{c}: {n}" for c, n in sorted(counts.items())) or "none"))
    return Document(facts)


def create_resource_group(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("GROUP")
    ctx.session().create_resource_group(name, inv.opt("requests"), inv.opt("limits"))
    return Message(f"created resource group {name}; load COLLECTION --resource-group {name} places replicas there")


def drop_resource_group_loss(ctx: ShellContext, inv: Invocation) -> str:
    return (f"drop resource group {inv.arg('GROUP')!r} (its query nodes, if any, must be moved out first: "
            "the server says so)")


def drop_resource_group(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("GROUP")
    ctx.session().drop_resource_group(name)
    return Message(f"dropped resource group {name}")


def transfer_replica(ctx: ShellContext, inv: Invocation) -> Message:
    collection, source, target = inv.arg("COLLECTION"), inv.opt("from"), inv.opt("to")
    if not source or not target:
        raise UsageError(f"transfer replica needs --{'to' if source else 'from'} GROUP",
                         f"e.g. transfer replica {collection} --from __default_resource_group --to GROUP --replicas 1")
    if source == target:
        raise UsageError(f"--from and --to name the same resource group, {source!r}: nothing would move")
    replicas = inv.opt("replicas", 1)
    ctx.session().transfer_replica(collection, source, target, replicas)
    plural = "s" if replicas != 1 else ""
    return Message(f"moved {replicas} replica{plural} of {collection} from {source} to {target}; "
                   f"show replicas {collection} shows where they are")


# -- privilege groups ------------------------------------------------------------------------------

def show_privilege_groups(ctx: ShellContext, inv: Invocation) -> Table:
    groups = ctx.session().list_privilege_groups()
    return Table(["privilege group", "privileges"], [[g, ", ".join(p)] for g, p in groups],
                 footer="" if groups else "(no privilege groups)")


def create_privilege_group(ctx: ShellContext, inv: Invocation) -> Message:
    name, privileges = inv.arg("GROUP"), list(inv.opt("privilege") or ())
    ctx.session().create_privilege_group(name, privileges)
    held = f" holding {', '.join(privileges)}" if privileges else ""
    return Message(f"created privilege group {name}{held}")


def drop_privilege_group_loss(ctx: ShellContext, inv: Invocation) -> str:
    return f"drop privilege group {inv.arg('GROUP')!r} (roles granted it lose its privileges)"


def drop_privilege_group(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("GROUP")
    ctx.session().drop_privilege_group(name)
    return Message(f"dropped privilege group {name}")


def _group_grant(ctx: ShellContext, inv: Invocation, grant: bool) -> Message:
    group, collection, role = inv.arg("GROUP"), inv.arg("COLLECTION"), inv.arg("ROLE")
    database = inv.opt("db") or ""
    session = ctx.session()
    if grant:
        session.grant_privilege_v2(role, group, collection, database)
    else:
        session.revoke_privilege_v2(role, group, collection, database)
    where = f" in database {database}" if database else ""
    return Message(f"role {role} {'may now' if grant else 'may no longer'} use privilege group {group} on "
                   f"collection {collection}{where}")


def grant_privilege_group(ctx: ShellContext, inv: Invocation) -> Message:
    return _group_grant(ctx, inv, grant=True)


def revoke_privilege_group(ctx: ShellContext, inv: Invocation) -> Message:
    return _group_grant(ctx, inv, grant=False)


def _word(name: str) -> Positional:
    return Positional(name, Kind.CHOICE, f"the word {name}", required=True, choices=(name,))


def _group_grant_args(preposition: str) -> tuple[Positional, ...]:
    return (Positional("GROUP", Kind.WORD, "a privilege group (or a privilege)", required=True), _word("on"),
            Positional("COLLECTION", Kind.COLLECTION, "a collection, or * for every one", required=True,
                       keywords=("*",)),
            _word(preposition), Positional("ROLE", Kind.WORD, "a role name", required=True))


_DB = Option("--db", "the database the collection is in (default: the connection's)", Kind.DATABASE, "DB")

_RESOURCE_DETAILS = ("Resource groups set query nodes apart for some collections' replicas. Milvus has them "
                     "(2.3 on); Milvus Lite does not (one process holds everything).")

COMMANDS = (
    Command(
        name="alter collection",
        summary="Set or remove a collection's properties (TTL, mmap, replicas, resource groups, ...)",
        handler=alter_collection,
        positionals=(_COLLECTION,),
        options=(_set_option(COLLECTION_KEYS), _UNSET),
        examples=("alter collection books --set collection.ttl.seconds=3600",
                  "alter collection books --set mmap.enabled=on --unset collection.ttl.seconds"),
        details=("Values of the keys the shell knows are checked before anything is sent (a TTL is an integer "
                 "of at least 0, mmap on or off); other keys are passed on as typed. describe shows the "
                 "properties. Milvus 2.3 cannot remove a property (--unset): set another value instead. "
                 "mmap.enabled applies at the next load."),
        changes=frozenset({Effect.FIELDS}),
    ),
    Command(
        name="alter database",
        summary="Set or remove a database's properties (replicas, resource groups, quotas, ...)",
        handler=alter_database,
        positionals=(Positional("NAME", Kind.DATABASE, "a database on the server", required=True),),
        options=(_set_option(DATABASE_KEYS), _UNSET),
        examples=("alter database default --set database.max.collections=100",
                  "alter database shop --unset database.force.deny.writing"),
        details="Milvus 2.3 has no database properties (no AlterDatabase); Milvus Lite and Milvus 2.4 on do.",
        changes=frozenset({Effect.DATABASES}),
    ),
    Command(
        name="describe database",
        summary="A database's properties (default: the one in use)",
        handler=describe_database,
        positionals=(Positional("NAME", Kind.DATABASE, "a database (default: the connection's)"),),
        options=(FORMAT_OPTION,),
        examples=("describe database", "describe database shop"),
        details="Milvus 2.3 cannot describe a database (no DescribeDatabase).",
    ),
    Command(
        name="truncate",
        summary="Delete every row of a collection, keeping its schema, indexes and partitions",
        handler=truncate,
        positionals=(_COLLECTION,),
        examples=("truncate books", "truncate books --yes"),
        details="Milvus Lite and newer Milvus servers truncate; Milvus 2.3 cannot (drop and create it again).",
        changes=frozenset({Effect.ROWS, Effect.SEGMENTS}),
        destroys=truncate_loss,
        confirm_by_typing="COLLECTION",
    ),
    Command(
        name="show resource groups",
        summary="Resource groups with their nodes and the replicas loaded in them",
        handler=show_resource_groups,
        options=(FORMAT_OPTION,),
        examples=("show resource groups",),
        details=_RESOURCE_DETAILS,
    ),
    Command(
        name="describe resource group",
        summary="One resource group: its nodes, size, loaded replicas and node transfers",
        handler=describe_resource_group,
        positionals=(_GROUP,),
        options=(FORMAT_OPTION,),
        examples=("describe resource group __default_resource_group",),
        details=_RESOURCE_DETAILS,
    ),
    Command(
        name="create resource group",
        summary="Make a resource group (query nodes set apart for some collections)",
        handler=create_resource_group,
        positionals=(Positional("GROUP", Kind.WORD, "the new resource group's name", required=True, accepts="new"),),
        options=(
            Option("--requests", "query nodes it asks for (Milvus 2.4 on)", Kind.INTEGER, "N", bounds=(0, 10_000)),
            Option("--limits", "query nodes it holds at most (Milvus 2.4 on)", Kind.INTEGER, "N", bounds=(0, 10_000)),
        ),
        examples=("create resource group rg_search", "create resource group rg_search --requests 1 --limits 2"),
        details=_RESOURCE_DETAILS,
    ),
    Command(
        name="drop resource group",
        summary="Delete an empty resource group",
        handler=drop_resource_group,
        positionals=(_GROUP,),
        examples=("drop resource group rg_search", "drop resource group rg_search --yes"),
        destroys=drop_resource_group_loss,
    ),
    Command(
        name="transfer replica",
        summary="Move a loaded collection's replicas from one resource group to another",
        handler=transfer_replica,
        positionals=(_COLLECTION,),
        options=(
            Option("--from", "the resource group they are in", Kind.WORD, "GROUP"),
            Option("--to", "the resource group they go to", Kind.WORD, "GROUP"),
            Option("--replicas", "how many replicas (default 1)", Kind.INTEGER, "N", bounds=(1, 100)),
        ),
        examples=("transfer replica books --from __default_resource_group --to rg_search --replicas 1",),
        details="The target group needs free query nodes. show replicas COLLECTION shows each replica's group.",
        changes=frozenset({Effect.LOADED}),
    ),
    Command(
        name="show privilege groups",
        summary="Privilege groups and the privileges in each (Milvus 2.5 on)",
        handler=show_privilege_groups,
        options=(FORMAT_OPTION,),
        examples=("show privilege groups",),
    ),
    Command(
        name="create privilege group",
        summary="Make a named set of privileges to grant as one (Milvus 2.5 on)",
        handler=create_privilege_group,
        positionals=(Positional("GROUP", Kind.WORD, "the new privilege group's name", required=True, accepts="new"),),
        options=(Option("--privilege", "a privilege it holds", Kind.CHOICE, "PRIVILEGE", choices=PRIVILEGES[1:],
                        repeat=True),),
        examples=("create privilege group readers --privilege Query --privilege Search",),
        changes=frozenset({Effect.ROLES}),
    ),
    Command(
        name="grant privilege group",
        summary="Let a role use a privilege group on a collection (Milvus 2.5 on)",
        handler=grant_privilege_group,
        positionals=_group_grant_args("to"),
        options=(_DB,),
        examples=("grant privilege group readers on books to analyst", "grant privilege group readers on * to analyst"),
        details="Uses the server's v2 privilege call (OperatePrivilegeV2), which Milvus 2.3 lacks.",
        changes=frozenset({Effect.ROLES}),
    ),
    Command(
        name="revoke privilege group",
        summary="Take a privilege group on a collection from a role (Milvus 2.5 on)",
        handler=revoke_privilege_group,
        positionals=_group_grant_args("from"),
        options=(_DB,),
        examples=("revoke privilege group readers on books from analyst",),
        changes=frozenset({Effect.ROLES}),
    ),
    Command(
        name="drop privilege group",
        summary="Delete a privilege group (Milvus 2.5 on)",
        handler=drop_privilege_group,
        positionals=(_GROUP,),
        examples=("drop privilege group readers --yes",),
        changes=frozenset({Effect.ROLES}),
        destroys=drop_privilege_group_loss,
    ),
)
