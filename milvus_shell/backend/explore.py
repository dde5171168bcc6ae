"""Looking around a server: databases, collections, schemas, indexes, partitions, aliases, users.

The methods of ExploreOps become methods of backend.Session; each calls the session's MilvusClient
through ``self.call`` (timeout, error translation); ``worded`` (wording.py) makes the errors of calls
on a collection name the collection the user typed.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable

from ..catalog import CollectionDetails, CollectionInfo, IndexInfo, LoadInfo, ServerCapabilities, ServerInfo
from ..errors import ServerError
from ..wording import Context, reword, worded
from .schema import collection_info, index_info

LOAD_STATES = {"Loaded": "loaded", "Loading": "loading", "NotLoad": "not loaded", "NotExist": "not found"}
LOAD_POLL_SECONDS = 0.2


class ExploreOps:
    """Looking around: the session methods for databases, collections, schemas, indexes, partitions,
    aliases, users, the server, load and release (mixed into backend.Session)."""

    client: Any
    database: str
    server_version: str
    server: ServerCapabilities
    call: Callable[..., Any]
    ping: Callable[[], Any]

    def list_databases(self) -> list[str]:
        return list(self.call(self.client.list_databases))

    def list_collections(self) -> list[str]:
        return sorted(self.call(self.client.list_collections))

    def describe_collection(self, name: str) -> CollectionInfo:
        with worded(self, collection=name):
            raw = self.call(self.client.describe_collection, name)
        return collection_info(raw)

    def row_count(self, name: str) -> int:
        """Rows the server's statistics know of (Milvus counts flushed rows; recent inserts may lag)."""
        with worded(self, collection=name):
            stats = self.call(self.client.get_collection_stats, name)
        return int(stats.get("row_count", 0))

    def load_state(self, name: str, partition: str = "") -> LoadInfo:
        with worded(self, collection=name):
            raw = self.call(self.client.get_load_state, name, partition_name=partition)
        state = getattr(raw.get("state"), "name", str(raw.get("state")))
        if state == "NotExist" and not partition:
            raise reword(ServerError("collection not found", "collection-not-found"), Context(collection=name), self)
        progress = raw.get("progress")
        return LoadInfo(LOAD_STATES.get(state, state.lower()), int(progress) if progress is not None else None)

    def list_indexes(self, name: str) -> list[IndexInfo]:
        with worded(self, collection=name):
            names = self.call(self.client.list_indexes, name)
            found = []
            for index_name in names:
                raw = self.call(self.client.describe_index, name, index_name)
                if raw:
                    found.append(index_info(index_name, raw))
        return found

    def list_partitions(self, name: str) -> list[str]:
        with worded(self, collection=name):
            return list(self.call(self.client.list_partitions, name))

    def partition_rows(self, name: str, partition: str) -> int:
        with worded(self, collection=name):
            stats = self.call(self.client.get_partition_stats, name, partition)
        return int(stats.get("row_count", 0))

    def list_aliases(self, collection: str = "") -> list[tuple[str, str]]:
        """(alias, collection) pairs, of one collection or of the whole database."""
        if collection:
            self.describe_collection(collection)  # Milvus Lite lists no aliases, and no error, for a typo
            with worded(self, collection=collection):
                raw = self.call(self.client.list_aliases, collection)
            return [(a, collection) for a in raw.get("aliases", ())]
        raw = self.call(self.client.list_aliases)
        here = set(self.list_collections())
        pairs = []
        for alias in raw.get("aliases", ()):
            target = (self.call(self.client.describe_alias, alias) or {}).get("collection_name", "")
            if target in here:  # Milvus 2.3.5 lists the aliases of every database
                pairs.append((alias, target))
        return sorted(pairs)

    def list_users(self) -> list[tuple[str, list[str]]]:
        """(user, roles) pairs."""
        users = []
        for user in self.call(self.client.list_users):
            described = self.call(self.client.describe_user, user) or {}
            users.append((user, list(described.get("roles") or ())))
        return users

    def list_roles(self) -> list[str]:
        return list(self.call(self.client.list_roles))

    def server_info(self) -> ServerInfo:
        detail = self.call(self.client.get_server_version, detail=True)
        ping = self.ping()
        label = self.server.label if self.server.version_text else f"Milvus {detail.get('version', '')}".strip()
        return ServerInfo(
            version=label,
            deploy_mode=str(detail.get("deploy_mode", "")).lower() or "unknown",
            build_time=str(detail.get("build_time", "")),
            git_commit=str(detail.get("git_commit", "")),
            healthy=ping.healthy,
            health=ping.detail,
            round_trip_ms=ping.round_trip_ms,
        )

    def load(self, name: str,
        wait: float,
        progress: Callable[[int], None] = lambda percent: None,
    ) -> float:
        """Ask the server to load ``name`` and wait until it has, up to ``wait`` seconds.

        Every call is bounded by the self's timeout. ``progress`` hears the percentage at every poll
        (so a caller that was abandoned, Ctrl-C, can stop the loop by raising from it). Returns the
        seconds it took.
        """
        started = time.monotonic()
        with worded(self, collection=name):
            self.call(self.client.load_collection, name, _async=True)
            while True:
                state = self.load_state(name)
                if state.state == "loaded":
                    progress(100)
                    return time.monotonic() - started
                percent = state.progress or 0
                progress(percent)
                if time.monotonic() - started > wait:
                    raise ServerError(
                        f"collection {name!r} is still loading ({percent}%) after {wait:g} s",
                        "still-loading",  # the server answers: the connection is not lost
                        f"it goes on loading on the server; show collections {name} tells its state",
                    )
                time.sleep(LOAD_POLL_SECONDS)

    def release(self, name: str) -> None:
        with worded(self, collection=name):
            self.call(self.client.release_collection, name)

    def describe(self, name: str) -> CollectionDetails:
        """Everything ``describe`` shows, gathered in one place."""
        info = self.describe_collection(name)
        real_name = info.name or name
        if not info.aliases:  # Milvus Lite leaves them out of describe_collection
            info = replace(info, aliases=tuple(a for a, _ in self.list_aliases(real_name)))
        return CollectionDetails(
            info=info,
            indexes=tuple(self.list_indexes(real_name)),
            partitions=tuple(self.list_partitions(real_name)),
            load=self.load_state(real_name),
            statistics_rows=self.row_count(real_name),
        )
