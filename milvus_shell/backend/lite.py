"""The embedded Milvus Lite: a server in this process on a local data directory (the lite extra)."""

from __future__ import annotations

import fcntl
import os
from typing import Any

from ..errors import ConnectFailed

INSTALL_HINT = "install it with: pip install 'milvus-shell[lite]'  (or: pip install milvus-lite)"


def _manager() -> Any:
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
    uri: str | None = manager.start_and_get_uri(path)
    if uri is None:
        if _locked_by_another_process(path):
            raise ConnectFailed(f"Milvus Lite could not start on {path}: another process is using that data folder",
                                "lite", "stop the other shell or server using it, or give --lite another folder")
        raise ConnectFailed(f"Milvus Lite could not start on {path}", "lite")
    return uri


def _locked_by_another_process(path: str) -> bool:
    """Whether another process holds Milvus Lite's lock on the data folder (milvus-lite swallows the
    reason). The lock file is opened read-only and never created: it is not the shell's."""
    try:
        from milvus_lite.db import LOCK_FILENAME  # noqa: PLC0415
    except ImportError:
        return False
    try:
        fd = os.open(os.path.join(path, LOCK_FILENAME), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def stop(path: str) -> None:
    try:
        _manager().release_server(path)
    except ConnectFailed:
        pass
