"""ConnectionRegistry: alias -> connection, plus the active alias. Thread-safe; no global instance.

The registry never imports pymilvus itself: it asks a backend (by default ``milvus_shell.backend``,
imported on first use) to open sessions, so building a registry is instant.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from .errors import UsageError

if TYPE_CHECKING:
    from .connection import ConnectInfo, ConnectionSettings, ConnectionView, PingInfo
    from .session_api import ServerSession


BackendLoader = Callable[[], Any]


def load_default_backend() -> ModuleType:
    return importlib.import_module("milvus_shell.backend")


@dataclass
class _Entry:
    settings: ConnectionSettings
    session: Any = None  # a live backend session, or None when disconnected


class ConnectionRegistry:
    """Named connections to Milvus servers.

    ``connect`` leaves everything untouched when it fails; ``disconnect`` closes the channel and keeps
    the alias's settings (secrets in memory only) so ``reconnect`` needs no retyping.
    """

    def __init__(self, timeout: float = 10.0, backend_loader: BackendLoader = load_default_backend) -> None:
        self.timeout = timeout
        self._backend_loader = backend_loader
        self._entries: dict[str, _Entry] = {}
        self._active: str | None = None
        self._lock = threading.RLock()  # guards _entries, _active, _tickets; never held during network calls
        self._tickets: dict[str, int] = {}  # alias -> the newest connect or disconnect

    # -- reading -----------------------------------------------------------------------------------
    @property
    def active(self) -> str | None:
        with self._lock:
            return self._active

    def settings(self, alias: str) -> ConnectionSettings | None:
        with self._lock:
            entry = self._entries.get(alias)
            return entry.settings if entry else None

    def is_connected(self, alias: str) -> bool:
        with self._lock:
            entry = self._entries.get(alias)
            return bool(entry and entry.session is not None)

    def aliases(self, connected_only: bool = False) -> list[str]:
        with self._lock:
            return [a for a, e in self._entries.items() if e.session is not None or not connected_only]

    def views(self) -> list[ConnectionView]:
        with self._lock:
            return [self._view(alias, entry) for alias, entry in self._entries.items()]

    def view(self, alias: str) -> ConnectionView | None:
        with self._lock:
            entry = self._entries.get(alias)
            return self._view(alias, entry) if entry else None

    def _view(self, alias: str, entry: _Entry) -> ConnectionView:
        from .connection import ConnectionView  # noqa: PLC0415 - not needed for the first prompt

        live = entry.session
        return ConnectionView(
            alias=alias,
            active=alias == self._active,
            connected=live is not None,
            address=entry.settings.display_address(),
            user=entry.settings.user,
            database=(live.database if live else entry.settings.effective_database) or "default",
            server_version=live.server_version if live else "",
            profile=entry.settings.profile,
        )

    def session(self, alias: str | None = None) -> tuple[str, "ServerSession"]:
        """The live session of ``alias`` (default: the active one), or a UsageError saying why not."""
        with self._lock:
            name = alias or self._active
            if name is None:
                raise UsageError("not connected", "connect first: connect [ALIAS] [ADDRESS]")
            return name, self._live_entry(name).session

    def _live_entry(self, alias: str) -> _Entry:
        """``alias``'s entry when it is connected (call with ``_lock`` held), else a UsageError."""
        entry = self._entries.get(alias)
        if entry is None:
            raise self.unknown_alias(alias)
        if entry.session is None:
            raise UsageError(f"alias {alias!r} is disconnected", f"reconnect with: connect {alias}")
        return entry

    def unknown_alias(self, alias: str) -> UsageError:
        known = ", ".join(self._entries) or "none yet"
        return UsageError(f"unknown alias {alias!r}", f"known aliases: {known}")

    # -- changing ----------------------------------------------------------------------------------
    # No lock is held while a connect waits on the network, and no alias is ever "busy": each connect
    # takes a ticket, and only the newest ticket of an alias may install its session. A connect
    # abandoned by Ctrl-C that answers late (or fails late) finds its ticket stale and changes nothing;
    # a connect or disconnect typed meanwhile goes ahead at once.

    def _ticket(self, alias: str) -> int:
        """A new ticket for ``alias`` (call with ``_lock`` held); older ones become stale."""
        self._tickets[alias] = self._tickets.get(alias, 0) + 1
        return self._tickets[alias]

    def _embedded_in_use(self, settings: ConnectionSettings, besides: str) -> bool:
        """Whether a live alias other than ``besides`` uses the embedded Milvus Lite of ``settings``
        (call with ``_lock`` held): milvus-lite runs one server per data folder and counts no users."""
        return settings.address.kind == "lite" and any(
            a != besides and e.session is not None and e.settings.address == settings.address
            for a, e in self._entries.items()
        )

    def connect(self, alias: str, settings: ConnectionSettings, make_active: bool = True) -> ConnectInfo:
        """Open a session for ``alias`` with ``settings`` and make it active.

        When ``alias`` is already connected, the new session replaces the old one only once it
        works; on failure nothing changes. A later connect of the same alias supersedes this one.
        """
        with self._lock:
            ticket = self._ticket(alias)
        session = self._backend_loader().open_session(settings, self.timeout)
        with self._lock:
            if self._tickets.get(alias) != ticket:
                stale, old = True, None
            else:
                stale = False
                entry = self._entries.get(alias)
                old = entry.session if entry else None
                self._entries[alias] = _Entry(settings=settings, session=session)
                if make_active or self._active is None:
                    self._active = alias
                shared_old = old is not None and entry is not None and self._embedded_in_use(entry.settings, besides="")
        if stale:
            session.close(stop_embedded=False)
            raise UsageError(f"a later connect or disconnect of {alias!r} took over; this one changed nothing")
        if old is not None:
            old.close(stop_embedded=not shared_old)
        return _connect_info(alias, settings, session)

    def disconnect(self, alias: str) -> bool:
        """Close ``alias``'s channel; keep its settings. Returns whether it was connected."""
        with self._lock:
            entry = self._entries.get(alias)
            if entry is None:
                raise self.unknown_alias(alias)
            self._ticket(alias)  # a connect still under way for this alias will not install itself
            session, entry.session = entry.session, None
            if self._active == alias:
                self._active = None
            shared = self._embedded_in_use(entry.settings, besides=alias)
        if session is not None:
            session.close(stop_embedded=not shared)
        return session is not None

    def disconnect_all(self) -> list[str]:
        """Close every live connection; returns the aliases that were connected."""
        closed = []
        for alias in self.aliases(connected_only=True):
            if self.disconnect(alias):
                closed.append(alias)
        return closed

    def switch_database(self, alias: str, database: str) -> ConnectInfo:
        """Reconnect ``alias`` to ``database`` through a new session, then close the old one.

        Milvus 2.3.5 has no DescribeDatabase RPC, so pymilvus's use_database fails there; a client
        built with db_name works everywhere. When the new session fails, the old one stays.
        """
        with self._lock:
            settings = self._live_entry(alias).settings.with_changes(database=database)
        return self.connect(alias, settings, make_active=False)

    def use(self, alias: str) -> None:
        with self._lock:
            self._live_entry(alias)
            self._active = alias

    def ping(self, alias: str | None = None) -> PingInfo:
        name, session = self.session(alias)
        info = session.ping()
        from .connection import PingInfo  # noqa: PLC0415

        return PingInfo(name, info.address, info.round_trip_ms, info.healthy, info.detail)

    def close(self) -> None:
        self.disconnect_all()

    def __enter__(self) -> "ConnectionRegistry":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_info(alias: str, settings: ConnectionSettings, session: Any) -> ConnectInfo:
    from .connection import ConnectInfo  # noqa: PLC0415

    return ConnectInfo(
        alias=alias,
        address=settings.display_address(),
        server_version=session.server_version,
        database=session.database or "default",
        round_trip_ms=session.round_trip_ms,
    )
