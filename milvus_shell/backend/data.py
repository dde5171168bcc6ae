"""Reading data: count, query (a page, or a stream through a query iterator), get, search; the
methods of DataOps become methods of backend.Session. A stream sizes its own batches from the
server's reply limit and the schema (BatchSizer).

Rows come back as plain dicts of plain values (bytes as they are; the renderer shows them as hex).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

from ..catalog import CollectionInfo, FieldInfo
from ..wording import worded

# --limit all reads through a query iterator, one server reply per batch. Bigger batches are much
# faster (each is one round trip; Milvus Lite scans the collection per call) but a batch is in memory
# at once and is one reply, which Milvus refuses over 256 MB. So batches are sized in bytes:
# - STREAM_BATCH_BYTES: the rows of one batch, as Python objects, aimed at (memory stays flat);
# - STREAM_REPLY_BYTES: the most one reply is aimed to hold on the wire, half the server's 256 MB.
# The first batch is sized from the schema's bound on a row (a VarChar at its max_length, a JSON value
# at UNBOUNDED_VALUE_BYTES); later ones from the rows actually received, so narrow values in wide or
# unbounded fields (the dynamic field, JSON, VarChar(65535), sparse vectors) make full-size batches.
# A reply the server or gRPC refuses as too large is asked again in halves (RowStream), never fatal.
STREAM_BATCH_BYTES = 48 * 1024 * 1024
STREAM_REPLY_BYTES = 128 * 1024 * 1024
STREAM_BATCH_RANGE = (1, 16384)  # 16384: the most Milvus returns per call
UNBOUNDED_VALUE_BYTES = 64 * 1024  # a JSON value (or the dynamic field) has no size in the schema
STREAM_SAMPLE_ROWS = 16  # rows of each batch measured to size the next


class RowStream:
    """Batches of row dicts from a pymilvus QueryIterator; ``close`` frees it (idempotent).

    With a ``sizer``, each batch received sizes the next call (before the batch is handed on).
    ``batch_size`` is the number of rows the next call asks for; setting it between batches resizes
    the iterator's following calls (pymilvus 3.0.2's QueryIterator reads its page size from
    ``_query_options`` on every call and moves its cursor by the rows it returned, so a new size
    neither skips nor repeats rows). An iterator without those options keeps its first size.
    """

    def __init__(self, session: DataOps, collection: str, filter_expr: str, iterator: Any,
                 batch_size: int = 0, sizer: "BatchSizer | None" = None) -> None:
        self._session = session
        self._sizer = sizer
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
                if self._sizer is not None:
                    self.batch_size = self._sizer.measure(rows)
                yield rows
                del rows
        finally:
            self.close()

    def _next(self, timeout: float) -> list[dict[str, Any]]:
        # The iterator carries its own per-call timeout (given when it was made); ``timeout`` is
        # what session.call adds to every call.
        while True:
            try:
                rows: list[dict[str, Any]] = self._iterator.next()
                return rows
            except Exception as exc:  # noqa: BLE001 - only a reply too large is handled here
                if not self._split(exc):
                    raise

    def _split(self, exc: BaseException) -> bool:
        """After a reply refused as too large, halve the next call's rows (the iterator's cursor did
        not move: the same rows are asked again, fewer at a time); False when that cannot help."""
        if self._batch_size <= 1 or not reply_too_large(exc):
            return False
        before = self._batch_size
        smaller = self._sizer.shrink(before) if self._sizer is not None else max(1, before // 2)
        self.batch_size = smaller
        return self._batch_size < before

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            close_cursor(self._iterator)


def close_cursor(iterator: Any) -> None:
    """Close a pymilvus query or search iterator; a failure to close must not fail the command."""
    try:
        iterator.close()
    except Exception:  # noqa: BLE001
        pass


# QueryIterator's options that hold its page size: rows kept per call, and the limit sent to the server.
_BATCH_KEYS = frozenset({"batch_size", "limit"})
# Values that need no conversion: most of every row.
_PLAIN_TYPES = frozenset({str, int, float, bool, bytes, dict, type(None)})


# What the server (or gRPC on either side) says of a reply over its message limit.
_TOO_LARGE_WORDS = ("larger than max", "message larger", "resource_exhausted", "exceeds the limit")


def reply_too_large(exc: BaseException) -> bool:
    """True when ``exc`` (or what it was raised from) says a reply was over the message limit."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        code = getattr(cur, "code", None)
        text = str(cur)
        if callable(code):
            try:
                text += f" {code()} {cur.details()}"  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a bare RpcError may lack both
                pass
        if any(w in text.lower() for w in _TOO_LARGE_WORDS):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


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


def _plain_hit(hit: Any, pk: str = "") -> dict[str, Any]:
    """A pymilvus Hit as {"id": its primary key, "distance": ..., "entity": {...}}: the key is read
    under the key field's own name (Milvus Lite names it so; "id" only when the key is named id)."""
    key = getattr(hit, "id", None) if hasattr(type(hit), "id") else None
    hit = dict(hit)
    entity = hit.get("entity") or {}
    if key is None:
        key = hit.get(pk, hit.get("id", entity.get(pk)))
    return {"id": _plain_value(key), "distance": hit.get("distance"), "entity": _plain(entity)}


def _plain_value(value: Any) -> Any:
    """Protobuf containers and numpy values become lists and Python numbers (json can write them)."""
    if isinstance(value, (str, int, float, bool, bytes, dict)) or value is None:
        return value
    if isinstance(value, list):
        if len(value) == 1 and type(value[0]) is bytes:
            return value[0]  # a binary or float16 vector: pymilvus gives its bytes in a list of one
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
            # Strong: every row written so far is counted (a collection's own level may be Bounded)
            rows = self.call(self.client.query, collection, filter=filter_expr, output_fields=["count(*)"],
                             consistency_level="Strong")
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
                      schema: CollectionInfo, limit: int | None = None, offset: int = 0,
                      partitions: Sequence[str] | None = None) -> "RowStream":
        """Rows in batches through a server-side query iterator, sized in bytes from ``schema`` and the
        rows received (BatchSizer); every batch call has the timeout."""
        sizer = BatchSizer(schema, fields)
        kwargs: dict[str, Any] = {
            "batch_size": sizer.size,
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
        return RowStream(self, collection, filter_expr, iterator, sizer.size, sizer)

    def get(self, collection: str, key_filter: str, fields: Sequence[str] | None) -> list[dict[str, Any]]:
        """Every row matching ``key_filter`` (a primary-key filter from expr.one_of: no limit)."""
        with worded(self, collection=collection):
            rows = self.call(self.client.query, collection, filter=key_filter,
                             output_fields=list(fields or ["*"]))
        return [_plain(r) for r in rows]

    def search(self, collection: str, vectors: Sequence[Sequence[float]], field: str, limit: int,
               filter_expr: str, fields: Sequence[str], params: dict[str, Any],
               partitions: Sequence[str] | None = None) -> list[list[dict[str, Any]]]:
        """For each query vector, its hits nearest first: {"id": ..., "distance": ..., "entity": {...}}."""
        with worded(self, collection=collection, filter_expr=filter_expr):
            results = self.call(
                self.client.search, collection, anns_field=field,
                data=[v if isinstance(v, bytes) else list(v) for v in vectors],  # bytes: binary, float16
                limit=limit, filter=filter_expr, output_fields=list(fields), search_params=params,
                partition_names=list(partitions) if partitions else None,
            )
        return [[_plain_hit(h) for h in hits] for hits in results]


class BatchSizer:
    """Rows per query-iterator call, sized in bytes.

    The first size comes from the schema's bound on a row (a VarChar counted at its max_length, an
    Array at its capacity, a JSON value, the dynamic field or a sparse vector at UNBOUNDED_VALUE_BYTES):
    STREAM_BATCH_BYTES of such rows in memory and STREAM_REPLY_BYTES on the wire. After each batch,
    ``measure`` sizes the next from the widest of a sample of the rows received, in memory and on the
    wire, so narrow values in a wide field make full batches and wide ones smaller. ``shrink`` halves
    the size after a reply refused as too large, and the size never grows past a refused one again.
    """

    def __init__(self, info: CollectionInfo, fields: Sequence[str] | None) -> None:
        chosen = [f for f in info.fields if not fields or "*" in fields or f.name in fields or f.primary]
        unbounded = info.dynamic and (not fields or "*" in fields or "$meta" in fields
                                      or any(info.field(n) is None for n in fields))
        extra = UNBOUNDED_VALUE_BYTES if unbounded else 0
        self.row_bound = sum(_field_bytes(f) for f in chosen) + _ROW_OVERHEAD + extra
        self.wire_bound = sum(_wire_bytes(f) for f in chosen) + extra
        self.low, self.high = STREAM_BATCH_RANGE
        self.size = self._fit(self.row_bound, self.wire_bound)

    def _fit(self, row_bytes: int, wire_bytes: int) -> int:
        rows = min(STREAM_BATCH_BYTES // max(1, row_bytes), STREAM_REPLY_BYTES // max(1, wire_bytes))
        return max(self.low, min(self.high, rows))

    def measure(self, rows: Sequence[dict[str, Any]]) -> int:
        """The size of the next batch, from the bytes of ``rows`` (the batch just received)."""
        if not rows:
            return self.size
        step = max(1, len(rows) // STREAM_SAMPLE_ROWS)
        memory = wire = 1
        for row in rows[::step]:
            values = row.values()
            memory = max(memory, _ROW_OVERHEAD + sum(_value_bytes(v) for v in values))
            wire = max(wire, sum(_value_wire_bytes(v) for v in values))
        self.size = self._fit(memory, wire)
        return self.size

    def shrink(self, refused: int) -> int:
        """The size after a reply of ``refused`` rows was too large: half, and the ceiling from now on."""
        self.high = max(self.low, refused // 2)
        self.size = min(self.size, self.high)
        return self.size


_ROW_OVERHEAD = 200  # a row's dict and list


def _field_bytes(f: FieldInfo) -> int:
    """The most bytes one value can take (see _value_bytes)."""
    if f.is_vector:
        if f.kind == "SPARSE_FLOAT_VECTOR":
            return UNBOUNDED_VALUE_BYTES
        return 64 + 32 * (f.dim or 128)
    if f.kind == "VARCHAR":
        return 64 + 2 * (f.max_length or 65535)
    if f.kind == "JSON":
        return UNBOUNDED_VALUE_BYTES
    if f.kind == "ARRAY":
        each = 64 + 2 * (f.max_length or 65535) if f.element_kind == "VARCHAR" else 32
        return 64 + each * (f.max_capacity or 4096)
    return 32


def _wire_bytes(f: FieldInfo) -> int:
    """The most bytes one value can take in a reply."""
    dim = f.dim or 128
    if f.kind in ("SPARSE_FLOAT_VECTOR", "JSON"):
        return UNBOUNDED_VALUE_BYTES
    if f.kind == "BINARY_VECTOR":
        return dim // 8 + 8
    if f.kind in ("FLOAT16_VECTOR", "BFLOAT16_VECTOR"):
        return 2 * dim + 8
    if f.is_vector:
        return 4 * dim + 8
    if f.kind == "VARCHAR":
        return (f.max_length or 65535) + 8
    if f.kind == "ARRAY":
        each = (f.max_length or 65535) + 8 if f.element_kind == "VARCHAR" else 8
        return 8 + each * (f.max_capacity or 4096)
    return 8


def _value_bytes(value: Any) -> int:
    """About how many bytes ``value`` holds while its batch is in hand: a number as a Python object
    (a float in a list: ~32 bytes), text twice (the reply holds it too, and then the text written)."""
    if isinstance(value, (str, bytes)):
        return 64 + 2 * len(value)
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return 64 + 32 * len(value)
        return 64 + sum(_value_bytes(v) for v in value)
    if isinstance(value, dict):
        return 64 + sum(_value_bytes(k) + _value_bytes(v) for k, v in value.items())
    return 32


def _value_wire_bytes(value: Any) -> int:
    """About how many bytes ``value`` took in the reply (a number 8, text its length)."""
    if isinstance(value, (str, bytes)):
        return 8 + len(value)
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return 8 + 8 * len(value)
        return 8 + sum(_value_wire_bytes(v) for v in value)
    if isinstance(value, dict):
        return 8 + sum(_value_wire_bytes(k) + _value_wire_bytes(v) for k, v in value.items())
    return 8
