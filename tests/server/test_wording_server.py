"""Server failures in the shell's words, against real servers: a refusal is an answer (the connection is
not lost), "not supported" keeps the server's reason, a Milvus port that is not the proxy is named as
such, and a role that cannot be dropped because of its grants names them."""

from __future__ import annotations

import uuid
from concurrent import futures

import grpc
import pytest
from pymilvus import DataType, MilvusClient

from harness import Harness, connect_line
from milvus_shell.registry import ConnectionRegistry
from milvus_shell.repl import tracked
from milvus_shell.status import ConnectionHealth, prompt_fragments, state_fragments

pytestmark = pytest.mark.server


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


class Watched:
    """An in-process shell whose commands go through the REPL's health tracking."""

    def __init__(self) -> None:
        self.health = ConnectionHealth()  # no background re-check: a lost mark stays until a success
        registry = ConnectionRegistry(timeout=10)
        self.sh = Harness(timeout=10, registry=registry, runner=tracked(lambda call: call(), self.health, registry))

    def shown(self) -> str:
        registry = self.sh.registry
        return "".join(t for _, t in prompt_fragments(registry, self.health) + state_fragments(registry, self.health))

    def close(self) -> None:
        self.sh.close()


@pytest.fixture
def watched():
    w = Watched()
    yield w
    w.close()


def _no_index_collection(server, name: str) -> MilvusClient:
    client = MilvusClient(**server.client_kwargs(), dedicated=True)
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    if client.has_collection(name):
        client.drop_collection(name)
    client.create_collection(name, schema=schema)
    return client


def test_a_refused_index_does_not_mark_the_connection_lost(watched, bare_server):
    name = unique("refused_index")
    client = _no_index_collection(bare_server, name)
    try:
        watched.sh.ok(connect_line(bare_server))
        err = watched.sh.fail(f"create index {name} vector --type BIN_FLAT --metric HAMMING")
        assert f"the server refused to build a BIN_FLAT index on {name}.vector: " in err, err
        reason = err.split(f"{name}.vector: ", 1)[1].split("\n")[0].strip()
        assert reason, err  # the server's own reason follows
        assert not watched.health.is_lost("default")
        assert "lost" not in watched.shown()
        assert "serving" in watched.sh.ok("ping")
    finally:
        client.drop_collection(name)
        client.close()


def test_a_dead_server_still_marks_the_connection_lost(watched, own_server):
    watched.sh.ok(connect_line(own_server))
    own_server.stop()
    watched.sh.fail("show collections")
    assert watched.health.is_lost("default")
    assert "lost" in watched.shown()


def test_not_supported_keeps_the_servers_reason(milvus_ready):
    sh = Harness(timeout=10)
    try:
        sh.ok(connect_line(milvus_ready))
        _, session = sh.registry.session()
        from milvus_shell.errors import ServerError

        with pytest.raises(ServerError) as caught:
            session.call(session.client.describe_database, "default")
        text = str(caught.value)
        assert text.startswith("not supported by this server (Milvus v2.3.5"), text  # it says v2.3.5-lite
        assert text.endswith("): unknown method DescribeDatabase for service milvus.proto.milvus.MilvusService"), text
        assert caught.value.__cause__ is not None  # the chain is kept
        assert session.server.label.startswith("Milvus v2.3.5") and not session.server.is_lite
        assert session.server.version == (2, 3, 5)
        assert not session.server.describe_database and session.server.users_and_roles
    finally:
        sh.close()


def test_a_milvus_component_that_is_not_the_proxy_is_named(sh, milvus_auth):
    port = milvus_auth.ports["query_coord_port"]
    err = sh.fail(f"connect x 127.0.0.1:{port}")
    assert f"127.0.0.1:{port} is a Milvus component, not its proxy: clients connect to the proxy " \
           "(19530 by default)" in err, err
    assert "x" not in sh.states()  # nothing changed


class _CoordinatorLike(grpc.GenericRpcHandler):
    """Answers every call as a Milvus coordinator answers the client service: UNIMPLEMENTED."""

    def service(self, handler_call_details):
        service = handler_call_details.method.lstrip("/").split("/")[0]

        def refuse(request, context):
            context.abort(grpc.StatusCode.UNIMPLEMENTED, f"unknown service {service}")

        return grpc.unary_unary_rpc_method_handler(refuse)


def test_a_grpc_server_without_the_milvus_service_is_named(sh):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((_CoordinatorLike(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        err = sh.fail(f"connect y 127.0.0.1:{port}")
        assert "is a Milvus component, not its proxy" in err and "19530" in err, err
    finally:
        server.stop(0)


def test_drop_role_blocked_by_grants_names_them(milvus_auth):
    sh = Harness(timeout=10)
    role = unique("wording_role")
    try:
        sh.ok(connect_line(milvus_auth))
        sh.ok(f"create role {role}")
        sh.ok(f"grant Query on Collection * to {role}")
        sh.ok(f"grant ShowCollections on Global * to {role}")
        err = sh.fail(f"drop role {role} --yes")
        assert f"role {role!r} still holds 2 grants" in err, err
        assert "Query on Collection *" in err and "ShowCollections on Global *" in err, err
        assert f"show grants {role}" in err, err
        assert "fail to drop the role" in err  # the server's own reason, in its words
        assert "Use REVOKE API" not in err
        assert role in sh.ok("show roles --format csv")  # nothing changed
    finally:
        for line in (f"revoke Query on Collection * from {role}", f"revoke ShowCollections on Global * from {role}",
                     f"drop role {role} --yes"):
            sh.run(line)
        sh.close()
