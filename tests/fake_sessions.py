"""Sessions with no network, for tests of completion, highlighting, keys and handlers.

``FakeSession`` implements, over an in-memory catalog, the areas of session_api.ServerSession that
the handler tests need: ExploreSession, ReadSession and WriteSession whole (the type checker holds it
to them: tests/unit/test_types.py), and the few layout and user calls those tests make. It records
every server call (name and arguments) in ``calls``, so a handler test can check what would have
reached a server (the same commands also have real-server tests).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from milvus_shell.addresses import parse_address
from milvus_shell.catalog import (CollectionDetails, CollectionInfo, CreatedCollection, FieldInfo, Grant,
                                  IndexInfo, LoadInfo)
from milvus_shell.connection import ConnectionSettings, PingInfo
from milvus_shell.errors import ServerError
from milvus_shell.registry import ConnectionRegistry
from milvus_shell.searching import SearchPlan
from milvus_shell.catalog import capabilities_of  # noqa: I001 - its own line, apart from the catalog's data types

BOOKS = CollectionInfo("books", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("title", "VarChar(64)", "VARCHAR"),
    FieldInfo("vector", "FloatVector(dim 4)", "FLOAT_VECTOR", dim=4),
))


class FakeSession:
    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self.server_version = "fake-2.5"
        self.server = capabilities_of(self.server_version)
        self.database = settings.effective_database or "default"
        self.round_trip_ms = 0.1
        self.collections: dict[str, CollectionInfo] = {"books": BOOKS}
        self.rows: dict[str, list[dict[str, Any]]] = {"books": [{"id": i, "title": f"book {i}"} for i in range(3)]}
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.batch_size = 1000  # rows per batch of query_batches
        self.users: dict[str, str] = {"root": "Milvus"}  # user -> password
        self.grants: dict[str, list[Grant]] = {}  # role -> its grants
        self.privilege_groups: dict[str, list[str]] = {}

    @property
    def address(self) -> str:
        return self.settings.display_address()

    def ping(self) -> PingInfo:
        return PingInfo("", self.address, 0.1, True, "serving")

    def close(self, stop_embedded: bool = True) -> None:
        pass

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def _info(self, name: str) -> CollectionInfo:
        if name not in self.collections:
            raise ServerError(f"collection {name!r} not found in database {self.database!r}",
                              "collection-not-found")
        return self.collections[name]

    def list_databases(self) -> list[str]:
        return ["default"]

    def list_collections(self) -> list[str]:
        return sorted(self.collections)

    def describe_collection(self, name: str) -> CollectionInfo:
        self._record("describe_collection", name)
        return self._info(name)

    def describe(self, name: str) -> CollectionDetails:
        return CollectionDetails(self._info(name), (), ("_default",), LoadInfo("loaded"), len(self.rows[name]))

    def row_count(self, name: str) -> int:
        self._info(name)
        return len(self.rows[name])

    def load_state(self, name: str, partition: str = "") -> LoadInfo:
        self._info(name)
        return LoadInfo("loaded")

    def list_indexes(self, name: str) -> list[IndexInfo]:
        return []

    def list_partitions(self, name: str) -> list[str]:
        return ["_default"]

    def list_aliases(self, collection: str = "") -> list[tuple[str, str]]:
        return []

    def count(self, collection: str, filter_expr: str = "") -> int:
        self._record("count", collection, filter_expr)
        self._info(collection)
        return len(self.rows[collection])

    def query(self, collection: str, filter_expr: str, fields: Sequence[str] | None, limit: int,
              offset: int = 0, partitions: Sequence[str] | None = None) -> list[dict[str, Any]]:
        self._record("query", collection, filter_expr, limit, offset)
        return self.rows[collection][offset:offset + limit]

    def query_batches(self, collection: str, filter_expr: str, fields: Sequence[str] | None,
                      schema: CollectionInfo, limit: int | None = None, offset: int = 0,
                      partitions: Sequence[str] | None = None) -> FakeBatches:
        self._record("query_batches", collection, filter_expr, limit, offset)
        rows = self.rows[self._info(collection).name][offset:]
        return FakeBatches(rows if limit is None else rows[:limit], self.batch_size)

    def get(self, collection: str, key_filter: str, fields: Sequence[str] | None) -> list[dict[str, Any]]:
        """``key_filter`` is expr.one_of's ``id in [...]``; its literals are read back as JSON."""
        self._record("get", collection, key_filter)
        self._info(collection)
        ids = set(json.loads(key_filter.partition(" in ")[2]))
        return [r for r in self.rows[collection] if r.get("id") in ids]

    def search(self, collection: str, vectors: Sequence[Sequence[float]], field: str, limit: int,
               filter_expr: str, fields: Sequence[str], params: dict[str, Any],
               partitions: Sequence[str] | None = None) -> list[list[dict[str, Any]]]:
        self._record("search", collection, len(vectors), field, limit, filter_expr)
        self._info(collection)
        return [[{**r, "distance": 0.0} for r in self.rows[collection][:limit]] for _ in vectors]

    def search_plan(self, plan: SearchPlan) -> list[list[dict[str, Any]]]:
        self._record("search_plan", plan)
        self._info(plan.collection)
        pk = plan.pk
        rows = self.rows[plan.collection][:plan.limit]
        return [[{"id": r.get(pk), "distance": 0.0, "entity": r} for r in rows] for _ in plan.requests[0].data]

    def search_stream(self, plan: SearchPlan) -> FakeBatches:
        self._record("search_stream", plan)
        rows = self.rows[self._info(plan.collection).name]
        return FakeBatches([{"id": r.get(plan.pk), "distance": 0.0, "entity": r} for r in rows], self.batch_size)

    def insert(self, collection: str, rows: Sequence[dict[str, Any]], partition: str = "") -> list[Any]:
        self._record("insert", collection, list(rows), partition)
        self._info(collection)
        self.rows[collection].extend(rows)
        return [r.get("id") for r in rows]

    def upsert(self, collection: str, rows: Sequence[dict[str, Any]], partition: str = "") -> list[Any]:
        self._record("upsert", collection, list(rows), partition)
        self._info(collection)
        keys = {r.get("id") for r in rows}
        self.rows[collection] = [r for r in self.rows[collection] if r.get("id") not in keys] + list(rows)
        return [r.get("id") for r in rows]

    def delete(self, collection: str, filter_expr: str, partition: str = "") -> None:
        self._record("delete", collection, filter_expr, partition)
        self._info(collection)

    def flush(self, name: str) -> None:
        self._record("flush", name)
        self._info(name)

    def drop_collection(self, name: str) -> None:
        self._record("drop_collection", name)
        self._info(name)
        del self.collections[name]
        del self.rows[name]

    def create_database(self, name: str) -> None:
        self._record("create_database", name)

    def drop_database(self, name: str) -> None:
        self._record("drop_database", name)

    def create_collection(self, name: str, spec: Any) -> CreatedCollection:
        self._record("create_collection", name, spec)
        return CreatedCollection(name, (), loaded=True)

    def drop_index(self, collection: str, name: str) -> None:
        self._record("drop_index", collection, name)

    def partition_rows(self, name: str, partition: str) -> int:
        return 7

    def drop_partition(self, collection: str, name: str) -> None:
        self._record("drop_partition", collection, name)

    def alias_target(self, alias: str) -> str | None:
        return "books" if alias == "novels" else None

    def drop_alias(self, alias: str) -> None:
        self._record("drop_alias", alias)


    def user_exists(self, name: str) -> bool:
        return name in self.users

    def create_user(self, name: str, password: str) -> None:
        self._record("create_user", name)  # never the password: calls are shown in failures
        self.users[name] = password

    # -- roles and grants (revoke *, drop role --force), privilege groups (no server here has them) ----
    def list_grants(self, role: str) -> list[Grant]:
        if role not in self.grants:
            raise ServerError(f"role {role!r} not found", "role-not-found")
        return list(self.grants[role])

    def role_members(self) -> list[tuple[str, list[str]]]:
        return [(role, []) for role in self.grants]

    def revoke_privilege(self, role: str, object_type: str, privilege: str, name: str, database: str = "") -> None:
        self._record("revoke_privilege", role, object_type, privilege, name, database)
        self.grants[role] = [g for g in self.grants[role]
                             if (g.object_type, g.privilege, g.object_name) != (object_type, privilege, name)]

    def drop_role(self, name: str) -> None:
        self._record("drop_role", name)
        if self.grants.get(name):
            raise ServerError("fail to drop the role that it has privileges", "milvus-65535")
        self.grants.pop(name, None)

    def list_privilege_groups(self) -> list[tuple[str, list[str]]]:
        self._record("list_privilege_groups")
        return sorted((g, list(p)) for g, p in self.privilege_groups.items())

    def create_privilege_group(self, name: str, privileges: Sequence[str] = ()) -> None:
        self._record("create_privilege_group", name, tuple(privileges))
        self.privilege_groups[name] = list(privileges)

    def drop_privilege_group(self, name: str) -> None:
        self._record("drop_privilege_group", name)
        del self.privilege_groups[name]

    def grant_privilege_v2(self, role: str, privilege: str, collection: str, database: str = "") -> None:
        self._record("grant_privilege_v2", role, privilege, collection, database)

    def revoke_privilege_v2(self, role: str, privilege: str, collection: str, database: str = "") -> None:
        self._record("revoke_privilege_v2", role, privilege, collection, database)


class FakeBatches:
    """Rows in batches of ``batch_size``, as session_api.RowBatches."""

    def __init__(self, rows: list[dict[str, Any]], batch_size: int) -> None:
        self.rows, self.batch_size, self.closed = rows, batch_size, False

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        start = 0
        while start < len(self.rows) and not self.closed:
            yield self.rows[start:start + self.batch_size]
            start += self.batch_size

    def close(self) -> None:
        self.closed = True


if TYPE_CHECKING:  # the areas FakeSession is held to (mypy: tests/unit/test_types.py)
    from milvus_shell.session_api import ExploreSession, ReadSession, WriteSession

    def _explore(session: FakeSession) -> ExploreSession:
        return session

    def _read(session: FakeSession) -> ReadSession:
        return session

    def _write(session: FakeSession) -> WriteSession:
        return session


class FakeBackend:
    @staticmethod
    def open_session(settings: ConnectionSettings, timeout: float) -> FakeSession:
        return FakeSession(settings)


def fake_registry(connected: dict[str, str] | None = None, disconnected: dict[str, str] | None = None,
                  active: str | None = None) -> ConnectionRegistry:
    """A registry holding ``connected`` and ``disconnected`` aliases (alias -> address)."""
    registry = ConnectionRegistry(timeout=1, backend_loader=lambda: FakeBackend)
    for alias, address in {**(disconnected or {}), **(connected or {})}.items():
        registry.connect(alias, ConnectionSettings(parse_address(address)))
    for alias in disconnected or {}:
        registry.disconnect(alias)
    if active is not None:
        registry.use(active)
    return registry
