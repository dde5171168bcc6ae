"""Each collection's schema and index list, kept per live session so a `search` is one round trip.

Before every search the shell needs the collection's schema (the key's name, the fields, the BM25
functions) and its indexes (the metric names the score; `--param` is checked against the index type):
asking costs a describe_collection, a list_indexes and a describe_index per index, four round trips
that cost more than the search itself. This cache keeps what they answered, and forgets it:

- after a command of this shell declares it changed fields, indexes, collections, aliases or
  databases (shell.py calls ``forget_all`` by the command's declared effects, even when it failed);
- when the session is not the one the entry was learned on (a reconnect, or `use database`, which
  opens a new session): an entry is bound to its session object and that session's database;
- when a search built from a kept entry fails (a server error such as "collection not found" or a
  dimension mismatch, or a check against the kept schema): the caller drops the entry and tries
  once more with a fresh describe (``retry_fresh``), so the error said is the fresh schema's;
- after ``TTL_SECONDS``: another client (another shell, a pymilvus script) may drop and recreate the
  collection. There is no cheaper check than a describe (the search reply names neither the schema
  nor the metric), so an entry lives only a few seconds: a burst of searches (a script, a benchmark
  loop) pays one describe, while a change by another client is seen on the next search after that
  window. Within it, a change that keeps the searched field's name and dimension could still be
  shown the old way (the score named by the old metric, a new scalar field not yet among the default
  columns); a change that makes the search wrong for the schema (a dimension, a dropped collection or
  field) makes the server or the shell's own check refuse it, and it is retried on a fresh describe.

query, get and count do not use it: they shape their tables from the schema with no server check
that would catch a stale one, and they are not held to a per-call budget.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, TypeVar

from .errors import ServerError, UsageError

if TYPE_CHECKING:
    from .catalog import CollectionInfo, IndexInfo
    from .session_api import ServerSession

T = TypeVar("T")

TTL_SECONDS = 5.0
# A failure these name says nothing about the schema: asking again would only wait twice.
_NOT_SCHEMA_KINDS = frozenset({"timeout", "unavailable", "refused", "closed", "denied", "auth", "tls",
                               "not-proxy", "unsupported", "not-loaded"})


@dataclass(frozen=True)
class CollectionSchema:
    """What a search needs to know of a collection: its schema and its indexes."""

    info: "CollectionInfo"
    indexes: tuple["IndexInfo", ...]


@dataclass(frozen=True)
class _Entry:
    session: "ServerSession"
    database: str
    schema: CollectionSchema
    learned_at: float


class SchemaCache:
    """Collection name -> CollectionSchema, per session; see the module's docstring for when it forgets."""

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[int, str], _Entry] = {}

    def schema(self, session: "ServerSession", name: str) -> tuple[CollectionSchema, bool]:
        """The collection's schema and indexes, and whether they were kept (True) or just asked for."""
        key = (id(session), name)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if (entry is not None and entry.session is session and entry.database == session.database
                and now - entry.learned_at < self._ttl):
            return entry.schema, True
        fresh = CollectionSchema(session.describe_collection(name), tuple(session.list_indexes(name)))
        with self._lock:
            self._entries[key] = _Entry(session, session.database, fresh, self._clock())
        return fresh, False

    def forget(self, session: "ServerSession", name: str) -> None:
        with self._lock:
            self._entries.pop((id(session), name), None)

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()

    def retry_fresh(self, session: "ServerSession", name: str,
                    run: Callable[[Callable[[], CollectionSchema]], T]) -> T:
        """``run(lookup)``, where ``lookup()`` gives the collection's schema; when ``run`` fails and
        the schema it was given was a kept one, forget it and run once more on a fresh describe."""
        kept_used = False

        def lookup() -> CollectionSchema:
            nonlocal kept_used
            schema, kept = self.schema(session, name)
            kept_used = kept_used or kept
            return schema

        try:
            return run(lookup)
        except (UsageError, ServerError) as exc:
            if not kept_used or (isinstance(exc, ServerError) and exc.kind in _NOT_SCHEMA_KINDS):
                raise
            self.forget(session, name)
        return run(lambda: self.schema(session, name)[0])
