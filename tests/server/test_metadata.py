"""The metadata cache: names for completion, filled in the background from a real server."""

from __future__ import annotations

import time

import pytest

import explore_data as data
from harness import Harness, connect_line
from milvus_shell.commands.spec import Kind
from milvus_shell.metadata import CollectionNames, MetadataCache

pytestmark = pytest.mark.server  # every test runs on Milvus Lite and on Milvus 2.3.5 (conftest's ``server``)


def interactive(harness: Harness) -> Harness:
    harness.ctx.settings.interactive = True  # the cache is for completion: scripts do not fill it
    return harness


@pytest.fixture
def sh(sh, server):
    """conftest's shell, interactive, not connected yet."""
    return interactive(sh)


def test_connect_fills_the_cache_in_the_background(sh, server):
    cache = sh.ctx.metadata
    assert cache.names(None, Kind.COLLECTION) == ()
    sh.ok(connect_line(server))
    assert cache.wait(20)
    assert not cache.refreshing
    names = cache.names("default", Kind.COLLECTION)
    assert {data.BOOKS, data.UNLOADED, data.ALIAS} <= set(names)
    assert list(names) == sorted(names)
    assert "default" in cache.names("default", Kind.DATABASE) and data.DATABASE in cache.names(None, Kind.DATABASE)
    assert set(cache.names(None, Kind.FIELD, data.BOOKS)) == {"id", "title", "year", "price", "meta", "tags",
                                                             "embedding"}
    assert set(cache.names(None, Kind.PARTITION, data.BOOKS)) == {"_default", "old", "new"}
    assert len(cache.names(None, Kind.INDEX, data.BOOKS)) == 1
    assert cache.names(None, Kind.FIELD, "unknown") == ()


def test_use_database_refreshes_the_cache(sh, server):
    sh.ok(connect_line(server))
    cache = sh.ctx.metadata
    cache.wait(20)
    sh.ok(f"use database {data.DATABASE}")
    assert cache.wait(20)
    assert cache.names(None, Kind.COLLECTION) == (data.IN_DATABASE,)
    assert cache.snapshot().database == data.DATABASE
    sh.ok("use database default")
    cache.wait(20)
    assert data.BOOKS in cache.names(None, Kind.COLLECTION)


def test_disconnect_forgets_and_new_collections_appear_on_refresh(sh, server):
    sh.ok(connect_line(server))
    cache = sh.ctx.metadata
    cache.wait(20)
    name = "explore_cache_new"
    _, session = sh.registry.session()
    try:
        session.client.create_collection(name, dimension=2, timeout=10)
        assert name not in cache.names(None, Kind.COLLECTION)
        cache.refresh()
        cache.wait(20)
        assert name in cache.names(None, Kind.COLLECTION)
    finally:
        session.client.drop_collection(name, timeout=10)
    sh.ok("disconnect default")
    assert cache.names("default", Kind.COLLECTION) == ()


def test_describe_teaches_the_cache_and_want_fetches_beyond_the_eager_limit(server):
    harness = interactive(Harness(timeout=10))
    try:
        harness.ctx.metadata = MetadataCache(harness.registry, detail_limit=0)
        cache = harness.ctx.metadata
        harness.ok(connect_line(server))
        cache.wait(20)
        assert cache.names(None, Kind.FIELD, data.BOOKS) == ()
        harness.ok(f"describe {data.BOOKS}")
        assert "embedding" in cache.names(None, Kind.FIELD, data.BOOKS)
        cache.want(None, data.UNLOADED)
        deadline = time.monotonic() + 10
        while not cache.names(None, Kind.FIELD, data.UNLOADED) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert cache.names(None, Kind.FIELD, data.UNLOADED) == ("name", "pk", "v")
    finally:
        harness.close()


def test_remember_without_a_snapshot_is_harmless(sh):
    sh.ctx.metadata.remember("nobody", "x", CollectionNames(fields=("a",)))
    assert sh.ctx.metadata.names("nobody", Kind.FIELD, "x") == ()


def test_completion_offers_collections_and_fields_from_the_cache(sh, server):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from milvus_shell.completion import ShellCompleter, default_sources

    sh.ok(connect_line(server))
    cache = sh.ctx.metadata
    cache.wait(20)
    sources = default_sources(sh.registry, sh.ctx.table)
    sources.update(cache.completion_sources())
    completer = ShellCompleter(sh.ctx.table, sources)

    def offered(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]

    assert data.BOOKS in offered("describe explore_b")
    assert data.UNLOADED in offered("query explore_u")
    assert "title" in offered(f"query {data.BOOKS} --fields ti")
    assert f"title,year" in offered(f"query {data.BOOKS} --fields title,ye")
    assert data.DATABASE in offered("use database explore")
    assert "json" in offered("set format j") and "on" in offered("set timing o")


def test_scripts_leave_the_cache_alone(server):
    harness = Harness(timeout=10)
    try:
        harness.ok(connect_line(server))
        assert not harness.ctx.metadata.refreshing
        assert harness.ctx.metadata.names(None, Kind.COLLECTION) == ()
    finally:
        harness.close()
