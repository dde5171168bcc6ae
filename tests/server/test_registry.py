"""ConnectionRegistry as a library, against a real Milvus Lite server."""

from __future__ import annotations

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


@pytest.mark.server
def test_a_hanging_connect_blocks_nothing(lite_server):
    """A connect abandoned to a silent server (as after Ctrl-C) keeps running in the background:
    other aliases connect and disconnect meanwhile, and the same alias connects again at once; the
    abandoned connect, when it ends, changes nothing."""
    from netkit import SilentPeer

    with ConnectionRegistry(timeout=5) as registry, SilentPeer() as peer:
        registry.connect("a", settings(lite_server.address))
        failures = []

        def slow():
            try:
                registry.connect("slow", settings(f"127.0.0.1:{peer.port}", timeout=3))
            except ConnectFailed as exc:
                failures.append(exc)

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        registry.connect("b", settings(lite_server.address))
        registry.disconnect("a")
        registry.connect("slow", settings(lite_server.address))  # no "busy": a later connect takes over
        assert time.monotonic() - t0 < 1.5
        t.join()
        assert failures and "timed out" in str(failures[0])
        assert registry.is_connected("slow") and registry.active == "slow"  # the late failure changed nothing
        assert registry.view("slow").address == lite_server.address


@pytest.mark.server
def test_a_late_connect_does_not_undo_a_later_one(own_server, lite_server):
    """A connect to a frozen server, abandoned, then answered after the alias was connected elsewhere:
    its session is closed and the alias stays where the later connect put it."""
    with ConnectionRegistry(timeout=10) as registry:
        own_server.freeze()
        outcome = []

        def slow():
            try:
                registry.connect("x", settings(own_server.address))
                outcome.append("installed")
            except UsageError as exc:
                outcome.append(str(exc))

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)
        registry.connect("x", settings(lite_server.address))
        own_server.thaw()
        t.join(15)
        assert outcome and "took over" in outcome[0]
        assert registry.view("x").address == lite_server.address
