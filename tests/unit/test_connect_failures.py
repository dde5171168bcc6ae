"""Connecting where no server answers: refused, no such host, a silent peer, a bad port, a bare host
(whatever listens on 19530)."""

from __future__ import annotations

import socket
import time

from netkit import SilentPeer
from servers import free_port


def test_connection_refused(sh):
    port = free_port()
    err = sh.fail(f"connect x 127.0.0.1:{port}")
    assert f"connection refused by 127.0.0.1:{port}" in err
    assert sh.states() == {}


def test_bare_host_uses_port_19530(sh):
    """The shell dials 19530 for a bare host and names that address, whatever listens there: nothing
    (refused), or, as often on its users' machines, a Milvus (connected) or something else."""
    with socket.socket() as probe:
        taken = probe.connect_ex(("127.0.0.1", 19530)) == 0
    line = "connect x 127.0.0.1 --timeout 3"  # a silent listener on 19530 would hold the default 10 s
    if not taken:
        assert "connection refused by 127.0.0.1:19530" in sh.fail(line)
        return
    ok, out, err = sh.run(line)
    if ok:
        assert out.startswith("connected x -> 127.0.0.1:19530 "), out
        assert sh.registry.settings("x").address.port == 19530
    else:
        assert err.startswith("error: ") and "127.0.0.1:19530" in err, err


def test_host_not_found(sh):
    err = sh.fail("connect x no-such-host.invalid:19530")
    assert "host not found: 'no-such-host.invalid'" in err


def test_silent_peer_times_out_with_the_number_of_seconds(sh):
    with SilentPeer() as peer:
        t0 = time.monotonic()
        err = sh.fail(f"connect x 127.0.0.1:{peer.port} --timeout 1.5")
        elapsed = time.monotonic() - t0
    assert "timed out after 1.5 s" in err
    assert elapsed < 10


def test_malformed_address_is_a_parse_error(sh):
    err = sh.fail("connect x 127.0.0.1:99999")
    assert "port '99999' is not a number from 1 to 65535" in err
    assert "^" in err  # the caret points at the column
