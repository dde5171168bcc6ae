"""Reading data: count, query (a page, or a stream through a query iterator), get, search; the
methods of DataOps become methods of backend.Session.

Rows come back as plain dicts of plain values (bytes as they are; the renderer shows them as hex).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from ..wording import worded

if TYPE_CHECKING:
    from . import Session



class RowStream:
    """Batches of row dicts from a pymilvus QueryIterator; ``close`` frees it (idempotent).

    ``batch_size`` is the number of rows the next call asks for; setting it between batches resizes
    the iterator's following calls (pymilvus 3.0.2's QueryIterator reads its page size from
    ``_query_options`` on every call and moves its cursor by the rows it returned, so a new size
    neither skips nor repeats rows). An iterator without those options keeps its first size.
    """

    def __init__(self, session: "Session", collection: str, filter_expr: str, iterator: Any,
                 batch_size: int = 0) -> None:
        self._session = session
        self._collection = collection
        self._filter = filter_expr
        self._iterator = iterator
        self._closed = False
        self._batch_size = batch_size

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, rows: int) -> None:
        options = getattr(self._iterator, "_query_options", None)
        if rows == self._batch_size or not isinstance(options, dict) or _BATCH_KEYS - options.keys():
            return
        self._batch_size = rows
        for key in _BATCH_KEYS:
            options[key] = rows

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        try:
            while not self._closed:
                with worded(self._session, collection=self._collection, filter_expr=self._filter):
                    batch = self._session.call(self._next)
                if not batch:
                    return
                rows = _plain_rows(batch)
                del batch  # let the reply go before the next call: one batch in memory at a time
                yield rows
                del rows
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


# QueryIterator's options that hold its page size: rows kept per call, and the limit sent to the server.
_BATCH_KEYS = frozenset({"batch_size", "limit"})
# Values that need no conversion: most of every row.
_PLAIN_TYPES = frozenset({str, int, float, bool, bytes, dict, type(None)})


def _plain_rows(batch: Sequence[Any]) -> list[dict[str, Any]]:
    """``_plain`` of every row of a query-iterator batch, looking only at the columns that are not plain
    in the first row (pymilvus decodes a column one way for all its rows): most values are kept as
    they are without a look. A row with other keys than the first (a dynamic field) is done in full."""
    # pymilvus's rows are dicts of their own (the iterator keeps only the last primary key): used as
    # they are, not copied.
    rows = [r if type(r) is dict else dict(r) for r in batch]
    if not rows:
        return rows
    plain = _PLAIN_TYPES
    keys = rows[0].keys()
    odd = [k for k, v in rows[0].items() if type(v) not in plain]
    # a column of plain lists in the first row (vectors, arrays) holds plain lists in every row
    lists = {k for k in odd if _plain_value(rows[0][k]) is rows[0][k] and type(rows[0][k]) is list}
    for row in rows:
        if row.keys() != keys:
            row.update(_plain(row))
            continue
        for k in odd:
            v = row[k]
            if type(v) not in plain and not (type(v) is list and k in lists):
                row[k] = _plain_value(v)
    return rows


def _plain(row: Any) -> dict[str, Any]:
    plain = _PLAIN_TYPES
    return {k: v if type(v) in plain else _plain_value(v) for k, v in dict(row).items()}


def _plain_hit(hit: Any) -> dict[str, Any]:
    hit = dict(hit)
    entity = hit.get("entity") or {}
    return {"id": _plain_value(hit.get("id")), "distance": hit.get("distance"), "entity": _plain(entity)}


def _plain_value(value: Any) -> Any:
    """Protobuf containers and numpy values become lists and Python numbers (json can write them)."""
    if isinstance(value, (str, int, float, bool, bytes, dict)) or value is None:
        return value
    if isinstance(value, list):
        if value and type(value[0]) in _PLAIN_TYPES and type(value[-1]) in _PLAIN_TYPES:
            return value  # a vector or an array from pymilvus: already plain (elements share a type)
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
        with worded(self, collection=collection, filter_expr=filter_expr):
            rows = self.call(self.client.query, collection, filter=filter_expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def query(self, collection: str, filter_expr: str, fields: Sequence[str] | None,
              limit: int, offset: int = 0, partitions: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """At most ``limit`` rows after ``offset`` (offset + limit <= MAX_QUERY_WINDOW)."""
        with worded(self, collection=collection, filter_expr=filter_expr):
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
        with worded(self, collection=collection, filter_expr=filter_expr):
            iterator = self.call(self.client.query_iterator, collection, **kwargs)
        return RowStream(self, collection, filter_expr, iterator, batch_size)

    def get(self, collection: str, ids: Sequence[Any], fields: Sequence[str] | None) -> list[dict[str, Any]]:
        with worded(self, collection=collection):
            rows = self.call(self.client.get, collection, list(ids), output_fields=list(fields or ["*"]))
        return [_plain(r) for r in rows]

    def search(self, collection: str, vectors: Sequence[Sequence[float]], field: str, limit: int,
               filter_expr: str, fields: Sequence[str], params: dict[str, Any],
               partitions: Sequence[str] | None = None) -> list[list[dict[str, Any]]]:
        """For each query vector, its hits nearest first: {"id": ..., "distance": ..., "entity": {...}}."""
        with worded(self, collection=collection, filter_expr=filter_expr):
            results = self.call(
                self.client.search, collection, data=[list(v) for v in vectors], anns_field=field,
                limit=limit, filter=filter_expr, output_fields=list(fields), search_params=params,
                partition_names=list(partitions) if partitions else None,
            )
        return [[_plain_hit(h) for h in hits] for hits in results]
