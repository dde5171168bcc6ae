"""A backend with no network, for tests of completion, highlighting and keys: connects always work."""

from __future__ import annotations

from milvus_shell.addresses import parse_address
from milvus_shell.connection import ConnectionSettings, PingInfo
from milvus_shell.registry import ConnectionRegistry


class FakeSession:
    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self.server_version = "fake-2.5"
        self.database = settings.effective_database or "default"
        self.round_trip_ms = 0.1

    def ping(self) -> PingInfo:
        return PingInfo("", self.settings.display_address(), 0.1, True, "serving")

    def close(self, stop_embedded: bool = True) -> None:
        pass


class FakeBackend:
    @staticmethod
    def open_session(settings: ConnectionSettings, timeout: float) -> FakeSession:
        return FakeSession(settings)


def fake_registry(connected: dict[str, str] | None = None, disconnected: dict[str, str] | None = None,
                  active: str | None = None) -> ConnectionRegistry:
    """A registry holding ``connected`` and ``disconnected`` aliases (alias -> address)."""
    registry = ConnectionRegistry(timeout=1, backend_loader=lambda: FakeBackend)
    for alias, address in {**(disconnected or {}), **(connected or {})}.items():
        registry.connect(alias, ConnectionSettings(parse_address(address)))
    for alias in disconnected or {}:
        registry.disconnect(alias)
    if active is not None:
        registry.use(active)
    return registry
