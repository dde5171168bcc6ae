"""Connection commands against a real Milvus Lite server (its own process) and an embedded one
(failures to connect where no server answers: tests/unit/test_connect_failures.py)."""

from __future__ import annotations

import re
import socket
import time

import pytest

from netkit import Forwarder, established_to
from servers import free_port


CONNECTED = re.compile(
    r"^connected (?P<alias>\S+) -> (?P<addr>\S+) \(Milvus (?P<version>\S+), database (?P<db>\S+)\) "
    r"in (?P<ms>[0-9.]+) ms round trip$"
)


@pytest.mark.server
def test_connect_says_what_was_reached(sh, lite_server):
    out = sh.ok(f"connect default {lite_server.address}")
    m = CONNECTED.match(out.strip())
    assert m, out
    assert m["alias"] == "default" and m["addr"] == lite_server.address
    assert m["version"].startswith("milvus_lite") and m["db"] == "default"
    assert float(m["ms"]) > 0
    assert sh.registry.active == "default"


@pytest.mark.server
@pytest.mark.parametrize(
    "form", ["127.0.0.1:{port}", "localhost:{port}", "http://127.0.0.1:{port}", "tcp://127.0.0.1:{port}"]
)
def test_address_forms_reach_the_server(sh, lite_server, form):
    address = form.format(port=lite_server.port)
    out = sh.ok(f"connect a {address}")
    assert "Milvus milvus_lite" in out
    assert sh.ok("ping a").startswith("a (")


@pytest.mark.server
def test_lone_address_connects_alias_default(sh, lite_server):
    sh.ok(f"connect {lite_server.address}")
    assert sh.states() == {"default": "connected"}


@pytest.mark.server
def test_ipv6_address_form_is_explained(sh, lite_server):
    """pymilvus 3.0.2 cannot dial an IPv6 literal (it drops the brackets): say so, in words.

    The forwarder proves a server really is there; when pymilvus learns to keep the brackets,
    this test fails and the backend's refusal can go.
    """
    with Forwarder(socket.AF_INET6, ("::1", 0), lite_server.port) as fwd:
        err = sh.fail(f"connect six [::1]:{fwd.address[1]}")
        assert "loses the brackets of an IPv6 address" in err
        assert "/etc/hosts" in err
        from pymilvus import MilvusClient

        with pytest.raises(Exception, match="Fail connecting to server on ::1:"):
            MilvusClient(uri=f"http://[::1]:{fwd.address[1]}", timeout=2, dedicated=True)
    assert sh.states() == {}


@pytest.mark.server
def test_unix_socket_address_form(sh, lite_server, tmp_path):
    path = str(tmp_path / "milvus.sock")
    with Forwarder(socket.AF_UNIX, path, lite_server.port):
        out = sh.ok(f"connect sock unix:{path}")
        assert f"-> unix:{path} " in out
        assert "serving" in sh.ok("ping sock")


@pytest.mark.server  # an embedded Milvus Lite: no server fixture, so marked by hand
def test_embedded_lite_data_directory(sh, tmp_path):
    data = tmp_path / "books.db"
    out = sh.ok(f"connect local {data}")
    assert f"-> {data} " in out and "milvus_lite" in out
    assert data.is_dir()
    sh.ok("disconnect local")
    sh.ok("connect local")  # reopens the same directory
    assert sh.states() == {"local": "connected"}


@pytest.mark.server  # milvus-lite's server manager is loaded before the folder is looked at
def test_embedded_lite_missing_parent_folder(sh, tmp_path):
    err = sh.fail(f"connect local {tmp_path}/no/such/dir.db")
    assert "folder" in err and "does not exist" in err


@pytest.mark.server
def test_frozen_server_times_out(sh, own_server):
    server = own_server
    server.freeze()
    try:
        err = sh.fail(f"connect x {server.address} --timeout 1")
    finally:
        server.thaw()
    assert "timed out after 1 s" in err
    sh.ok(f"connect x {server.address}")


@pytest.mark.server
def test_tls_to_a_plain_text_server(sh, lite_server):
    err = sh.fail(f"connect x https://127.0.0.1:{lite_server.port} --timeout 3")
    assert "TLS handshake failed" in err


@pytest.mark.server
def test_failed_connect_changes_nothing(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}")
    sh.ok(f"connect b {lite_server.address}")
    before = sh.ok("connections")
    sh.fail(f"connect c 127.0.0.1:{free_port()}")
    sh.fail(f"connect a 127.0.0.1:{free_port()}")  # live at another address: refused
    sh.fail("connect d no-such-host.invalid")
    assert sh.ok("connections") == before
    assert sh.registry.active == "b"
    assert "serving" in sh.ok("ping a")


@pytest.mark.server
def test_failed_reconnect_of_a_disconnected_alias_keeps_its_settings(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}")
    sh.ok("disconnect a")
    sh.fail(f"connect a 127.0.0.1:{free_port()}")
    assert sh.registry.settings("a").address.port == lite_server.port
    sh.ok("connect a")
    assert sh.states() == {"a": "connected"}


@pytest.mark.server
def test_same_address_again_says_already_connected(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}")
    sh.ok(f"connect b {lite_server.address}")
    out = sh.ok(f"connect a {lite_server.address}")
    assert "already connected" in out
    assert sh.registry.active == "a"


@pytest.mark.server
def test_another_address_for_a_live_alias_replaces_its_connection(sh, lite_server, own_server):
    sh.ok(f"connect a {lite_server.address}")
    out = sh.ok(f"connect a {own_server.address}")
    assert f"this replaces its connection to {lite_server.address}" in out
    assert sh.registry.view("a").address == own_server.address
    own_server.kill()
    assert "refused" in sh.fail(f"connect a {own_server.address} --user someone")  # fails: nothing changes
    assert sh.registry.view("a").address == own_server.address and sh.states() == {"a": "connected"}


@pytest.mark.server
def test_disconnect_closes_the_channel_for_real(sh, own_server):
    server = own_server  # its own port: no other test's connections
    sh.ok(f"connect a {server.address}")
    assert established_to(server.port) >= 1
    out = sh.ok("disconnect a")
    assert out.strip() == "disconnected a; no active alias"
    deadline = time.monotonic() + 5
    while established_to(server.port) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert established_to(server.port) == 0


@pytest.mark.server
def test_disconnect_keeps_settings_and_reconnects_by_alias(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}")
    sh.ok(f"connect b {lite_server.address}")
    assert sh.ok("disconnect b").strip() == "disconnected b; no active alias"
    out = sh.ok("connections")
    assert re.search(r"\| b\s+\| disconnected \| " + re.escape(lite_server.address), out), out
    out = sh.ok("connect b")
    assert f"connected b -> {lite_server.address}" in out
    assert sh.registry.active == "b"


@pytest.mark.server
def test_disconnect_reports_the_active_alias(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}")
    sh.ok(f"connect b {lite_server.address}")
    assert sh.ok("disconnect a").strip() == "disconnected a; active alias: b"


@pytest.mark.server
def test_disconnect_unknown_alias_names_it_and_changes_nothing(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}")
    err = sh.fail("disconnect a nope")
    assert "unknown alias 'nope'" in err and "known aliases: a" in err
    assert sh.states() == {"a": "connected"}


@pytest.mark.server
def test_disconnect_all(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}; connect b {lite_server.address}")
    out = sh.ok("disconnect --all")
    assert out.strip() == "disconnected a, b; no active alias"
    assert sh.states() == {"a": "disconnected", "b": "disconnected"}
    assert "not connected" in sh.fail("ping")


@pytest.mark.server
def test_use_switches_and_refuses_unknown_or_disconnected(sh, lite_server):
    sh.ok(f"connect a {lite_server.address}; connect b {lite_server.address}")
    assert sh.registry.active == "b"
    assert sh.ok("use a").startswith("using a (")
    assert sh.registry.active == "a"
    assert "unknown alias 'zzz'" in sh.fail("use zzz")
    sh.ok("disconnect b")
    assert "alias 'b' is disconnected" in sh.fail("use b")
    assert sh.registry.active == "a"


@pytest.mark.server
def test_connections_table(sh, lite_server):
    assert "no connections yet" in sh.ok("connections")
    sh.ok(f"connect a {lite_server.address}; connect b {lite_server.address}; disconnect b; use a")
    lines = sh.ok("connections").splitlines()
    assert lines[0].split("|")[1:] == [" alias ", " state     ", " address         ", " user ",
                                       " database ", " server"] or "alias" in lines[0]
    row_a = next(l for l in lines if "| a " in l)
    row_b = next(l for l in lines if "| b " in l)
    assert row_a.startswith("*") and not row_b.startswith("*")
    assert "connected" in row_a and "milvus_lite" in row_a
    assert "disconnected" in row_b


@pytest.mark.server
def test_ping_default_and_named(sh, lite_server):
    assert "not connected" in sh.fail("ping")
    sh.ok(f"connect a {lite_server.address}")
    out = sh.ok("ping")
    assert re.match(rf"a \({re.escape(lite_server.address)}\): serving, [0-9.]+ ms round trip", out)
    assert "unknown alias 'b'" in sh.fail("ping b")


@pytest.mark.server  # an embedded Milvus Lite: no server fixture, so marked by hand
def test_two_aliases_on_one_embedded_lite_folder(sh, tmp_path):
    """milvus-lite runs one server per folder: closing one alias must not stop it under the other."""
    data = tmp_path / "shared.db"
    sh.ok(f"connect one {data}; connect two {data}")
    sh.ok("disconnect one")
    assert "serving" in sh.ok("ping two")
    sh.ok("connect one")
    sh.ok("disconnect two; disconnect one")
    sh.ok("connect one")  # the last one out stopped it; a new connect starts it again
    assert "serving" in sh.ok("ping one")


@pytest.mark.server
def test_a_lite_folder_used_by_another_process_is_said(sh, own_server):
    """milvus-lite keeps one server per data folder and locks it; a second process cannot open it."""
    err = sh.fail(f"connect other --lite {own_server.db_dir}")
    assert "another process is using that data folder" in err and "Traceback" not in err
    assert sh.states() == {}
