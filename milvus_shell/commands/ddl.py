"""Changing what a server holds: flush, drop collection (more to come: create, indexes, partitions)."""

from __future__ import annotations

from ..context import ShellContext
from ..results import Message
from .spec import Command, Effect, Invocation, Kind, Positional

_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)


def flush(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("COLLECTION")
    ctx.session().flush(name)
    return Message(f"flushed {name}: its rows are sealed and written to storage")


def drop_collection_loss(ctx: ShellContext, inv: Invocation) -> str:
    name = inv.arg("COLLECTION")
    rows = ctx.session().row_count(name)
    return f"drop collection {name!r} with its ~{rows} rows, indexes and partitions (this cannot be undone)"


def drop_collection(ctx: ShellContext, inv: Invocation) -> Message:
    name = inv.arg("COLLECTION")
    ctx.session().drop_collection(name)
    return Message(f"dropped collection {name}")


COMMANDS = (
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
        changes=frozenset({Effect.COLLECTIONS, Effect.ALIASES}),
        destroys=drop_collection_loss,
        confirm_by_typing="COLLECTION",
    ),
)
