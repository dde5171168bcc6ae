"""Operating a real deployment: properties, truncate, partition loading, resource groups, privilege
groups, revoke * and drop role --force, on Milvus 2.3.5 with authorization (milvus_auth) and on Milvus
Lite (lite_server). Each test makes its own collections, roles and groups under unique names."""

from __future__ import annotations

import json
import uuid

import pytest

import explore_data as data
from harness import Harness, connect_line

pytestmark = pytest.mark.server


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def shell(bare_server):
    sh = Harness(timeout=20)
    sh.ok(connect_line(bare_server))
    sh.server = bare_server
    yield sh
    sh.close()


@pytest.fixture
def scratch(bare_server):
    """A loaded collection with 5 rows in _default and 3 in partition p1, and its pymilvus client."""
    name = unique("operate")
    with data.scratch_collection(bare_server.client_kwargs(), name, consistency_level="Strong") as client:
        client.create_partition(name, "p1")
        client.insert(name, [{"id": i, "vector": [i / 10, 1.0]} for i in range(5)])
        client.insert(name, [{"id": 100 + i, "vector": [1.0, i / 10]} for i in range(3)], partition_name="p1")
        yield name, client


def properties(sh, name):
    """describe's properties line, as {key: value}."""
    line = next(ln for ln in sh.ok(f"describe {name}").splitlines() if ln.startswith("properties:"))
    text = line.split(":", 1)[1].strip()
    return {} if text == "none" else dict(pair.split("=", 1) for pair in text.split(", "))


def is_lite(server) -> bool:
    return not getattr(server, "auth", False)


# -- properties ------------------------------------------------------------------------------------

def test_ttl_and_mmap_set_show_in_describe(shell, scratch):
    name, client = scratch
    said = shell.ok(f"alter collection {name} --set collection.ttl.seconds=3600 --set mmap.enabled=on")
    assert f"collection {name}: collection.ttl.seconds=3600, mmap.enabled=true" in said
    assert properties(shell, name) == {"collection.ttl.seconds": "3600", "mmap.enabled": "true"}
    assert client.describe_collection(name)["properties"]["collection.ttl.seconds"] == "3600"


def test_a_bad_value_changes_nothing_on_the_server(shell, scratch):
    name, client = scratch
    shell.ok(f"alter collection {name} --set collection.ttl.seconds=60")
    err = shell.fail(f"alter collection {name} --set collection.ttl.seconds=soon --set mmap.enabled=on")
    assert "collection.ttl.seconds takes an integer of at least 0, not 'soon'" in err
    assert properties(shell, name) == {"collection.ttl.seconds": "60"}  # the servers would have kept 'soon'


def test_unset_removes_a_property_or_says_the_server_cannot(shell, scratch):
    name, _ = scratch
    shell.ok(f"alter collection {name} --set collection.ttl.seconds=60 --set mmap.enabled=off")
    if is_lite(shell.server):
        shell.ok(f"alter collection {name} --unset mmap.enabled")
        assert properties(shell, name) == {"collection.ttl.seconds": "60"}
    else:
        err = shell.fail(f"alter collection {name} --set collection.ttl.seconds=5 --unset mmap.enabled")
        assert "not supported by this server (Milvus v2.3.5" in err and "dropping a collection property" in err
        assert properties(shell, name) == {"collection.ttl.seconds": "60", "mmap.enabled": "false"}  # nothing sent


def test_database_properties_on_lite_and_the_reason_on_2_3(shell):
    if is_lite(shell.server):
        shell.ok("alter database default --set database.max.collections=500")
        try:
            assert "database.max.collections: 500" in shell.ok("describe database default")
        finally:
            shell.ok("alter database default --unset database.max.collections")
        assert "database.max.collections" not in shell.ok("describe database")
    else:
        err = shell.fail("alter database default --set database.max.collections=500")
        assert err.startswith("error: alter database: not supported by this server (Milvus v2.3.5")
        assert "AlterDatabase" in err  # the server's own reason
        assert "DescribeDatabase" in shell.fail("describe database")


# -- truncate --------------------------------------------------------------------------------------

def test_truncate_leaves_an_empty_collection_with_schema_and_index(shell, scratch):
    name, client = scratch
    before = json.loads(shell.ok(f"describe {name} --format json"))
    if not is_lite(shell.server):
        err = shell.fail(f"truncate {name} --yes")
        assert err.startswith("error: truncate: not supported by this server (Milvus v2.3.5")
        assert "TruncateCollection" in err  # the server's reason
        assert shell.ok(f"count {name} --format csv").split() == ["count", "8"]
        return
    assert "truncated" in shell.ok(f"truncate {name} --yes")
    assert shell.ok(f"count {name} --format csv").split() == ["count", "0"]
    assert json.loads(shell.ok(f"describe {name} --format json")) == before
    assert client.list_indexes(name) == ["vector"]
    shell.ok(f"insert {name} '{{\"id\": 1, \"vector\": [0.5, 0.5]}}'")  # still usable
    assert shell.ok(f"count {name} --format csv").split() == ["count", "1"]


def test_truncate_in_a_script_without_yes_changes_nothing(shell, scratch):
    name, _ = scratch
    assert "without --yes" in shell.fail(f"truncate {name}")
    assert shell.ok(f"count {name} --format csv").split() == ["count", "8"]


# -- loading partitions ----------------------------------------------------------------------------

def test_load_and_release_single_partitions(shell, scratch):
    name, client = scratch
    shell.ok(f"release {name}")
    if is_lite(shell.server):
        err = shell.fail(f"load {name} --partition p1")
        assert "load --partition: not supported by Milvus Lite" in err and "whole collections" in err
        assert "release --partition: not supported by Milvus Lite" in shell.fail(f"release {name} --partition p1")
        assert "load --replicas/--resource-group: not supported by Milvus Lite" in shell.fail(
            f"load {name} --replicas 2")
        return
    assert f"loaded {name} (partition p1)" in shell.ok(f"load {name} --partition p1")
    rows = {r["partition"]: r["state"] for r in json.loads(shell.ok(f"show load {name} --format json"))}
    assert rows == {"(collection)": "loaded", "_default": "not loaded", "p1": "loaded"}
    assert shell.ok(f"count {name} --format csv").split() == ["count", "3"]  # only p1's rows
    err = shell.fail(f"load {name} --partition nope")
    assert "no partition 'nope' in collection" in err and "_default, p1" in err
    assert "released partition p1" in shell.ok(f"release {name} --partition p1")
    assert client.get_load_state(name, partition_name="p1")["state"].name == "NotLoad"


def test_load_with_replicas_and_resource_group(shell, scratch):
    name, client = scratch
    if is_lite(shell.server):
        return  # refused above, from the capabilities
    shell.ok(f"release {name}")
    said = shell.ok(f"load {name} --replicas 1 --resource-group __default_resource_group")
    assert f"loaded {name} (1 replica) in resource group __default_resource_group" in said
    replicas = json.loads(shell.ok(f"show replicas {name} --format json"))
    assert {r["resource group"] for r in replicas} == {"__default_resource_group"}
    shell.ok(f"release {name}")
    err = shell.fail(f"load {name} --replicas 2")  # one query node: the server's reason is kept
    assert f"the server refused to load '{name}'" in err and "nodes not enough" in err


# -- resource groups -------------------------------------------------------------------------------

def test_resource_groups_are_made_described_and_dropped(shell, scratch):
    name, _ = scratch
    group = unique("rg")
    if is_lite(shell.server):
        for line in ("show resource groups", f"create resource group {group}", f"describe resource group {group}",
                     f"drop resource group {group} --yes",
                     f"transfer replica {name} --from __default_resource_group --to {group}"):
            err = shell.fail(line)
            assert "not supported by Milvus Lite" in err and "no resource groups" in err, err
        return
    shell.ok(f"create resource group {group}")
    try:
        assert f"resource group {group!r} already exists" in shell.fail(f"create resource group {group}")
        listed = {r["resource group"]: r for r in json.loads(shell.ok("show resource groups --format json"))}
        assert set(listed) >= {"__default_resource_group", group}
        assert name in listed["__default_resource_group"]["replicas (collection)"]
        facts = shell.ok(f"describe resource group {group}")
        assert f"resource group:  {group}" in facts and "available nodes: 0" in facts
        err = shell.fail(f"create resource group {unique('rg')} --requests 1 --limits 2")
        assert "not supported by this server (Milvus v2.3.5" in err and "requests and limits" in err
        err = shell.fail(f"transfer replica {name} --from __default_resource_group --to {group} --replicas 1")
        assert "the server refused to move 1 replica" in err  # no node in the group: the server says why
        assert f"resource group 'nope_{group}' not found" in shell.fail(f"describe resource group nope_{group}")
    finally:
        shell.ok(f"drop resource group {group} --yes")
    assert group not in shell.ok("show resource groups --format csv")
    assert f"resource group {group!r} not found" in shell.fail(f"drop resource group {group} --yes")


def test_privilege_groups_are_said_to_be_missing_in_words(shell):
    err = shell.fail("show privilege groups")
    if is_lite(shell.server):
        assert "show privilege groups: not supported by Milvus Lite" in err
    else:
        assert "show privilege groups: not supported by this server (Milvus v2.3.5" in err
        assert "ListPrivilegeGroups" in err
    assert "create privilege group" in shell.fail("create privilege group g --privilege Query")
    err = shell.fail("grant privilege group g on * to public")
    assert err.startswith("error: grant privilege group: not supported by ")
    if not is_lite(shell.server):
        assert "OperatePrivilegeV2" in err  # the server's own reason


# -- revoke * and drop role --force (Milvus 2.3.5 with authorization) --------------------------------

ELEVEN = ("Query", "Search", "Insert", "Delete", "Upsert", "Load", "Release", "Flush", "CreateIndex", "DropIndex",
          "GetLoadState")


@pytest.fixture
def root(milvus_auth):
    sh = Harness(timeout=20)
    sh.ok(connect_line(milvus_auth))
    yield sh
    sh.close()


def test_revoke_star_revokes_every_privilege_it_names(root):
    role = unique("star")
    root.ok(f"create role {role}")
    try:
        for privilege in ELEVEN:
            root.ok(f"grant {privilege} on Collection * to {role}")
        root.ok(f"grant ShowCollections on Global * to {role}")
        said = root.ok(f"revoke * on Collection * from {role}")
        assert "(11 grants revoked)" in said
        left = json.loads(root.ok(f"show grants {role} --format json"))
        assert [(g["object type"], g["privilege"]) for g in left] == [("Global", "ShowCollections")]
        err = root.fail(f"revoke * on Collection * from {role}")
        assert f"role {role!r} holds no privilege on Collection *; nothing revoked" in err
        err = root.fail(f"revoke Query on Collection * from {role}")
        assert "does not hold Query on Collection *" in err
        root.ok(f"grant * on Collection books to {role}")  # a grant of * itself is revoked by *
        assert "may no longer * on Collection books" in root.ok(f"revoke * on Collection books from {role}")
    finally:
        root.run(f"drop role {role} --force --yes")


def test_drop_role_names_its_grants_and_force_drops_it(root, milvus_auth):
    role = unique("forced")
    root.ok(f"create role {role}")
    root.ok(f"grant Query on Collection * to {role}")
    root.ok(f"grant ShowCollections on Global * to {role}")
    try:
        asked = []
        sh = Harness(timeout=20, confirm=lambda q: asked.append(q) or True)
        sh.ok(connect_line(milvus_auth))
        err = sh.fail(f"drop role {role}")
        assert not asked and f"role {role!r} still holds 2 grants" in err and f"drop role {role} --force" in err
        assert role in root.ok("show roles --format csv")
        said = sh.ok(f"drop role {role} --force")
        assert "revoke the 2 grants" in asked[0].loss
        assert said.strip() == f"revoked 2 grants of role {role}, then dropped it"
        assert role not in root.ok("show roles --format csv")
        sh.close()
    finally:
        root.run(f"drop role {role} --force --yes")
