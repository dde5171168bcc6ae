"""Looking around a server: databases, collections, schemas, indexes, partitions, aliases, users.

Every function takes a backend Session and calls its MilvusClient through ``session.call`` (timeout,
error translation). ``about`` rewords server errors so they name the collection the user typed.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Callable, Iterator

from ..catalog import CollectionInfo, IndexInfo, LoadInfo, ServerInfo
from ..errors import ServerError
from . import Session
from .schema import collection_info, index_info
from .wording import server_label

LOAD_STATES = {"Loaded": "loaded", "Loading": "loading", "NotLoad": "not loaded", "NotExist": "not found"}
LOAD_POLL_SECONDS = 0.2


def _database(session: Session) -> str:
    return session.database or "default"


@contextmanager
def about(session: Session, collection: str, filter_expr: str = "") -> Iterator[None]:
    """Reword errors of calls on ``collection``: not found, not loaded, bad filter expression."""
    try:
        yield
    except ServerError as exc:
        raise reword(exc, session, collection, filter_expr) from exc


def reword(exc: ServerError, session: Session, collection: str, filter_expr: str = "") -> ServerError:
    if exc.kind == "collection-not-found":
        return ServerError(
            f"collection {collection!r} not found in database {_database(session)!r}",
            exc.kind,
            "show collections lists the collections there",
        )
    if exc.kind == "not-loaded":
        return ServerError(
            f"collection {collection!r} is not loaded, so it cannot be searched or queried",
            exc.kind,
            f"load it first: load {collection}",
        )
    if filter_expr and _about_expression(exc.message):
        reason = _expression_reason(exc.message)
        return ServerError(f"bad filter expression {filter_expr!r}:{'' if reason.startswith(chr(10)) else ' '}{reason}",
                           "bad-filter")
    return exc


_EXPRESSION_WORDS = ("expression", "parse", "token", "column", "operand", "literal", "identifier",
                     "incompatible", "unknown function", "comparison")


def _about_expression(message: str) -> bool:
    low = message.lower()
    return any(w in low for w in _EXPRESSION_WORDS)


def _expression_reason(message: str) -> str:
    """The server's reason without its boilerplate (Milvus 2.3.5 repeats the expression)."""
    text = re.sub(r"^failed to create query plan: ", "", message.strip())
    m = re.match(r"cannot parse expression: .*?, error: (.*)$", text, re.S)
    if m:
        text = m.group(1)
    if "\n" in text:  # Milvus Lite draws a caret under the column: keep it, indented
        text = "\n" + "\n".join("  " + line for line in text.splitlines())
    return text


# -- databases and collections ----------------------------------------------------------------------

def list_databases(session: Session) -> list[str]:
    return list(session.call(session.client.list_databases))


def list_collections(session: Session) -> list[str]:
    return sorted(session.call(session.client.list_collections))


def describe_collection(session: Session, name: str) -> CollectionInfo:
    with about(session, name):
        raw = session.call(session.client.describe_collection, name)
    return collection_info(raw)


def row_count(session: Session, name: str) -> int:
    """Rows the server's statistics know of (Milvus counts flushed rows; recent inserts may lag)."""
    with about(session, name):
        stats = session.call(session.client.get_collection_stats, name)
    return int(stats.get("row_count", 0))


def load_state(session: Session, name: str, partition: str = "") -> LoadInfo:
    with about(session, name):
        raw = session.call(session.client.get_load_state, name, partition_name=partition)
    state = getattr(raw.get("state"), "name", str(raw.get("state")))
    if state == "NotExist" and not partition:
        raise reword(ServerError("collection not found", "collection-not-found"), session, name)
    progress = raw.get("progress")
    return LoadInfo(LOAD_STATES.get(state, state.lower()), int(progress) if progress is not None else None)


def list_indexes(session: Session, name: str) -> list[IndexInfo]:
    with about(session, name):
        names = session.call(session.client.list_indexes, name)
        found = []
        for index_name in names:
            raw = session.call(session.client.describe_index, name, index_name)
            if raw:
                found.append(index_info(index_name, raw))
    return found


def list_partitions(session: Session, name: str) -> list[str]:
    with about(session, name):
        return list(session.call(session.client.list_partitions, name))


def partition_rows(session: Session, name: str, partition: str) -> int:
    with about(session, name):
        stats = session.call(session.client.get_partition_stats, name, partition)
    return int(stats.get("row_count", 0))


def list_aliases(session: Session, collection: str = "") -> list[tuple[str, str]]:
    """(alias, collection) pairs, of one collection or of the whole database."""
    if collection:
        describe_collection(session, collection)  # Milvus Lite lists no aliases, and no error, for a typo
        with about(session, collection):
            raw = session.call(session.client.list_aliases, collection)
        return [(a, collection) for a in raw.get("aliases", ())]
    raw = session.call(session.client.list_aliases)
    here = set(list_collections(session))
    pairs = []
    for alias in raw.get("aliases", ()):
        target = (session.call(session.client.describe_alias, alias) or {}).get("collection_name", "")
        if target in here:  # Milvus 2.3.5 lists the aliases of every database
            pairs.append((alias, target))
    return sorted(pairs)


# -- users, roles, the server --------------------------------------------------------------------

def list_users(session: Session) -> list[tuple[str, list[str]]]:
    """(user, roles) pairs."""
    users = []
    for user in session.call(session.client.list_users):
        described = session.call(session.client.describe_user, user) or {}
        users.append((user, list(described.get("roles") or ())))
    return users


def list_roles(session: Session) -> list[str]:
    return list(session.call(session.client.list_roles))


def server_info(session: Session) -> ServerInfo:
    detail = session.call(session.client.get_server_version, detail=True)
    ping = session.ping()
    version = session.server_version or str(detail.get("version", ""))
    return ServerInfo(
        version=server_label(version),
        deploy_mode=str(detail.get("deploy_mode", "")).lower() or "unknown",
        build_time=str(detail.get("build_time", "")),
        git_commit=str(detail.get("git_commit", "")),
        healthy=ping.healthy,
        health=ping.detail,
        round_trip_ms=ping.round_trip_ms,
    )


# -- load and release -----------------------------------------------------------------------------

def load(
    session: Session,
    name: str,
    wait: float,
    progress: Callable[[int], None] = lambda percent: None,
) -> float:
    """Ask the server to load ``name`` and wait until it has, up to ``wait`` seconds.

    Every call is bounded by the session's timeout. ``progress`` hears the percentage at every poll
    (so a caller that was abandoned, Ctrl-C, can stop the loop by raising from it). Returns the
    seconds it took.
    """
    started = time.monotonic()
    with about(session, name):
        session.call(session.client.load_collection, name, _async=True)
        while True:
            state = load_state(session, name)
            if state.state == "loaded":
                progress(100)
                return time.monotonic() - started
            percent = state.progress or 0
            progress(percent)
            if time.monotonic() - started > wait:
                raise ServerError(
                    f"collection {name!r} is still loading ({percent}%) after {wait:g} s",
                    "timeout",
                    f"it goes on loading on the server; show collections {name} tells its state",
                )
            time.sleep(LOAD_POLL_SECONDS)


def release(session: Session, name: str) -> None:
    with about(session, name):
        session.call(session.client.release_collection, name)


def describe(session: Session, name: str) -> dict[str, Any]:
    """Everything ``describe`` shows, gathered in one place."""
    info = describe_collection(session, name)
    real_name = info.name or name
    if not info.aliases:  # Milvus Lite leaves them out of describe_collection
        info = replace(info, aliases=tuple(a for a, _ in list_aliases(session, real_name)))
    return {
        "info": info,
        "indexes": list_indexes(session, real_name),
        "partitions": list_partitions(session, real_name),
        "load": load_state(session, real_name),
        "rows": row_count(session, real_name),
    }
