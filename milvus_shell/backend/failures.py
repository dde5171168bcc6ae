"""Failures from pymilvus and gRPC as the shell's errors: a kind for each (refused, timeout, auth,
tls, unsupported, collection-not-found, ...) and the server's reason kept in the words. What a failure
means for the call it came from (the collection, role or command in hand) is wording.py's.
"""

from __future__ import annotations

import re
from typing import Any

import grpc
from pymilvus.exceptions import MilvusException

from ..connection import ConnectionSettings
from ..errors import ConnectFailed, ServerError, ShellError
from ..privileges import object_type_of
from ..wording import looks_unsupported, milvus_kind, not_supported, server_shown


def _rpc_error(exc: BaseException) -> grpc.RpcError | None:
    seen = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, grpc.RpcError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def rpc_parts(err: grpc.RpcError) -> tuple[Any, str]:
    try:
        return err.code(), (err.details() or "")
    except Exception:  # noqa: BLE001 - a bare RpcError may lack both
        return None, str(err)


def translate_connect_error(exc: BaseException, settings: ConnectionSettings, timeout: float) -> ShellError:
    if isinstance(exc, ShellError):
        return exc
    address = settings.display_address()
    rpc = _rpc_error(exc)
    code, details = rpc_parts(rpc) if rpc is not None else (None, str(exc))
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
    if not_a_proxy(code, details):
        return not_a_proxy_error(settings, details)
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


def permission_denied(details: str, session: Any) -> ServerError:
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


def translate_call_error(exc: BaseException, session: Any) -> ShellError:
    address = session.address
    rpc = exc if isinstance(exc, grpc.RpcError) else None
    if rpc is not None:
        code, details = rpc_parts(rpc)
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


def not_a_proxy(code: Any, details: str) -> bool:
    """gRPC answers, but not Milvus's client service: a Milvus component other than the proxy (Milvus
    2.3's coordinators listen next to it, 19531 for one) says 'unknown service milvus.proto.milvus.…'."""
    return code == grpc.StatusCode.UNIMPLEMENTED and "unknown service milvus.proto.milvus.milvusservice" in details.lower()


def not_a_proxy_error(settings: ConnectionSettings, details: str) -> ConnectFailed:
    return ConnectFailed(
        f"{settings.display_address()} is a Milvus component, not its proxy: clients connect to the proxy "
        "(19530 by default)", "not-proxy",
        f"the server said: {details}; connect to the proxy's port instead")
