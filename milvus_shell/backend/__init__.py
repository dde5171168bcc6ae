"""The backend: the only package that imports pymilvus and grpc.

It opens sessions (one dedicated MilvusClient each), bounds every call by a timeout, and translates
every failure, MilvusException or raw grpc.RpcError, into the shell's own errors.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any, Callable, TypeVar

os.environ.setdefault("GRPC_VERBOSITY", "NONE")  # gRPC's own log lines would litter the terminal
for _name in ("pymilvus", "milvus_lite", "grpc"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

import grpc  # noqa: E402
from pymilvus import MilvusClient  # noqa: E402
from pymilvus import __version__ as pymilvus_version  # noqa: E402
from pymilvus.exceptions import MilvusException  # noqa: E402

from . import lite  # noqa: E402
from .admin import AdminOps  # noqa: E402
from .data import DataOps  # noqa: E402
from .ddl import DdlOps  # noqa: E402
from .explore import ExploreOps  # noqa: E402
from .write import WriteOps  # noqa: E402
from ..wording import looks_unsupported, milvus_kind, not_supported, server_shown  # noqa: E402
from ..catalog import ServerCapabilities, capabilities_of  # noqa: E402
from ..connection import ConnectionSettings, PingInfo  # noqa: E402
from ..privileges import object_type_of  # noqa: E402
from ..errors import ConnectFailed, ServerError, ShellError, UsageError  # noqa: E402

logging.getLogger("pymilvus").setLevel(logging.CRITICAL)

T = TypeVar("T")

# A local subchannel pool: after a server restart the first call succeeds instead of waiting out
# gRPC's global back-off (measured, see design.md).
GRPC_OPTIONS = {"grpc.use_local_subchannel_pool": 1}


def open_session(settings: ConnectionSettings, call_timeout: float) -> "Session":
    """Connect and return a live Session, or raise ConnectFailed / UsageError saying why not."""
    connect_timeout = settings.timeout or call_timeout
    kwargs = _client_kwargs(settings, connect_timeout)
    started = time.perf_counter()
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
    session.connect_ms = (time.perf_counter() - started) * 1000
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
        code, details = _rpc_parts(exc)
        if _not_a_proxy(code, details):
            raise _not_a_proxy_error(settings, details) from exc
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


class Session(ExploreOps, DataOps, DdlOps, AdminOps, WriteOps):
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
        self.connect_ms = 0.0

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


# -- error translation ------------------------------------------------------------------------------

def _rpc_error(exc: BaseException) -> grpc.RpcError | None:
    seen = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, grpc.RpcError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def _rpc_parts(err: grpc.RpcError) -> tuple[Any, str]:
    try:
        return err.code(), (err.details() or "")
    except Exception:  # noqa: BLE001 - a bare RpcError may lack both
        return None, str(err)


def translate_connect_error(exc: BaseException, settings: ConnectionSettings, timeout: float) -> ShellError:
    if isinstance(exc, ShellError):
        return exc
    address = settings.display_address()
    rpc = _rpc_error(exc)
    code, details = _rpc_parts(rpc) if rpc is not None else (None, str(exc))
    low = details.lower()
    text = str(exc)
    if any(w in low for w in _TLS_WORDS):
        return ConnectFailed(f"TLS handshake failed with {address}: {_tls_reason(details)}", "tls",
                             _tls_hint(details))
    if code == grpc.StatusCode.UNAUTHENTICATED or "auth check failure" in low or "missing authorization" in low:
        if "missing authorization" in low or not (settings.user or settings.token):
            return ConnectFailed(
                f"authentication failed: {address} requires credentials and none were given",
                "auth",
                "use --user NAME --password (asks for it), --token, or set MILVUS_PASSWORD / MILVUS_TOKEN",
            )
        who = f"user {settings.user!r}" if settings.user and not settings.token else "the token"
        return ConnectFailed(f"authentication failed for {who} on {address}", "auth")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED or "deadline" in low:
        return ConnectFailed(
            f"timed out after {timeout:g} s: no answer from {address}", "timeout",
            "is the server up and the port right? --timeout SECONDS waits longer",
        )
    if "domain name not found" in low or "dns resolution failed" in low or "name or service not known" in low:
        host = settings.address.host or address
        return ConnectFailed(f"host not found: {host!r}", "dns")
    if "connection refused" in low or "failed to connect to all addresses" in low and "refused" in low:
        return ConnectFailed(
            f"connection refused by {address}", "refused", "is Milvus running there, on that port?"
        )
    if "socket closed" in low or "connection reset" in low:
        hint = None if settings.secure else "the port may expect TLS: try --tls or an https:// address"
        return ConnectFailed(f"{address} closed the connection", "closed", hint)
    if "http2 header with status" in low:
        return ConnectFailed(f"no Milvus server at {address}: an HTTP server answered instead", "protocol")
    if _not_a_proxy(code, details):
        return _not_a_proxy_error(settings, details)
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return ConnectFailed(not_supported(address, details), "unsupported")
    if code == grpc.StatusCode.UNAVAILABLE:
        return ConnectFailed(f"server unavailable at {address}: {details}", "unavailable")
    if isinstance(exc, MilvusException):
        message = getattr(exc, "message", "") or text
        if "database" in message.lower() and "not" in message.lower():
            return ConnectFailed(f"database {settings.effective_database!r} not found on {address}", "database")
        return ConnectFailed(f"could not connect to {address}: {message}", "other")
    if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
        return ConnectFailed(f"cannot read {exc.filename}: {exc.strerror}", "file")
    return ConnectFailed(f"could not connect to {address}: {text}", "other")


def _not_a_proxy(code: Any, details: str) -> bool:
    """gRPC answers, but not Milvus's client service: a Milvus component other than the proxy (Milvus
    2.3's coordinators listen next to it, 19531 for one) says 'unknown service milvus.proto.milvus.…'."""
    return code == grpc.StatusCode.UNIMPLEMENTED and "unknown service milvus.proto.milvus.milvusservice" in details.lower()


def _not_a_proxy_error(settings: ConnectionSettings, details: str) -> ConnectFailed:
    return ConnectFailed(
        f"{settings.display_address()} is a Milvus component, not its proxy: clients connect to the proxy "
        "(19530 by default)", "not-proxy",
        f"the server said: {details}; connect to the proxy's port instead")


_TLS_WORDS = ("ssl", "tls", "handshake", "certificate", "x509", "tsi_", "hostname verification")


def _tls_reason(details: str) -> str:
    low = details.lower()
    if "hostname verification" in low:
        return "the server's certificate does not match its name (see --server-name)"
    if "tsi_data_corrupted" in low or "bad_certificate" in low:
        return "the server rejected the client certificate (it wants --cert and --key signed by a CA it trusts)"
    if "certificate verify failed" in low or "certificate_verify_failed" in low:
        return "the server's certificate is not signed by a trusted CA (see --ca)"
    if "hostname" in low or "subject alternative name" in low or "name mismatch" in low:
        return "the server's certificate does not match its name (see --server-name)"
    if "wrong_version_number" in low or "wrong version number" in low:
        return "the server does not speak TLS on that port"
    return details.strip() or "no reason given"


def _tls_hint(details: str) -> str | None:
    low = details.lower()
    if "wrong version" in low:
        return "drop --tls / use http:// for a plain-text port"
    if "tsi_data_corrupted" in low:
        return "give --ca, --cert and --key for two-way TLS"
    return None


_DENIED_RE = re.compile(r"Privilege(\w+): permission deny to (\S+)")


def permission_denied(details: str, session: Session) -> ServerError:
    """A PERMISSION_DENIED in words: which privilege the user lacks, when the server says
    ("PrivilegeQuery: permission deny to alice"); ``about`` adds the collection it was for."""
    m = _DENIED_RE.search(details)
    if m is None:
        return ServerError(f"permission denied on {session.address}: {details}", "denied",
                           "show grants ROLE lists what a role may do; show users shows each user's roles")
    privilege, user = m.group(1), m.group(2)
    object_type = object_type_of(privilege) or "OBJECT_TYPE"
    name = "COLLECTION" if object_type == "Collection" else "*"
    return ServerError(
        f"permission denied: user {user!r} lacks the {privilege} privilege", "denied",
        f"show grants ROLE lists what a role may do (show users: the roles of {user}); "
        f"grant {privilege} on {object_type} {name} to ROLE gives it",
    )


def translate_call_error(exc: BaseException, session: Session) -> ShellError:
    address = session.address
    rpc = exc if isinstance(exc, grpc.RpcError) else None
    if rpc is not None:
        code, details = _rpc_parts(rpc)
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return ServerError(f"timed out after {session.timeout:g} s: no answer from {address}", "timeout")
        if code == grpc.StatusCode.UNIMPLEMENTED:
            return ServerError(not_supported(server_shown(session), details), "unsupported")
        if code == grpc.StatusCode.PERMISSION_DENIED:
            return permission_denied(details, session)
        if code == grpc.StatusCode.UNAUTHENTICATED:
            return ServerError(f"permission denied on {address}: {details}", "auth")
        if code == grpc.StatusCode.UNAVAILABLE:
            return ServerError(
                f"server unavailable at {address}: {details or 'connection lost'}", "unavailable",
                "the next command reconnects by itself once the server is back",
            )
        if code == grpc.StatusCode.CANCELLED:
            return ServerError("the call was cancelled", "cancelled")
        return ServerError(f"{address}: {details or code}", "server")
    if isinstance(exc, MilvusException):
        message = getattr(exc, "message", "") or str(exc)
        code = getattr(exc, "code", None)
        inner = _rpc_error(exc)
        if inner is not None and inner is not exc:
            return translate_call_error(inner, session)
        low = message.lower()
        if "fail connecting to server" in low:  # pymilvus's word for a server that went away
            return ServerError(
                f"server unavailable at {address}: no answer (the server may have stopped)", "unavailable",
                "the next command reconnects by itself once the server is back",
            )
        if looks_unsupported(low):
            return ServerError(not_supported(server_shown(session), message), "unsupported")
        return ServerError(message, milvus_kind(code, low))
    return ServerError(f"{type(exc).__name__}: {exc}", "internal")

