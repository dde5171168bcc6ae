"""Reading data: count, query (a page, or a stream through a query iterator), get, search; the
methods of DataOps become methods of backend.Session.

Rows come back as plain dicts of plain values (bytes as they are; the renderer shows them as hex).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from .explore import about

if TYPE_CHECKING:
    from . import Session



class RowStream:
    """Batches of row dicts from a pymilvus QueryIterator; ``close`` frees it (idempotent)."""

    def __init__(self, session: "Session", collection: str, filter_expr: str, iterator: Any) -> None:
        self._session = session
        self._collection = collection
        self._filter = filter_expr
        self._iterator = iterator
        self._closed = False

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        try:
            while not self._closed:
                with about(self._session, self._collection, self._filter):
                    batch = self._session.call(self._next)
                if not batch:
                    return
                yield [_plain(r) for r in batch]
        finally:
            self.close()

    def _next(self, timeout: float) -> list[dict[str, Any]]:
        # The iterator carries its own per-call timeout (given when it was made); ``timeout`` is
        # what session.call adds to every call.
        return self._iterator.next()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._iterator.close()
            except Exception:  # noqa: BLE001 - closing a cursor must not fail the command
                pass


def _plain(row: Any) -> dict[str, Any]:
    return {k: _plain_value(v) for k, v in dict(row).items()}


def _plain_hit(hit: Any) -> dict[str, Any]:
    hit = dict(hit)
    entity = hit.get("entity") or {}
    return {"id": _plain_value(hit.get("id")), "distance": hit.get("distance"), "entity": _plain(entity)}


def _plain_value(value: Any) -> Any:
    """Protobuf containers and numpy values become lists and Python numbers (json can write them)."""
    if isinstance(value, (str, int, float, bool, bytes, dict)) or value is None:
        return value
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    try:
        return [_plain_value(v) for v in value]
    except TypeError:
        return value


class DataOps:
    """Reading rows: count, query, query_batches, get, search (mixed into backend.Session)."""

    client: Any
    call: Callable[..., Any]

    def count(self, collection: str, filter_expr: str = "") -> int:
        with about(self, collection, filter_expr):
            rows = self.call(self.client.query, collection, filter=filter_expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def query(self, collection: str, filter_expr: str, fields: Sequence[str] | None,
              limit: int, offset: int = 0, partitions: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """At most ``limit`` rows after ``offset`` (offset + limit <= MAX_QUERY_WINDOW)."""
        with about(self, collection, filter_expr):
            rows = self.call(
                self.client.query, collection, filter=filter_expr, output_fields=list(fields or ["*"]),
                limit=limit, offset=offset, partition_names=list(partitions) if partitions else None,
            )
        return [_plain(r) for r in rows]

    def query_batches(self, collection: str, filter_expr: str, fields: Sequence[str] | None,
                      batch_size: int, limit: int | None = None, offset: int = 0,
                      partitions: Sequence[str] | None = None) -> "RowStream":
        """Rows in batches through a server-side query iterator; every batch call has the timeout."""
        kwargs: dict[str, Any] = {
            "batch_size": batch_size,
            "filter": filter_expr,
            "output_fields": list(fields or ["*"]),
            "partition_names": list(partitions) if partitions else None,
        }
        if limit is not None:
            kwargs["limit"] = limit
        if offset:
            kwargs["offset"] = offset
        with about(self, collection, filter_expr):
            iterator = self.call(self.client.query_iterator, collection, **kwargs)
        return RowStream(self, collection, filter_expr, iterator)

    def get(self, collection: str, ids: Sequence[Any], fields: Sequence[str] | None) -> list[dict[str, Any]]:
        with about(self, collection):
            rows = self.call(self.client.get, collection, list(ids), output_fields=list(fields or ["*"]))
        return [_plain(r) for r in rows]

    def search(self, collection: str, vectors: Sequence[Sequence[float]], field: str, limit: int,
               filter_expr: str, fields: Sequence[str], params: dict[str, Any],
               partitions: Sequence[str] | None = None) -> list[list[dict[str, Any]]]:
        """For each query vector, its hits nearest first: {"id": ..., "distance": ..., "entity": {...}}."""
        with about(self, collection, filter_expr):
            results = self.call(
                self.client.search, collection, data=[list(v) for v in vectors], anns_field=field,
                limit=limit, filter=filter_expr, output_fields=list(fields), search_params=params,
                partition_names=list(partitions) if partitions else None,
            )
        return [[_plain_hit(h) for h in hits] for hits in results]
