"""Names on each connected server (databases, collections, fields, partitions, indexes), for completion.

A background thread per alias fills a Snapshot after connect, ``use database`` and schema-changing
commands, and swaps it in whole: readers never see a half-built one and never wait on the network.
The completer asks ``names(alias, Kind.COLLECTION)`` or ``matching(alias, kind, prefix)``; the
toolbar shows ``refreshing``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .commands.spec import Effect, Kind
from .errors import ShellError

if TYPE_CHECKING:
    from .catalog import CollectionInfo
    from .registry import ConnectionRegistry
    from .session_api import ServerSession

DETAIL_LIMIT = 50  # collections whose fields, partitions and indexes are fetched eagerly


@dataclass(frozen=True)
class CollectionNames:
    fields: tuple[str, ...] = ()
    partitions: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    vector_fields: tuple[str, ...] = ()  # those a --vector searches (not a function's output)
    text_fields: tuple[str, ...] = ()  # the inputs of BM25 functions: those a --text searches


@dataclass(frozen=True)
class Snapshot:
    """What one alias's server held when last looked at. Sorted tuples; never changed in place."""

    database: str = ""
    databases: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()  # collections and their aliases
    details: Mapping[str, CollectionNames] = field(default_factory=dict)
    error: str = ""  # why the last refresh failed, if it did


EMPTY = Snapshot()


class MetadataCache:
    """Per-alias snapshots of server names, refreshed by background threads."""

    def __init__(self, registry: "ConnectionRegistry", detail_limit: int = DETAIL_LIMIT) -> None:
        self._registry = registry
        self.detail_limit = detail_limit
        self._lock = threading.Lock()
        self._snapshots: dict[str, Snapshot] = {}
        self._sources: dict[str, int] = {}  # alias -> id of the session its snapshot came from
        self._running: dict[str, threading.Thread] = {}
        self._again: set[str] = set()  # aliases whose refresh must run once more when it ends
        self._wanted: set[tuple[str, str]] = set()  # (alias, collection) details being fetched
        self.on_change: Callable[[], None] | None = None  # e.g. redraw the toolbar

    # -- reading (never blocks on the network) ------------------------------------------------------
    @property
    def refreshing(self) -> bool:
        with self._lock:
            return bool(self._running)

    def snapshot(self, alias: str | None = None) -> Snapshot:
        name = alias or self._registry.active
        if name is None:
            return EMPTY
        with self._lock:
            return self._snapshots.get(name, EMPTY)

    def names(self, alias: str | None, kind: Kind, collection: str | None = None) -> tuple[str, ...]:
        """The names of ``kind`` known for ``alias`` (default: the active one); () when unknown."""
        snap = self.snapshot(alias)
        if kind is Kind.DATABASE:
            return snap.databases
        if kind is Kind.COLLECTION:
            return snap.collections
        if collection is None:
            return ()
        detail = snap.details.get(collection)
        if detail is None:
            return ()
        if kind is Kind.FIELD:
            return detail.fields
        if kind is Kind.QUERY_VECTOR:
            return detail.vector_fields
        if kind is Kind.QUERY_TEXT:
            return detail.text_fields
        if kind is Kind.PARTITION:
            return detail.partitions
        if kind is Kind.INDEX:
            return detail.indexes
        return ()

    def completion_sources(self) -> dict[Kind, Callable[[Any], Iterable[str]]]:
        """Value sources for the completer (completion.py's Slot in, names out), by Kind."""
        def database(slot: Any) -> Iterable[str]:
            return self.names(None, Kind.DATABASE)

        def collection(slot: Any) -> Iterable[str]:
            return self.names(None, Kind.COLLECTION)

        def of_collection(kind: Kind) -> Callable[[Any], Iterable[str]]:
            def source(slot: Any) -> Iterable[str]:
                name = slot.given.get("COLLECTION")
                if not isinstance(name, str) or not name:
                    return ()
                names = self.names(None, kind, name)
                if not names:
                    self.want(None, name)  # arrives in the background; the next keystroke has it
                    return ()
                if kind is Kind.INDEX:
                    return names
                if kind in (Kind.QUERY_VECTOR, Kind.QUERY_TEXT):  # --vector dense=[..]: the field, then '='
                    typed = slot.word
                    started = "=" in typed or typed.startswith(("[", "{", '"'))  # a value, not a field
                    return () if started else [n + "=" for n in names]
                done, _, _ = slot.word.rpartition(",")  # --fields title,ye -> title,year
                taken = set(done.split(",")) if done else set()
                head = done + "," if done else ""
                return [head + n for n in names if n not in taken]

            return source

        return {
            Kind.DATABASE: database,
            Kind.COLLECTION: collection,
            Kind.FIELD: of_collection(Kind.FIELD),
            Kind.PARTITION: of_collection(Kind.PARTITION),
            Kind.INDEX: of_collection(Kind.INDEX),
            Kind.QUERY_VECTOR: of_collection(Kind.QUERY_VECTOR),
            Kind.QUERY_TEXT: of_collection(Kind.QUERY_TEXT),
        }

    # -- refreshing ---------------------------------------------------------------------------------
    def sync(self) -> None:
        """Refresh aliases whose session changed (connect, reconnect, use database); forget the gone."""
        live: dict[str, int] = {}
        for alias in self._registry.aliases(connected_only=True):
            try:
                _, session = self._registry.session(alias)
            except ShellError:
                continue
            live[alias] = id(session)
        with self._lock:
            for alias in [a for a in self._snapshots if a not in live]:
                del self._snapshots[alias]
                self._sources.pop(alias, None)
            stale = [a for a, source in live.items() if self._sources.get(a) != source]
        for alias in stale:
            self.refresh(alias)

    def refresh(self, alias: str | None = None) -> None:
        """Start filling ``alias``'s snapshot in the background (again, if one is under way)."""
        name = alias or self._registry.active
        if name is None:
            return
        with self._lock:
            if name in self._running:
                self._again.add(name)
                return
            thread = threading.Thread(target=self._run, args=(name,), name=f"metadata-{name}", daemon=True)
            self._running[name] = thread
        thread.start()
        self._changed()

    def changed(self, alias: str | None, effects: Iterable[Effect], collection: str | None = None) -> None:
        """A command changed ``effects`` on ``alias``'s server (default: the active one): refresh that
        part of the names, in the background. Users and roles are not cached: nothing to do."""
        name = alias or self._registry.active
        effects = set(effects)
        if name is None:
            return
        if effects & {Effect.DATABASES, Effect.COLLECTIONS, Effect.ALIASES}:
            self.refresh(name)
        elif collection and effects & {Effect.FIELDS, Effect.INDEXES, Effect.PARTITIONS}:
            with self._lock:
                snap = self._snapshots.get(name)
                if snap is not None and collection in snap.details:
                    details = {k: v for k, v in snap.details.items() if k != collection}
                    self._snapshots[name] = replace(snap, details=details)
            self.want(name, collection)

    def remember(self, alias: str, collection: str, names: CollectionNames) -> None:
        """A command learned a collection's fields, partitions and indexes: keep them."""
        with self._lock:
            snap = self._snapshots.get(alias)
            if snap is None:
                return
            self._snapshots[alias] = replace(snap, details={**snap.details, collection: names})

    def want(self, alias: str | None, collection: str) -> None:
        """The completer lacks ``collection``'s field names (beyond DETAIL_LIMIT): fetch them, in the background."""
        name = alias or self._registry.active
        if name is None:
            return
        with self._lock:
            snap = self._snapshots.get(name)
            if snap is None or collection in snap.details or (name, collection) in self._wanted:
                return
            self._wanted.add((name, collection))
        threading.Thread(target=self._fetch_one, args=(name, collection), name=f"metadata-{name}-{collection}",
                         daemon=True).start()

    def _fetch_one(self, alias: str, collection: str) -> None:
        try:
            _, session = self._registry.session(alias)
            self.remember(alias, collection, collection_names(session, collection))
        except Exception:  # noqa: BLE001 - completion just stays without these names
            pass
        finally:
            with self._lock:
                self._wanted.discard((alias, collection))
        self._changed()

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait until no refresh runs (tests, scripts); True when idle."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                threads = list(self._running.values())
            if not threads:
                return True
            for thread in threads:
                thread.join(max(deadline - time.monotonic(), 0))
            if time.monotonic() >= deadline:
                with self._lock:
                    return not self._running

    def _run(self, alias: str) -> None:
        while True:
            try:
                source, snap = self._load(alias)
            except Exception as exc:  # noqa: BLE001 - a background refresh never disturbs the shell
                source, snap = None, None
                with self._lock:
                    old = self._snapshots.get(alias, EMPTY)
                    self._snapshots[alias] = replace(old, error=str(exc))
            with self._lock:
                if source is not None and snap is not None:
                    self._snapshots[alias] = snap
                    self._sources[alias] = source
                if alias in self._again:
                    self._again.discard(alias)
                    continue
                del self._running[alias]
                break
        self._changed()

    def _load(self, alias: str) -> tuple[int, Snapshot]:
        _, session = self._registry.session(alias)
        databases = tuple(sorted(session.list_databases()))
        collections = session.list_collections()
        try:
            aliases = [a for a, _ in session.list_aliases()]
        except ShellError:  # not every server lists aliases; collections are what matters
            aliases = []
        details: dict[str, CollectionNames] = {}
        for name in collections[: self.detail_limit]:
            try:
                details[name] = collection_names(session, name)
            except ShellError:  # dropped meanwhile, say
                continue
        snap = Snapshot(
            database=session.database or "default",
            databases=databases,
            collections=tuple(sorted(set(collections) | set(aliases))),
            details=details,
        )
        return id(session), snap

    def _changed(self) -> None:
        callback = self.on_change
        if callback is not None:
            try:
                callback()
            except Exception:  # noqa: BLE001 - a redraw hook must not break a refresh
                pass


def collection_names(session: "ServerSession", collection: str) -> CollectionNames:
    info = session.describe_collection(collection)
    return CollectionNames(
        fields=tuple(sorted(info.field_names())),
        partitions=tuple(sorted(session.list_partitions(collection))),
        indexes=tuple(sorted(i.name for i in session.list_indexes(collection))),
        **searched_fields(info),
    )


def searched_fields(info: "CollectionInfo") -> dict[str, tuple[str, ...]]:
    """CollectionNames's vector_fields and text_fields of a collection."""
    return {
        "vector_fields": tuple(f.name for f in info.vector_fields if not f.function_output),
        "text_fields": tuple(f.inputs[0] for f in info.functions if f.type_name.upper() == "BM25" and f.inputs),
    }
