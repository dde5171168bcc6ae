"""Names for server failures and for servers, shared by error translation and the commands."""

from __future__ import annotations

from typing import Any

# MilvusException codes, measured on Milvus 2.3.5 and Milvus Lite 3.2.2. Lite says 1 or 6 where
# Milvus says 800 (database not found), and 6 where Milvus says 65535 (bad filter expression).
_MILVUS_KINDS = {100: "collection-not-found", 101: "not-loaded", 800: "database-not-found"}


def milvus_kind(code: Any, low_message: str) -> str:
    """A stable name for a MilvusException: commands reword these (backend/explore.py's ``about``)."""
    if code in _MILVUS_KINDS:
        return _MILVUS_KINDS[code]
    if "database" in low_message and ("does not exist" in low_message or "not found" in low_message):
        return "database-not-found"
    return f"milvus-{code}"


def looks_unsupported(low_message: str) -> bool:
    """A MilvusException saying the server lacks a feature (not: a filter compares what it cannot)."""
    if "unimplemented" in low_message or "unknown method" in low_message:
        return True
    return "not supported" in low_message and "expression" not in low_message


def server_label(version: str) -> str:
    """'Milvus v2.3.5', 'Milvus Lite 3.2.2' (Lite reports its version as 'milvus_lite-3.2.2')."""
    if version.startswith("milvus_lite"):
        return f"Milvus Lite {version[len('milvus_lite'):].lstrip('-')}".strip()
    return f"Milvus {version}" if version else "this server"


def server_shown(session: Any) -> str:
    """How an error names the server of ``session``: its version, else its address."""
    return server_label(session.server_version) if session.server_version else session.address
