"""What a live connection offers the commands: the server operations, as one typed protocol.

backend.Session (the only code that talks to pymilvus) implements it; tests/fake_sessions.py has an
in-memory one for handler tests without a server. Handlers reach a session through
``ctx.session()`` and never import the backend. Every method is bounded by the call timeout and
raises only the shell's own errors (errors.py); results are plain data (catalog.py).
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, Sequence

from .catalog import CollectionDetails, CollectionInfo, IndexInfo, LoadInfo, ServerInfo
from .connection import PingInfo

Row = dict[str, Any]


class RowBatches(Protocol):
    """Batches of rows from a server-side cursor; ``close`` frees it (safe to call twice)."""

    def __iter__(self) -> Any: ...

    def close(self) -> None: ...


class ServerSession(Protocol):
    server_version: str
    database: str
    round_trip_ms: float

    @property
    def address(self) -> str: ...

    def ping(self) -> PingInfo: ...

    def close(self, stop_embedded: bool = True) -> None: ...

    # -- looking around
    def list_databases(self) -> list[str]: ...

    def list_collections(self) -> list[str]: ...

    def describe_collection(self, name: str) -> CollectionInfo: ...

    def describe(self, name: str) -> CollectionDetails: ...

    def row_count(self, name: str) -> int: ...

    def load_state(self, name: str, partition: str = "") -> LoadInfo: ...

    def list_indexes(self, name: str) -> list[IndexInfo]: ...

    def list_partitions(self, name: str) -> list[str]: ...

    def partition_rows(self, name: str, partition: str) -> int: ...

    def list_aliases(self, collection: str = "") -> list[tuple[str, str]]: ...

    def list_users(self) -> list[tuple[str, list[str]]]: ...

    def list_roles(self) -> list[str]: ...

    def server_info(self) -> ServerInfo: ...

    def load(self, name: str, wait: float, progress: Callable[[int], None] = ...) -> float: ...

    def release(self, name: str) -> None: ...

    # -- reading rows
    def count(self, collection: str, filter_expr: str = "") -> int: ...

    def query(self, collection: str, filter_expr: str, fields: Sequence[str] | None, limit: int,
              offset: int = 0, partitions: Sequence[str] | None = None) -> list[Row]: ...

    def query_batches(self, collection: str, filter_expr: str, fields: Sequence[str] | None,
                      batch_size: int, limit: int | None = None, offset: int = 0,
                      partitions: Sequence[str] | None = None) -> RowBatches: ...

    def get(self, collection: str, ids: Sequence[Any], fields: Sequence[str] | None) -> list[Row]: ...

    def search(self, collection: str, vectors: Sequence[Sequence[float]], field: str, limit: int,
               filter_expr: str, fields: Sequence[str], params: dict[str, Any],
               partitions: Sequence[str] | None = None) -> list[list[Row]]: ...

