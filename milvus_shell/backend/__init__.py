"""The backend: the only package that imports pymilvus and grpc.

It opens sessions (one dedicated MilvusClient each), bounds every call by a timeout, and translates
every failure, MilvusException or raw grpc.RpcError, into the shell's own errors (failures.py).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable, TypeVar

os.environ.setdefault("GRPC_VERBOSITY", "NONE")  # gRPC's own log lines would litter the terminal
for _name in ("pymilvus", "milvus_lite", "grpc"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

from . import deferred_pandas  # noqa: E402

deferred_pandas.install()  # pymilvus imports pandas but the shell never hands it a DataFrame

import grpc  # noqa: E402
from pymilvus import MilvusClient  # noqa: E402
from pymilvus import __version__ as pymilvus_version  # noqa: E402

from . import lite  # noqa: E402
from .admin import AdminOps  # noqa: E402
from .data import DataOps  # noqa: E402
from .ddl import DdlOps  # noqa: E402
from .explore import ExploreOps  # noqa: E402
from .imports import ImportOps  # noqa: E402
from .operate import OperateOps  # noqa: E402
from .write import WriteOps  # noqa: E402
from .search import SearchOps  # noqa: E402
from .failures import (  # noqa: E402, F401  (permission_denied: for the tests)
    not_a_proxy, not_a_proxy_error, rpc_parts, permission_denied, translate_call_error, translate_connect_error,
)
from ..catalog import ServerCapabilities, capabilities_of  # noqa: E402
from ..connection import ConnectionSettings, PingInfo  # noqa: E402
from ..errors import ConnectFailed, ServerError, ShellError, UsageError  # noqa: E402

logging.getLogger("pymilvus").setLevel(logging.CRITICAL)

T = TypeVar("T")

# A local subchannel pool: after a server restart the first call succeeds instead of waiting out
# gRPC's global back-off (measured). No keepalive pings while no call runs: pymilvus pings every 10 s
# even when idle, and Milvus Lite's gRPC server answers an idle client's pings with GOAWAY
# "too_many_pings", failing the next call with "UNAVAILABLE: Too many pings" (seen on a shell left idle).
GRPC_OPTIONS = {"grpc.use_local_subchannel_pool": 1, "grpc.keepalive_permit_without_calls": 0}


def open_session(settings: ConnectionSettings, call_timeout: float) -> "Session":
    """Connect and return a live Session, or raise ConnectFailed / UsageError saying why not."""
    connect_timeout = settings.timeout or call_timeout
    kwargs = _client_kwargs(settings, connect_timeout)
    _wait_for_an_answer(settings, connect_timeout)
    try:
        client = MilvusClient(**kwargs)
    except Exception as exc:  # noqa: BLE001 - every failure is translated
        raise translate_connect_error(exc, settings, connect_timeout) from exc
    session = Session(client, settings, call_timeout, uri=kwargs["uri"])
    try:
        session.server_version = session.call(client.get_server_version)
        session.server = capabilities_of(session.server_version)
        t0 = time.perf_counter()
        session.call(client.get_server_version)
        session.round_trip_ms = (time.perf_counter() - t0) * 1000
        database = settings.effective_database
        if database and database != "default":
            session.check_database(database)
        session.database = database or "default"
    except ShellError:
        session.close()
        raise
    return session


_PROBE_METHOD = "/milvus.proto.milvus.MilvusService/GetVersion"


def _wait_for_an_answer(settings: ConnectionSettings, timeout: float) -> None:
    """Time out on a silent or frozen server here, before pymilvus is asked to connect.

    pymilvus's ConnectionManager holds one process-wide lock while a new channel gets ready, so a
    connect to a silent server would block every other connect and disconnect in the process for
    the whole timeout (even after Ctrl-C abandoned it). One plain-text call on a probe channel ends
    as soon as the peer answers anything: a reply, or a failure (refused, DNS, auth, a TLS port
    hanging up); pymilvus then connects for real and names any failure precisely. Only silence
    waits here. (Watching the channel's state instead costs ~200 ms: gRPC polls it.)
    """
    address = settings.address
    if address.kind == "lite":
        return
    target = f"unix:{address.path}" if address.kind == "unix" else f"{address.host}:{address.port}"
    channel = grpc.insecure_channel(target, options=list(GRPC_OPTIONS.items()))
    try:
        channel.unary_unary(_PROBE_METHOD)(b"", timeout=timeout)
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
            raise ConnectFailed(
                f"timed out after {timeout:g} s: no answer from {settings.display_address()}", "timeout",
                "is the server up and the port right? --timeout SECONDS waits longer",
            ) from exc
        code, details = rpc_parts(exc)
        if not_a_proxy(code, details):
            raise not_a_proxy_error(settings, details) from exc
    finally:
        channel.close()


def _client_kwargs(settings: ConnectionSettings, connect_timeout: float) -> dict[str, Any]:
    address = settings.address
    if address.kind == "lite":
        uri = lite.start(address.path)
    elif ":" in address.host:
        # pymilvus 3.0.2 builds its gRPC target as f"{hostname}:{port}", losing the brackets.
        raise ConnectFailed(
            f"cannot dial {address.display}: pymilvus {pymilvus_version} loses the brackets of an "
            "IPv6 address, so the address becomes unreadable to gRPC",
            "unsupported",
            "use a host name that resolves to that address (for example an /etc/hosts entry)",
        )
    else:
        uri = address.uri
        if settings.secure and uri.startswith("http://"):
            uri = "https://" + uri[len("http://"):]
    kwargs: dict[str, Any] = {
        "uri": uri,
        "timeout": connect_timeout,
        "dedicated": True,
        "grpc_options": dict(GRPC_OPTIONS),
    }
    if settings.token:
        kwargs["token"] = settings.token
    elif settings.user:
        kwargs["user"] = settings.user
        kwargs["password"] = settings.password
    if settings.effective_database:
        kwargs["db_name"] = settings.effective_database
    if settings.secure and address.kind != "lite":
        kwargs["secure"] = True
        for path in (settings.ca, settings.cert, settings.key):
            if path and not os.path.isfile(path):
                raise UsageError(f"file not found: {path}")
        if settings.cert or settings.key:
            if not (settings.cert and settings.key and settings.ca):
                raise UsageError("two-way TLS needs all of --ca, --cert and --key")
            kwargs.update(
                ca_pem_path=settings.ca, client_pem_path=settings.cert, client_key_path=settings.key
            )
        elif settings.ca:
            kwargs["server_pem_path"] = settings.ca
        if settings.server_name:
            kwargs["server_name"] = settings.server_name
    return kwargs


class Session(ExploreOps, DataOps, SearchOps, DdlOps, AdminOps, WriteOps, OperateOps, ImportOps):
    """One alias's live connection: a dedicated MilvusClient and the facts learned when connecting.

    Its methods are the server operations (see session_api.ServerSession for the whole list); each
    is bounded by the session's timeout and raises only the shell's own errors."""

    def __init__(self, client: Any, settings: ConnectionSettings, timeout: float, uri: str) -> None:
        self.client = client
        self.settings = settings
        self.timeout = timeout
        self.uri = uri
        self.server_version = ""
        self.server = ServerCapabilities()
        self.database = ""
        self.round_trip_ms = 0.0

    @property
    def address(self) -> str:
        return self.settings.display_address()

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one client method with the session's timeout; translate whatever goes wrong."""
        kwargs.setdefault("timeout", self.timeout)
        try:
            return fn(*args, **kwargs)
        except ShellError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is translated
            raise translate_call_error(exc, self) from exc

    def check_database(self, name: str) -> None:
        names = self.call(self.client.list_databases)
        if name not in names:
            raise UsageError(
                f"database {name!r} not found on {self.address}",
                "databases there: " + ", ".join(names),
            )

    def ping(self) -> PingInfo:
        t0 = time.perf_counter()
        self.call(self.client.get_server_version)
        rtt = (time.perf_counter() - t0) * 1000
        healthy, detail = True, "serving"
        try:
            state = self.call(self._check_health)
            healthy = bool(getattr(state, "isHealthy", True))
            reasons = list(getattr(state, "reasons", []) or [])
            detail = "serving" if healthy else "unhealthy: " + "; ".join(reasons)
        except ServerError as exc:
            if exc.kind != "unsupported":
                raise
            detail = "serving (health check not supported by this server)"
        return PingInfo("", self.address, rtt, healthy, detail)

    def _check_health(self, timeout: float) -> Any:
        handler = self.client._get_connection()  # noqa: SLF001 - CheckHealth has no public wrapper
        from pymilvus.grpc_gen import milvus_pb2  # noqa: PLC0415

        return handler._stub.CheckHealth(milvus_pb2.CheckHealthRequest(), timeout=timeout)  # noqa: SLF001

    def close(self, stop_embedded: bool = True) -> None:
        """Close the channel; also stop an embedded Milvus Lite unless another session still uses it."""
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing must not fail the shell
            pass
        if stop_embedded and self.settings.address.kind == "lite":
            lite.stop(self.settings.address.path)
