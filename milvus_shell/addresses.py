"""Parsing of the ADDRESS forms `connect` accepts. Pure: no network, no pymilvus."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import UsageError

DEFAULT_PORT = 19530
DEFAULT_ADDRESS = f"localhost:{DEFAULT_PORT}"
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Address:
    """Where a connection goes.

    ``kind`` is ``grpc`` (host and port), ``unix`` (a socket path) or ``lite`` (an embedded Milvus Lite
    on a local data directory).
    """

    kind: str
    host: str = ""
    port: int = 0
    tls: bool = False
    path: str = ""
    database: str = ""

    @property
    def display(self) -> str:
        if self.kind == "lite":
            return self.path
        if self.kind == "unix":
            return f"unix:{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        prefix = "https://" if self.tls else ""
        return f"{prefix}{host}:{self.port}"

    @property
    def uri(self) -> str:
        """The URI for pymilvus (not used for lite, which the backend starts itself)."""
        if self.kind == "unix":
            return f"unix:{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


def looks_like_address(word: str) -> bool:
    """The rule that tells a lone positional ADDRESS from an ALIAS."""
    return ":" in word or "/" in word or word.endswith(".db")


def lite_address(path: str) -> Address:
    """A Milvus Lite data folder. An empty path is refused: abspath('') is the current directory,
    which would quietly become a Lite folder."""
    if not path.strip():
        raise UsageError("--lite needs a data folder, not an empty path",
                         "e.g. --lite ./milvus-data (a new or existing Milvus Lite folder)")
    return Address(kind="lite", path=os.path.abspath(os.path.expanduser(path)))


def parse_address(text: str) -> Address:
    """Turn what the user typed into an Address, or raise UsageError saying what is wrong."""
    raw = text.strip()
    if not raw:
        raise UsageError("malformed address: it is empty")
    if raw.startswith("unix:"):
        path = raw[len("unix:"):]
        if path.startswith("//"):
            path = path[2:]
        if not path:
            raise UsageError(f"malformed address {raw!r}: unix: needs a socket path, as in unix:/tmp/milvus.sock")
        return Address(kind="unix", path=path)
    if raw.endswith(".db") and "://" not in raw:
        return lite_address(raw)
    scheme = ""
    rest = raw
    if "://" in raw:
        scheme, _, rest = raw.partition("://")
        scheme = scheme.lower()
        if scheme not in ("http", "https", "tcp", "grpc"):
            raise UsageError(
                f"malformed address {raw!r}: unknown scheme {scheme!r}",
                "use host:port, http://, https://, tcp://, unix:/path or a path ending in .db",
            )
    try:
        parts = urlsplit(f"//{rest}")
    except ValueError:
        raise UsageError(f"malformed address {raw!r}: unclosed '[' around an IPv6 address") from None
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "malformed address: credentials in the address are not accepted",
            "give them with --user and --password (or --token) so they stay out of history",
        )
    if parts.query or parts.fragment:
        raise UsageError(f"malformed address {raw!r}: it has a query or fragment part")
    database = parts.path.strip("/")
    if "/" in database:
        raise UsageError(f"malformed address {raw!r}: the path may only name a database")
    if database and not scheme:
        raise UsageError(
            f"malformed address {raw!r}: a path needs a scheme (http://host:port/db) or use --db",
        )
    try:
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        port_text = parts.netloc.rsplit(":", 1)[-1]
        raise UsageError(
            f"malformed address {raw!r}: port {port_text!r} is not a number from 1 to 65535"
        ) from None
    if not host:
        raise UsageError(f"malformed address {raw!r}: it names no host")
    if ":" not in host and not _HOST_RE.match(host):
        raise UsageError(f"malformed address {raw!r}: {host!r} is not a valid host name")
    if port is not None and not 1 <= port <= 65535:
        raise UsageError(f"malformed address {raw!r}: port {port} is not a number from 1 to 65535")
    if parts.netloc.endswith(":"):
        raise UsageError(f"malformed address {raw!r}: the port after ':' is missing")
    tls = scheme == "https"
    if port is None:
        port = 443 if tls else DEFAULT_PORT
    return Address(kind="grpc", host=host, port=port, tls=tls, database=database)
