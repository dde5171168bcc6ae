"""The kept schema of schema_cache.py against a fake session that counts describe calls.

The same behaviour against Milvus Lite, with another client changing the collection: test_schema_cache_server.py.
"""

from __future__ import annotations

from typing import Any

from fake_sessions import FakeSession
from harness import Harness
from milvus_shell.catalog import IndexInfo
from milvus_shell.errors import ServerError
from milvus_shell.schema_cache import SchemaCache
from milvus_shell.settings import Settings

SEARCH = "search books --vector '[0.1, 0.2, 0.3, 0.4]' --limit 2"


class IndexingSession(FakeSession):
    """A FakeSession that also builds indexes, and counts list_indexes calls."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.indexes: dict[str, list[IndexInfo]] = {}

    def list_indexes(self, name: str) -> list[IndexInfo]:
        self._record("list_indexes", name)
        return list(self.indexes.get(name, ()))

    def create_index(self, collection: str, index: Any, wait: float, progress: Any = None) -> IndexInfo:
        self._record("create_index", collection, index)
        built = IndexInfo(index.name or index.field, index.field, index.type, index.metric)
        self.indexes.setdefault(collection, []).append(built)
        return built


class IndexingBackend:
    @staticmethod
    def open_session(settings: Any, timeout: float) -> IndexingSession:
        return IndexingSession(settings)


def shell() -> Harness:
    sh = Harness(backend_loader=lambda: IndexingBackend, settings=Settings(timeout=1, color=False))
    sh.ok("connect prod localhost:19530")
    return sh


def counts(sh: Harness) -> tuple[int, int, int]:
    calls = [c for c, _ in sh.ctx.session().calls]
    return calls.count("describe_collection"), calls.count("list_indexes"), calls.count("search_plan")


def test_two_searches_ask_for_the_schema_once():
    sh = shell()
    sh.ok(SEARCH)
    sh.ok(SEARCH)
    assert counts(sh) == (1, 1, 2)


def test_create_index_between_two_searches_asks_again_and_the_metric_is_used():
    sh = shell()
    sh.ok(SEARCH)
    sh.ok("create index books vector --type FLAT --metric IP")
    out = sh.ok(SEARCH)
    describes, lists, searches = counts(sh)
    assert (lists, searches) == (2, 2)
    assert describes == 3  # first search, create index's own, the search after it
    assert "score (IP)" in out
    plan = [a for c, a in sh.ctx.session().calls if c == "search_plan"][-1][0]
    assert plan.requests[0].metric == "IP"


def test_drop_collection_between_two_searches_asks_again():
    sh = shell()
    sh.ok(SEARCH)
    sh.ok("drop collection books --yes")
    err = sh.fail(SEARCH)
    assert "collection 'books' not found" in err
    assert counts(sh) == (2, 1, 1)  # the second describe says it is gone: no search is sent


def test_use_database_asks_again():
    sh = shell()
    sh.ok(SEARCH)
    first = sh.ctx.session()
    sh.ok("use database other")
    assert sh.ctx.session() is not first and sh.ctx.session().database == "other"
    sh.ok(SEARCH)
    sh.ok(SEARCH)
    assert counts(sh) == (1, 1, 2)  # the new session asked once for its own database


def test_a_search_failing_on_a_kept_schema_is_tried_once_more_on_a_fresh_one():
    sh = shell()
    sh.ok(SEARCH)
    session = sh.ctx.session()
    assert isinstance(session, IndexingSession)
    wider = session.collections["books"]
    from dataclasses import replace
    fields = tuple(replace(f, dim=8, type_name="FloatVector(dim 8)") if f.is_vector else f for f in wider.fields)
    session.collections["books"] = replace(wider, fields=fields)  # another client recreated it, wider
    out = sh.ok("search books --vector '[1, 2, 3, 4, 5, 6, 7, 8]' --limit 2")
    assert "book 0" in out
    assert counts(sh) == (2, 2, 2)
    err = sh.fail(SEARCH)  # the old width: refused on the fresh schema, said as the server has it
    assert "wrong vector dimension: 4 numbers given" in err and "dim 8" in err
    assert counts(sh) == (3, 3, 2)


def test_failures_that_say_nothing_of_the_schema_are_not_retried():
    sh = shell()
    sh.ok(SEARCH)
    session = sh.ctx.session()

    def unavailable(plan: Any) -> Any:
        session._record("search_plan", plan)
        raise ServerError("server unavailable at localhost:19530", "unavailable")

    session.search_plan = unavailable  # type: ignore[method-assign]
    sh.fail(SEARCH)
    assert counts(sh) == (1, 1, 2)


def test_entries_expire_and_are_bound_to_their_session():
    now = [100.0]
    cache = SchemaCache(ttl=5.0, clock=lambda: now[0])
    session = IndexingSession(_settings())
    other = IndexingSession(_settings())
    assert cache.schema(session, "books")[1] is False
    assert cache.schema(session, "books")[1] is True
    assert cache.schema(other, "books")[1] is False
    now[0] += 5.0
    assert cache.schema(session, "books")[1] is False
    session.database = "other"
    assert cache.schema(session, "books")[1] is False
    cache.forget_all()
    assert cache.schema(other, "books")[1] is False
    assert [c for c, _ in session.calls].count("describe_collection") == 3


def _settings() -> Any:
    from milvus_shell.addresses import parse_address
    from milvus_shell.connection import ConnectionSettings

    return ConnectionSettings(address=parse_address("localhost:19530"))
