"""ConnectionRegistry as a library, against a real Milvus Lite server."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from milvus_shell import ConnectionRegistry
from milvus_shell.addresses import parse_address
from milvus_shell.connection import ConnectionSettings
from milvus_shell.errors import ConnectFailed, UsageError
from servers import free_port


def settings(address: str, **kw) -> ConnectionSettings:
    return ConnectionSettings(parse_address(address), **kw)


@pytest.mark.server
def test_library_use(lite_server):
    with ConnectionRegistry(timeout=5) as registry:
        info = registry.connect("a", settings(lite_server.address))
        assert info.alias == "a" and info.server_version.startswith("milvus_lite")
        assert registry.active == "a"
        name, session = registry.session()
        assert name == "a" and session.call(session.client.list_collections) is not None
        registry.disconnect("a")
        assert registry.active is None
        assert [v.state for v in registry.views()] == ["disconnected"]
        with pytest.raises(UsageError, match="disconnected"):
            registry.session("a")
    # leaving the with-block closed everything
    assert registry.aliases(connected_only=True) == []


@pytest.mark.server
def test_failed_connect_leaves_registry_untouched(lite_server):
    with ConnectionRegistry(timeout=5) as registry:
        registry.connect("a", settings(lite_server.address))
        before = registry.views()
        with pytest.raises(ConnectFailed) as err:
            registry.connect("b", settings(f"127.0.0.1:{free_port()}"))
        assert err.value.kind == "refused"
        assert registry.views() == before


def test_secrets_are_not_in_repr_or_views():
    s = settings("h:1", user="u", password="pw-XYZ", token="tok-XYZ")
    assert "XYZ" not in repr(s)


@pytest.mark.server
def test_readers_never_block_on_a_slow_connect(lite_server):
    """Views are readable (completion does so from another thread) while a connect waits."""
    from netkit import SilentPeer

    with ConnectionRegistry(timeout=5) as registry, SilentPeer() as peer:
        registry.connect("a", settings(lite_server.address))
        done = threading.Event()

        def slow():
            with pytest.raises(ConnectFailed):
                registry.connect("slow", settings(f"127.0.0.1:{peer.port}", timeout=2))
            done.set()

        t = threading.Thread(target=slow)
        t.start()
        reads = 0
        while not done.is_set():
            assert [v.alias for v in registry.views()] == ["a"]
            reads += 1
        t.join()
        assert reads > 100


def test_importing_the_shell_does_not_import_pymilvus():
    code = (
        "import sys, milvus_shell, milvus_shell.cli, milvus_shell.repl, milvus_shell.registry\n"
        "from milvus_shell import ConnectionRegistry\n"
        "ConnectionRegistry()\n"
        "heavy = [m for m in ('pymilvus', 'grpc', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.server
def test_a_hanging_connect_blocks_only_its_own_alias(lite_server):
    """A connect abandoned to a silent server (as after Ctrl-C) keeps running in the background:
    other aliases connect and disconnect meanwhile; the same alias is refused as busy, in words."""
    from netkit import SilentPeer

    with ConnectionRegistry(timeout=5) as registry, SilentPeer() as peer:
        registry.connect("a", settings(lite_server.address))
        t = threading.Thread(
            target=lambda: pytest.raises(ConnectFailed, registry.connect, "slow",
                                         settings(f"127.0.0.1:{peer.port}", timeout=3)))
        t.start()
        deadline = time.monotonic() + 2
        while "slow" not in registry._busy and time.monotonic() < deadline:  # noqa: SLF001
            time.sleep(0.01)
        t0 = time.monotonic()
        registry.connect("b", settings(lite_server.address))
        registry.disconnect("a")
        assert time.monotonic() - t0 < 1.5
        with pytest.raises(UsageError, match="alias 'slow' is busy"):
            registry.connect("slow", settings(lite_server.address))
        t.join()
        registry.connect("slow", settings(lite_server.address))  # free again once it ended
        assert registry.active == "slow"
