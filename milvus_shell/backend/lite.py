"""The embedded Milvus Lite: a server in this process on a local data directory (the lite extra)."""

from __future__ import annotations

import os

from ..errors import ConnectFailed

INSTALL_HINT = "install it with: pip install 'milvus-shell[lite]'  (or: pip install milvus-lite)"


def _manager():
    try:
        from milvus_lite.server_manager import server_manager_instance  # noqa: PLC0415
    except ImportError:
        raise ConnectFailed("Milvus Lite is not installed", "lite", INSTALL_HINT) from None
    return server_manager_instance


def start(path: str) -> str:
    """Start (or reuse) the embedded server on ``path``; return its http:// URI."""
    manager = _manager()
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise ConnectFailed(f"cannot open Milvus Lite at {path}: folder {parent} does not exist", "lite")
    if os.path.exists(path) and not os.path.isdir(path):
        raise ConnectFailed(f"cannot open Milvus Lite at {path}: it is a file, not a data folder", "lite")
    uri = manager.start_and_get_uri(path)
    if uri is None:
        raise ConnectFailed(f"Milvus Lite could not start on {path}", "lite")
    return uri


def stop(path: str) -> None:
    try:
        _manager().release_server(path)
    except ConnectFailed:
        pass
