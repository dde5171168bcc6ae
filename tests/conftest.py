"""Fixtures shared by the test modules: real servers on free loopback ports, the collections the
exploring tests read, an in-process shell (``sh``), a shell in a pseudo-terminal (``terminal``), and
a private HOME for every test.

The Milvus 2.3.5 servers (one with authentication, one with two-way TLS) start together, in
threads, the first time a test asks for either: a few seconds, plus a one-off unpack of the
binaries into a cache the two share.

Tests come in two tiers: a test that starts or needs a server carries ``@pytest.mark.server``;
``python -m pytest -m "not server"`` is the fast loop, CI runs everything. A test that uses one of
SERVER_FIXTURES without the mark stops the collection (see ``pytest_collection_modifyitems``).
A test that starts a server without those fixtures (an embedded Milvus Lite on a ``.db`` folder,
``--lite``) must be marked by hand.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

from harness import Harness
from pty_terminal import Terminal
from servers import LiteServer, MilvusStandalone, make_certs

# Every fixture below that starts a server, or gives a test one (``server`` picks one by name at run
# time, so it is not seen through its dependencies). Fixtures that depend on these are covered:
# ``item.fixturenames`` holds a test's fixtures with everything they depend on.
SERVER_FIXTURES = frozenset({
    "lite_server", "own_server", "_milvus_pair", "milvus_auth", "milvus_tls",
    "lite_ready", "milvus_ready", "server", "bare_server", "bare_client",
})


@pytest.hookimpl(tryfirst=True)  # before -m deselects: every collected test is checked
def pytest_collection_modifyitems(config, items):
    unmarked = [f"{item.nodeid} (uses {', '.join(sorted(SERVER_FIXTURES.intersection(item.fixturenames)))})"
                for item in items
                if SERVER_FIXTURES.intersection(item.fixturenames) and item.get_closest_marker("server") is None]
    if unmarked:
        raise pytest.UsageError(
            "these tests use a server fixture but lack @pytest.mark.server, so `-m \"not server\"` "
            "would start a server:\n  " + "\n  ".join(unmarked))


@pytest.fixture(autouse=True)
def _unmarked_tests_start_no_embedded_lite(request):
    """A test without the server mark that loads milvus-lite in this process (an embedded Milvus Lite)
    fails, so the fast tier cannot start one unnoticed (a Lite in a child process is not seen here)."""
    if request.node.get_closest_marker("server") is not None or "milvus_lite" in sys.modules:
        yield
        return
    yield
    if "milvus_lite" in sys.modules:
        pytest.fail("this test loaded milvus-lite (an embedded Milvus Lite) but lacks @pytest.mark.server")


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


@pytest.fixture
def own_server(tmp_path):
    """A Lite server of this test's own, free to be frozen or killed."""
    with LiteServer(tmp_path / "own") as server:
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


# -- the collections of explore_data.py, on Milvus Lite and on Milvus 2.3.5 --------------------------

@pytest.fixture(scope="session")
def lite_ready(lite_server):
    import explore_data  # pymilvus: imported only when a test asks for these collections

    explore_data.create_all(lite_server.client_kwargs())
    return lite_server


@pytest.fixture(scope="session")
def milvus_ready(milvus_auth):
    import explore_data

    explore_data.create_all(milvus_auth.client_kwargs())
    return milvus_auth


@pytest.fixture(params=["lite", "milvus"])
def server(request):
    """Each test that asks for it runs twice: on Milvus Lite and on Milvus 2.3.5, both holding explore_data."""
    return request.getfixturevalue("lite_ready" if request.param == "lite" else "milvus_ready")


@pytest.fixture(params=["lite", "milvus"])
def bare_server(request):
    """Each test that asks for it runs twice: on Milvus Lite and on Milvus 2.3.5 (with auth), as they are."""
    return request.getfixturevalue("lite_server" if request.param == "lite" else "milvus_auth")


@pytest.fixture
def bare_client(bare_server):
    """A pymilvus client on ``bare_server``, for setting up what a test needs and checking what it did."""
    from pymilvus import MilvusClient

    for attempt in range(3):  # Lite's gRPC server may refuse a new client with "too many pings": back off
        try:
            c = MilvusClient(**bare_server.client_kwargs())
            break
        except Exception:  # noqa: BLE001 - the last attempt's error is raised
            if attempt == 2:
                raise
            time.sleep(1 + attempt)
    yield c
    c.close()


# -- shells ----------------------------------------------------------------------------------------

@pytest.fixture
def table():
    """The command table, as the shell builds it."""
    from milvus_shell.commands import build_table

    return build_table()


@pytest.fixture
def sh():
    """An in-process shell with its own registry (harness.py), not connected; closed after the test."""
    harness = Harness(timeout=10)
    yield harness
    harness.close()


@pytest.fixture
def terminal():
    """Opens shells in pseudo-terminals (``terminal(*args, env=, rows=, cols=)``); all ended after the test."""
    opened: list[Terminal] = []

    def open_terminal(*args: str, **kwargs) -> Terminal:
        term = Terminal(*args, **kwargs)
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()
