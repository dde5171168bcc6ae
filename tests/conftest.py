"""Session fixtures: real servers on free loopback ports, and a private HOME for every test.

The Milvus 2.3.5 servers (one with authentication, one with two-way TLS) start together, in
threads, the first time a test asks for either: a few seconds, plus a one-off unpack of the
binaries into a cache the two share.
"""

from __future__ import annotations

import threading

import pytest

from servers import LiteServer, MilvusStandalone, make_certs


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """No test reads or writes the real home directory, or sees the caller's Milvus secrets."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state"),
                     ("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("MILVUS_PASSWORD", "MILVUS_TOKEN", "NO_COLOR", "PAGER"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(scope="session")
def lite_server(tmp_path_factory):
    """A standalone Milvus Lite server (its own process: it can be frozen, killed, restarted)."""
    with LiteServer(tmp_path_factory.mktemp("lite")) as server:
        yield server


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="session")
def _milvus_pair(tmp_path_factory, certs):
    bin_cache = tmp_path_factory.getbasetemp() / "milvus-bin"
    servers = {
        "auth": MilvusStandalone(tmp_path_factory.mktemp("milvus-auth"), auth=True, bin_cache=bin_cache),
        "tls": MilvusStandalone(tmp_path_factory.mktemp("milvus-tls"), tls=2, certs=certs,
                                bin_cache=bin_cache),
    }
    errors: list[BaseException] = []

    def start(server):
        try:
            server.start()
        except BaseException as exc:  # reported below, after both tried
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        if errors:
            raise errors[0]
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="session")
def milvus_auth(_milvus_pair):
    """Milvus 2.3.5 standalone with authorization on; root's password is Milvus."""
    return _milvus_pair["auth"]


@pytest.fixture(scope="session")
def milvus_tls(_milvus_pair):
    """Milvus 2.3.5 standalone with two-way TLS (certificates from the ``certs`` fixture)."""
    return _milvus_pair["tls"]
