"""Access control and a server's inner state against a real Milvus 2.3.5 with authentication (the
milvus_auth fixture; root's password is Milvus) and Milvus Lite's "not supported" answers.

Every test makes its own users, roles and collections under unique names and removes them."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from pymilvus import MilvusClient

import explore_data as data
from harness import Harness, connect_line
from milvus_shell.cli import main

pytestmark = pytest.mark.server


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def root(milvus_auth):
    sh = Harness(timeout=10)
    sh.ok(connect_line(milvus_auth))
    yield sh
    sh.close()


@pytest.fixture
def client(milvus_auth):
    c = MilvusClient(**milvus_auth.client_kwargs(), dedicated=True)
    yield c
    c.close()


@pytest.fixture
def collection(milvus_auth):
    name = unique("admin_rows")
    with data.scratch_collection(milvus_auth.client_kwargs(), name, consistency_level="Strong") as c:
        c.insert(name, [{"id": i, "vector": [i / 10, 1.0]} for i in range(30)])
        yield name


def remove(client, users=(), roles=()):
    """Take away what a test made, whatever state it stopped in (a role holding grants cannot be dropped)."""
    for role in roles:
        if role not in client.list_roles():
            continue
        for g in client.describe_role(role)["privileges"]:
            client.revoke_privilege(role, g["object_type"], g["privilege"], g["object_name"], db_name=g["db_name"])
        for user in users:
            if user in client.list_users():
                client.revoke_role(user, role)
        client.drop_role(role)
    for user in users:
        if user in client.list_users():
            client.drop_user(user)


def as_user(server, user, password):
    sh = Harness(timeout=10, environ={"MILVUS_PASSWORD": password})
    sh.ok(f"connect default {server.address} --user {user}")
    return sh


def test_a_user_is_denied_then_granted_then_revoked(milvus_auth, root, client, collection):
    user, role, password = unique("alice"), unique("reader"), "Alice-" + uuid.uuid4().hex[:8]
    alice = None
    try:
        root.ok(f"create user {user} --password {password}")
        root.ok(f"create role {role}")
        assert f"user {user} now has role {role}" in root.ok(f"grant role {role} to {user}")
        users = {u["user"]: u["roles"] for u in json.loads(root.ok("show users --format json"))}
        assert users[user] == role
        roles = {r["role"]: r["users"] for r in json.loads(root.ok("show roles --format json"))}
        assert roles[role] == user

        alice = as_user(milvus_auth, user, password)
        err = alice.fail(f"count {collection}")
        assert f"permission denied: user '{user}' lacks the Query privilege on collection '{collection}'" in err
        assert "show grants" in err

        root.ok(f"grant query on collection {collection} to {role}")  # names in any case
        grants = json.loads(root.ok(f"show grants {role} --format json"))
        assert [(g["object type"], g["object"], g["privilege"]) for g in grants] == [
            ("Collection", collection, "Query")]
        # A grant reaches the proxies' privilege cache a moment later too (seen: 0.3 s after other grants)
        deadline = time.monotonic() + 10
        while not alice.run(f"count {collection}")[0] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert json.loads(alice.ok(f"count {collection} --format json")) == [{"count": 30}]

        assert "may no longer Query" in root.ok(f"revoke Query on Collection {collection} from {role}")
        # Milvus's proxies cache privileges and drop a revoked one a moment later (seen: under a second)
        deadline = time.monotonic() + 10
        while alice.run(f"count {collection}")[0] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "lacks the Query privilege" in alice.fail(f"count {collection}")
        assert json.loads(root.ok(f"show grants {role} --format json")) == []
        root.ok(f"revoke role {role} from {user}")
        assert f"role 'nope_{role}' not found" in root.fail("grant Query on Collection * to nope_" + role)
    finally:
        if alice is not None:
            alice.close()
        remove(client, [user], [role])


def test_drops_are_refused_in_scripts_without_yes(milvus_auth, client, capsys):
    user, role = unique("bob"), unique("temp")
    client.create_user(user, "Bob-secret-1")
    client.create_role(role)
    try:
        connect = connect_line(milvus_auth)
        assert main(["-c", f"{connect}; drop user {user}"]) == 1
        err = capsys.readouterr().err
        assert f"refusing to drop user '{user}'" in err and "--yes" in err
        assert main(["-c", f"{connect}; drop role {role}"]) == 1
        assert f"refusing to drop role '{role}'" in capsys.readouterr().err
        assert user in client.list_users() and role in client.list_roles()
        assert main(["-c", f"{connect}; drop user {user} --yes; drop role {role} --yes"]) == 0
        assert user not in client.list_users() and role not in client.list_roles()
        assert main(["-c", f"{connect}; drop user {user} --yes"]) == 1
        assert f"user '{user}' not found" in capsys.readouterr().err
    finally:
        remove(client, [user], [role])


def test_create_user_in_a_script_takes_the_new_password_from_the_environment(milvus_auth, client):
    user = unique("carol")
    connect = connect_line(milvus_auth)
    try:
        sh = Harness(timeout=10, environ={"MILVUS_NEW_PASSWORD": "Carol-secret-1"})
        sh.ok(connect)
        out = sh.ok(f"create user {user}")
        assert "Carol-secret-1" not in out
        sh.close()
        carol = as_user(milvus_auth, user, "Carol-secret-1")  # the password works
        carol.close()
    finally:
        if user in client.list_users():
            client.drop_user(user)


def test_passwd_changes_a_password_and_reconnects_when_it_is_ones_own(milvus_auth, client):
    user = unique("dave")
    client.create_user(user, "Dave-old-1")
    try:
        dave = Harness(timeout=10, environ={"MILVUS_PASSWORD": "Dave-old-1", "MILVUS_OLD_PASSWORD": "wrong-one",
                                            "MILVUS_NEW_PASSWORD": "Dave-new-2"})
        dave.ok(f"connect default {milvus_auth.address} --user {user}")
        assert "old password" in dave.fail("passwd") and "not correct" in dave.fail("passwd")
        dave.ctx.environ["MILVUS_OLD_PASSWORD"] = "Dave-old-1"
        assert "reconnected" in dave.ok("passwd")
        dave.ok("show collections")  # still usable, with the new password
        dave.close()
        as_user(milvus_auth, user, "Dave-new-2").close()
    finally:
        client.drop_user(user)


def test_segments_of_a_flushed_collection_with_their_rows(root, collection):
    assert f"flushed {collection}" in root.ok(f"flush {collection}")
    segments = json.loads(root.ok(f"show segments {collection} --format json"))
    assert sum(s["rows"] for s in segments) == 30
    assert {s["state"] for s in segments} == {"flushed"} and {s["partition"] for s in segments} == {"_default"}
    assert "total: 30 rows in" in root.ok(f"show segments {collection}")
    assert "not found" in root.fail(f"show segments nope_{collection}")


def test_replicas_load_index_progress_and_compaction(root, collection):
    replicas = json.loads(root.ok(f"show replicas {collection} --format json"))
    assert len({r["replica"] for r in replicas}) == 1 and replicas[0]["nodes"]
    load = json.loads(root.ok(f"show load {collection} --format json"))
    assert load[0] == {"collection": collection, "partition": "(collection)", "state": "loaded", "progress": "100%"}
    root.ok(f"flush {collection}")
    progress = json.loads(root.ok(f"show index progress {collection} vector --format json"))
    assert progress[0]["field"] == "vector" and progress[0]["indexed rows"].endswith("/30")
    assert "no index on field 'id'" in root.fail(f"show index progress {collection} id")
    out = root.ok(f"compact {collection}")
    job = int(out.split("job ")[1].split(";")[0])
    state = json.loads(root.ok(f"show compaction {job} --format json"))
    assert state[0]["job"] == job and state[0]["state"] in ("executing", "completed")


def test_server_details_from_the_metrics_api_in_every_format(root):
    doc = json.loads(root.ok("server --details --format json"))
    roles = {n["role"] for n in doc["nodes"]}
    assert {"proxy", "querynode", "datanode", "rootcoord"} <= roles
    assert all(n["version"].startswith("v2.3.5") for n in doc["nodes"])
    assert "nodes:" in root.ok("server --details")
    assert root.ok("server --details --format csv").splitlines()[0].startswith("node,role,version")
    assert "nodes" not in json.loads(root.ok("server --format json"))


def test_watch_runs_a_count_n_times_and_shows_the_change(milvus_auth, root, collection, client):
    out = root.ok(f"watch --times 2 0.2 count {collection}")
    assert out.count(f"every 0.2 s: count {collection}") == 2 and "count 30 (no change)" in out


def test_milvus_lite_says_not_supported(lite_server):
    sh = Harness(timeout=10)
    try:
        sh.ok(connect_line(lite_server))
        for line, what in [("show users", "users"), ("show roles", "roles"), ("create user x --password Secret-1",
                           "create user"), ("create role r", "create role"), ("grant role r to x", "grant role"),
                           ("grant Query on Collection * to r", "grant"), ("show grants r", "show grants"),
                           ("passwd root", "passwd")]:
            err = sh.fail(line)
            assert err.startswith(f"error: {what}: not supported by Milvus Lite ("), err
        name = unique("lite_seg")
        with data.scratch_collection(lite_server.client_kwargs(), name):
            for line in (f"show segments {name}", f"show replicas {name}", f"compact {name}", "show compaction 1"):
                assert "not supported by Milvus Lite" in sh.fail(line)
            assert json.loads(sh.ok(f"show load {name} --format json"))[0]["state"] == "loaded"
        ok, out, err = sh.run("server --details")
        assert ok and "version:" in out and "warning: details: not supported by Milvus Lite" in out + err
    finally:
        sh.close()
