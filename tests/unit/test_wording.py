"""The wording layer (wording.py) and the server's capabilities (catalog.ServerCapabilities), without a
server; the same behaviours are checked against real servers in tests/server/test_wording_server.py."""

from __future__ import annotations

import pytest

from fake_sessions import FakeSession, fake_registry
from milvus_shell.addresses import parse_address
from milvus_shell.catalog import ServerCapabilities, capabilities_of
from milvus_shell.connection import ConnectionSettings
from milvus_shell.errors import ServerError
from milvus_shell.status import ConnectionHealth
from milvus_shell.wording import NO_ACCESS_CONTROL, Context, not_supported, reword, worded


def _session(version: str = "v2.3.5") -> FakeSession:
    session = FakeSession(ConnectionSettings(parse_address("localhost:19530")))
    session.server_version = version
    session.server = capabilities_of(version)
    return session


def test_capabilities_are_read_once_from_the_version():
    lite = capabilities_of("milvus_lite-3.2.2")
    assert (lite.is_lite, lite.version, lite.label) == (True, (3, 2, 2), "Milvus Lite 3.2.2")
    assert not lite.users_and_roles and not lite.import_jobs and not lite.resource_groups and lite.hybrid_search
    old = capabilities_of("v2.3.5-lite")  # what the milvus 2.3.5 package's standalone reports
    assert (old.is_lite, old.version, old.label) == (False, (2, 3, 5), "Milvus v2.3.5-lite")
    assert not old.hybrid_search and not old.several_vector_fields and not old.describe_database
    assert old.users_and_roles and old.resource_groups and old.import_jobs
    new = capabilities_of("v2.5.4")
    assert new.hybrid_search and new.sparse_vectors and new.nullable_fields and new.describe_database
    assert capabilities_of("v2.4.1").hybrid_search and not capabilities_of("v2.4.1").nullable_fields
    assert ServerCapabilities().label == "this server"


def test_a_refusal_is_an_answer_and_does_not_mark_the_connection_lost():
    raw = ServerError("float vector index does not support metric type: HAMMING", "milvus-1100")
    refused = reword(raw, Context(collection="c", action="build a BIN_FLAT index on c.vector"), _session())
    assert refused.message == ("the server refused to build a BIN_FLAT index on c.vector: "
                               "float vector index does not support metric type: HAMMING")
    health = ConnectionHealth()
    health.record("a", refused)
    still_loading = ServerError("collection 'c' is still loading (40%) after 5 s", "still-loading")
    health.record("a", still_loading)
    assert not health.is_lost("a")
    health.record("a", ServerError("server unavailable at x: connection lost", "unavailable"))
    assert health.is_lost("a")
    health.close()


def test_rewording_keeps_the_chain_and_changes_nothing_it_does_not_know():
    session = _session()
    with pytest.raises(ServerError) as caught:
        with worded(session, collection="books"):
            raise ServerError("collection not found[books]", "collection-not-found")
    assert caught.value.message == "collection 'books' not found in database 'default'"
    assert isinstance(caught.value.__cause__, ServerError) and caught.value.__cause__.kind == "collection-not-found"
    plain = ServerError("something else", "milvus-65535")
    with pytest.raises(ServerError) as caught:
        with worded(session, collection="books"):
            raise plain
    assert caught.value is plain and plain.__cause__ is None  # not chained to itself


def test_not_supported_names_the_command_and_keeps_the_reason():
    reason = not_supported("Milvus v2.3.5", "unknown method HybridSearch for service milvus.proto.milvus.MilvusService")
    assert reason == ("not supported by this server (Milvus v2.3.5): unknown method HybridSearch for service "
                      "milvus.proto.milvus.MilvusService")
    unsupported = ServerError(reason, "unsupported")
    on_milvus = reword(unsupported, Context(command="search", lacks="x"), _session())
    assert on_milvus.message == f"search: {reason}"
    on_lite = reword(unsupported, Context(command="show users", lacks=NO_ACCESS_CONTROL), _session("milvus_lite-3.2.2"))
    assert on_lite.message == f"show users: not supported by Milvus Lite ({NO_ACCESS_CONTROL})"


def test_a_role_blocked_by_grants_names_them_and_points_to_show_grants():
    raw = ServerError("fail to drop the role that it has privileges. Use REVOKE API to revoke privileges",
                      "milvus-65535")
    said = reword(raw, Context(names=(("role", "reader"),), held=("Query on Collection books",)), _session())
    assert said.kind == "role-has-grants"
    assert said.message.startswith("role 'reader' still holds 1 grant (Query on Collection books)")
    assert "fail to drop the role that it has privileges" in said.message and "REVOKE API" not in said.message
    assert said.hint.startswith("drop role reader --force revokes them") and "show grants reader" in said.hint


def test_a_failed_write_says_what_went_in_before_it():
    raw = ServerError("the field 'v' is not a vector", "milvus-1100")
    said = reword(raw, Context(collection="books", verb="insert", after="; no rows went into books"), _session())
    assert said.message == "Milvus v2.3.5 refused the rows: field 'v': the field 'v' is not a vector; no rows went into books"


def test_handlers_ask_the_capabilities_not_the_version_string():
    registry = fake_registry({"default": "localhost:19530"})
    _, session = registry.session()
    session.server = capabilities_of("milvus_lite-3.2.2")  # a version string saying otherwise is not read
    from harness import Harness

    sh = Harness(registry=registry)
    assert "show compaction: not supported by Milvus Lite" in sh.fail("show compaction 1")


def test_refusals_of_a_drop_say_what_blocks_it():
    session = _session()
    loaded = ServerError("index cannot be dropped on loaded collection, please release it first", "milvus-65535")
    said = reword(loaded, Context(collection="books", dropping=("index", "vector")), session)
    assert said.message == "index 'vector' cannot be dropped while 'books' is loaded (the server refuses)"
    assert said.hint == "release books first, then drop index books vector"
    full = ServerError("database:shop not empty, must drop all collections before drop database", "milvus-65535")
    said = reword(full, Context(names=(("database", "shop"),)), session)
    assert said.kind == "not-empty" and said.message.startswith("database 'shop' still holds collections")
    wrong = ServerError("old password not correct for alice", "milvus-1400")
    assert reword(wrong, Context(names=(("user", "alice"),)), session).message == \
        "the old password of 'alice' is not correct; nothing changed"


def test_a_misnamed_context_field_fails_before_any_call():
    with pytest.raises(TypeError):
        with worded(_session(), colection="books"):
            pass
