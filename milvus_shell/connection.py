"""What a connection is made of: its settings (secrets kept in memory only) and its public view."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .addresses import Address


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything needed to (re)connect an alias. Secrets are excluded from repr and from ``public``."""

    address: Address
    user: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    database: str = ""
    tls: bool = False
    ca: str = ""
    cert: str = ""
    key: str = ""
    server_name: str = ""
    timeout: float | None = None  # connect timeout; None means the session's call timeout
    profile: str = ""  # the config file's [connections.NAME] these came from, if any
    secret_source: str = ""  # the profile key the secret was read through ("password_env=VAR"), if any

    @property
    def secure(self) -> bool:
        return self.address.tls or self.tls or bool(self.ca or self.cert or self.key)

    @property
    def effective_database(self) -> str:
        return self.database or self.address.database

    def display_address(self) -> str:
        shown = self.address.display
        if self.secure and self.address.kind == "grpc" and not shown.startswith("https://"):
            shown = "https://" + shown
        return shown

    def with_changes(self, **changes: Any) -> "ConnectionSettings":
        return replace(self, **changes)


@dataclass(frozen=True)
class ConnectionView:
    """A snapshot of one alias for display and completion. Never holds a secret."""

    alias: str
    active: bool
    connected: bool
    address: str
    user: str
    database: str
    server_version: str
    profile: str = ""  # the profile the alias was connected from, if any

    @property
    def state(self) -> str:
        return "connected" if self.connected else "disconnected"


@dataclass(frozen=True)
class ConnectInfo:
    """What a successful connect reached."""

    alias: str
    address: str
    server_version: str
    database: str
    round_trip_ms: float


@dataclass(frozen=True)
class PingInfo:
    alias: str
    address: str
    round_trip_ms: float
    healthy: bool
    detail: str
