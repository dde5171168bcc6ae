"""Writing rows: insert, upsert, delete. The methods of WriteOps become methods of backend.Session;
each call is bounded by the session's timeout, and server refusals come back in words."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from ..errors import ServerError
from .explore import reword
from .wording import server_shown

if TYPE_CHECKING:
    from . import Session

_PARTITION_NOT_FOUND = 200  # MilvusException code, Milvus 2.3.5 and Milvus Lite alike


@contextmanager
def writing(session: "Session", collection: str, partition: str = "", filter_expr: str = "",
            verb: str = "insert") -> Iterator[None]:
    """Reword a refused write: unknown collection or partition, a row the server will not take."""
    try:
        yield
    except ServerError as exc:
        raise _reworded(exc, session, collection, partition, filter_expr, verb) from exc


def _reworded(exc: ServerError, session: "Session", collection: str, partition: str, filter_expr: str,
              verb: str) -> ServerError:
    message, low = exc.message, exc.message.lower()
    if exc.kind == f"milvus-{_PARTITION_NOT_FOUND}" or "partition not found" in low:
        return ServerError(f"partition {partition!r} not found in collection {collection!r}", "partition-not-found",
                           f"show partitions {collection} lists them")
    if exc.kind == "not-loaded" and verb == "delete":
        return ServerError(f"collection {collection!r} is not loaded: {server_shown(session)} deletes by a "
                           "filter only in a loaded collection", exc.kind,
                           f"load {collection} first, or delete by primary key: delete {collection} --ids ID ...")
    if "number of fields is less than needed" in low:  # Milvus 2.3.5, given an auto id's value
        return ServerError(f"{server_shown(session)} refused the rows: collection {collection!r} assigns its "
                           f"own ids (auto id), so a row cannot give one" + (
                               "; this server cannot upsert into such a collection" if verb == "upsert" else ""),
                           "auto-id")
    if verb == "delete" and filter_expr and "expr" in low and exc.kind not in ("not-loaded", "collection-not-found"):
        return ServerError(f"bad filter expression {filter_expr!r}: {message}", "bad-filter")
    field = _field_named(message) if verb != "delete" else None
    if field and exc.kind != "collection-not-found":
        return ServerError(f"{server_shown(session)} refused the rows: field {field!r}: {_reason(message)}",
                           "bad-row")
    if verb != "delete" and exc.kind.startswith("milvus-"):
        return ServerError(f"{server_shown(session)} refused the rows: {message}", "bad-row")
    return reword(exc, session, collection, filter_expr)


def _field_named(message: str) -> str | None:
    for pattern in (r"field '([^']+)'", r"field `([^`]+)`", r"\{([^}]+)\} field"):
        m = re.search(pattern, message)
        if m:
            return m.group(1)
    return None


def _reason(message: str) -> str:
    m = re.search(r"Detail: (.*)$", message)
    return m.group(1) if m else message


class WriteOps:
    """insert, upsert and delete, mixed into backend.Session."""

    client: Any
    call: Callable[..., Any]

    def insert(self, collection: str, rows: Sequence[dict[str, Any]], partition: str = "") -> list[Any]:
        """Insert ``rows`` in one call; the primary keys they got (assigned ones for an auto id)."""
        with writing(self, collection, partition):  # type: ignore[arg-type]
            result = self.call(self.client.insert, collection, list(rows) if not isinstance(rows, list) else rows,
                               partition_name=partition or "")
        return list(result.get("ids") or ()) if isinstance(result, dict) else []

    def upsert(self, collection: str, rows: Sequence[dict[str, Any]], partition: str = "") -> list[Any]:
        """Insert ``rows``, replacing those whose primary key is already there; their primary keys."""
        with writing(self, collection, partition, verb="upsert"):  # type: ignore[arg-type]
            result = self.call(self.client.upsert, collection, list(rows) if not isinstance(rows, list) else rows,
                               partition_name=partition or "")
        return list(result.get("ids") or ()) if isinstance(result, dict) else []

    def delete(self, collection: str, filter_expr: str, partition: str = "") -> None:
        """Delete the rows matching ``filter_expr`` (primary keys too are a filter: expr.one_of)."""
        with writing(self, collection, partition, filter_expr, verb="delete"):  # type: ignore[arg-type]
            self.call(self.client.delete, collection, filter=filter_expr, partition_name=partition or None)
