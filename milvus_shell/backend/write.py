"""Writing rows: insert, upsert, delete. The methods of WriteOps become methods of backend.Session;
each call is bounded by the session's timeout, and server refusals come back in words (wording.py)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..wording import worded


class WriteOps:
    """insert, upsert and delete, mixed into backend.Session."""

    client: Any
    call: Callable[..., Any]

    def insert(self, collection: str, rows: Sequence[dict[str, Any]], partition: str = "") -> list[Any]:
        """Insert ``rows`` in one call; the primary keys they got (assigned ones for an auto id)."""
        with worded(self, collection=collection, partition=partition, verb="insert"):
            result = self.call(self.client.insert, collection, list(rows) if not isinstance(rows, list) else rows,
                               partition_name=partition or "")
        return list(result.get("ids") or ()) if isinstance(result, dict) else []

    def upsert(self, collection: str, rows: Sequence[dict[str, Any]], partition: str = "") -> list[Any]:
        """Insert ``rows``, replacing those whose primary key is already there; their primary keys."""
        with worded(self, collection=collection, partition=partition, verb="upsert"):
            result = self.call(self.client.upsert, collection, list(rows) if not isinstance(rows, list) else rows,
                               partition_name=partition or "")
        return list(result.get("ids") or ()) if isinstance(result, dict) else []

    def delete(self, collection: str, filter_expr: str, partition: str = "") -> None:
        """Delete the rows matching ``filter_expr`` (primary keys too are a filter: expr.one_of)."""
        with worded(self, collection=collection, partition=partition, filter_expr=filter_expr, verb="delete"):
            self.call(self.client.delete, collection, filter=filter_expr, partition_name=partition or None)
