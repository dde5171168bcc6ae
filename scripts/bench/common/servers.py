"""Milvus Lite servers for the bench, and pymilvus used directly (the baselines, the data sets).

The server process itself is started by ``LiteServer`` from tests/servers.py: a launcher (free
loopback port, own process group, readiness probe, stop by its own pid) with no test-framework in it.
Only that class is taken from it, loaded by file path so that tests/ never lands on sys.path.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .report import log

ROOT = Path(__file__).resolve().parents[3]
GRPC_OPTIONS = {"grpc.use_local_subchannel_pool": 1}  # what the shell's backend passes too

if TYPE_CHECKING:
    from servers import LiteServer  # tests/servers.py


def _lite_server_class() -> "type[LiteServer]":
    name = "_bench_lite_launcher"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "servers.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module.LiteServer


class Servers:
    """Every server the bench starts, so that all of them are stopped whatever happens."""

    def __init__(self) -> None:
        self.started: list["LiteServer"] = []

    @contextlib.contextmanager
    def lite(self, data_dir: Path, ready_timeout: float = 120.0) -> Iterator["LiteServer"]:
        server = _lite_server_class()(data_dir, ready_timeout=ready_timeout)
        self.started.append(server)
        began = time.perf_counter()
        server.start()
        log(f"Milvus Lite up on {server.address} (pid {server.pid}) in {time.perf_counter() - began:.1f} s, "
            f"data {server.db_dir}")
        try:
            yield server
        finally:
            server.stop()
            log(f"Milvus Lite on {server.address} stopped")

    def stop_all(self) -> None:
        for server in self.started:
            with contextlib.suppress(Exception):
                server.stop()


def quiet_pymilvus() -> None:
    import logging

    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    for name in ("pymilvus", "milvus_lite", "grpc"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def pymilvus_client(address: str, timeout: float = 60.0):
    from pymilvus import MilvusClient

    return MilvusClient(uri=f"http://{address}", timeout=timeout, dedicated=True, grpc_options=dict(GRPC_OPTIONS))


def create_small(address: str) -> None:
    """One small collection, not loaded: `show collections` then costs three cheap calls
    (list_collections, get_load_state, get_collection_stats)."""
    from pymilvus import DataType, MilvusClient

    client = pymilvus_client(address)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection("small", schema=schema)
    client.close()
