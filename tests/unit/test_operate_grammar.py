"""Operating commands without a server: property words checked before anything is sent, the grammar of
load/release --partition, --replicas, --resource-group and transfer replica, truncate's confirmation,
revoke * and drop role --force over a fake session's grants, and the privilege-group commands (no
server here has privilege groups: their code path is tried against the fake). Real-server tests:
tests/server/test_operate_server.py."""

from __future__ import annotations

import json

import pytest

from fake_sessions import FakeBackend
from harness import Harness
from milvus_shell.catalog import Grant, capabilities_of
from milvus_shell.commands import build_table
from milvus_shell.errors import UsageError
from milvus_shell.parser import parse_line
from milvus_shell.properties import COLLECTION_KEYS, DATABASE_KEYS, parse_changes
from milvus_shell.settings import Settings

TABLE = build_table()


def fake_shell(**options):
    sh = Harness(backend_loader=lambda: FakeBackend, settings=Settings(timeout=1, color=False), **options)
    sh.ok("connect prod localhost:19530")
    return sh


def session_of(sh):
    return sh.registry.session("prod")[1]


# -- properties ------------------------------------------------------------------------------------

def test_known_property_values_are_checked_and_normalised():
    changes, dropped = parse_changes(["collection.ttl.seconds=3600", "mmap.enabled=ON"], ["partitionkey.isolation"],
                                     COLLECTION_KEYS, "collection 'books'")
    assert changes == {"collection.ttl.seconds": "3600", "mmap.enabled": "true"}
    assert dropped == ["partitionkey.isolation"]
    assert parse_changes(["mmap.enabled=off"], [], COLLECTION_KEYS, "c")[0] == {"mmap.enabled": "false"}
    assert parse_changes(["collection.resource_groups= rg_a , rg_b"], [], COLLECTION_KEYS, "c")[0] == {
        "collection.resource_groups": "rg_a,rg_b"}
    assert parse_changes(["database.max.collections=0"], [], DATABASE_KEYS, "d")[0] == {
        "database.max.collections": "0"}


@pytest.mark.parametrize("word, said", [
    ("collection.ttl.seconds=abc", "collection.ttl.seconds takes an integer of at least 0, not 'abc'"),
    ("collection.ttl.seconds=-5", "takes an integer of at least 0, not '-5'"),
    ("collection.ttl.seconds=１２", "takes an integer of at least 0"),  # full-width digits are not ASCII
    ("mmap.enabled=maybe", "mmap.enabled takes on or off (true/false), not 'maybe'"),
    ("collection.replica.number=0", "takes an integer of at least 1, not '0'"),
    ("collection.resource_groups=a,,b", "comma-separated names, none empty"),
    ("ttl", "--set needs KEY=VALUE, not 'ttl'"),
    ("=5", "--set needs KEY=VALUE"),
    ("collection.ttl.seconds=", "--set collection.ttl.seconds= has no value"),
])
def test_a_bad_property_value_is_refused_in_words(word, said):
    with pytest.raises(UsageError) as caught:
        parse_changes([word], [], COLLECTION_KEYS, "collection 'books'")
    assert said in caught.value.message


def test_unknown_keys_pass_through_and_contradictions_are_refused():
    assert parse_changes(["some.future.key=x y"], [], COLLECTION_KEYS, "c")[0] == {"some.future.key": "x y"}
    for sets, unsets, said in ((["a=1", "a=2"], [], "a is set twice"), (["a=1"], ["a"], "a is both set and unset"),
                               ([], ["a=1"], "--unset takes a key alone"),
                               ([], [], "nothing to change in c: give --set KEY=VALUE or --unset KEY")):
        with pytest.raises(UsageError) as caught:
            parse_changes(sets, unsets, COLLECTION_KEYS, "c")
        assert said in caught.value.message


def test_alter_collection_binds_repeated_set_and_unset():
    inv = parse_line("alter collection books --set collection.ttl.seconds=60 --set mmap.enabled=on "
                     "--unset partitionkey.isolation", TABLE)[0]
    assert inv.command.name == "alter collection" and inv.arg("COLLECTION") == "books"
    assert list(inv.opt("set")) == ["collection.ttl.seconds=60", "mmap.enabled=on"]
    assert list(inv.opt("unset")) == ["partitionkey.isolation"]


def test_a_bad_value_reaches_no_server():
    sh = fake_shell()
    err = sh.fail("alter collection books --set collection.ttl.seconds=soon")
    assert "nothing changed in collection 'books'" in err
    assert not [c for c in session_of(sh).calls if c[0].startswith("alter")]


# -- loading ---------------------------------------------------------------------------------------

def test_load_and_release_take_partitions_replicas_and_resource_groups():
    inv = parse_line("load books --partition p1 --partition p2 --replicas 2 --resource-group rg_a "
                     "--resource-group rg_b --wait 5", TABLE)[0]
    assert list(inv.opt("partition")) == ["p1", "p2"] and inv.opt("replicas") == 2
    assert list(inv.opt("resource_group")) == ["rg_a", "rg_b"] and inv.opt("wait") == 5
    inv = parse_line("release books --partition p1", TABLE)[0]
    assert list(inv.opt("partition")) == ["p1"]
    sh = fake_shell()
    assert "--replicas" in sh.fail("load books --replicas 0")


def test_transfer_replica_needs_both_groups_and_different_ones():
    sh = fake_shell()
    assert "transfer replica needs --to GROUP" in sh.fail("transfer replica books --from rg_a")
    assert "transfer replica needs --from GROUP" in sh.fail("transfer replica books --to rg_a")
    assert "name the same resource group" in sh.fail("transfer replica books --from rg_a --to rg_a")


def test_lite_capabilities_say_what_it_lacks():
    lite = capabilities_of("milvus_lite-3.2.2")
    assert not lite.partition_loading and not lite.resource_groups and not lite.privilege_groups
    assert lite.dropping_collection_properties
    old = capabilities_of("v2.3.5")
    assert old.partition_loading and old.resource_groups and not old.resource_group_config
    assert not old.dropping_collection_properties and not old.privilege_groups
    assert capabilities_of("v2.5.4").privilege_groups and capabilities_of("v2.4.0").resource_group_config


# -- destructive: truncate, drop resource group, drop privilege group --------------------------------

@pytest.mark.parametrize("line", ["truncate books", "drop resource group rg_a", "drop privilege group readers"])
def test_destructive_operations_need_yes_in_scripts(line):
    assert TABLE.get(" ".join(line.split()[:-1])).destroys is not None
    sh = fake_shell()
    err = sh.fail(line)
    assert "without --yes" in err


def test_truncate_names_the_rows_and_wants_the_collection_typed_back():
    asked = []
    sh = fake_shell(confirm=lambda q: asked.append(q) or False)
    sh.run("truncate books")
    assert "truncate collection 'books': delete its 3 rows" in asked[0].loss
    assert "schema, indexes, partitions and properties stay" in asked[0].loss
    assert asked[0].typed == "books"


# -- revoke * and drop role --force (grants of a fake session) ---------------------------------------

def _grants(role):
    return [Grant("Collection", "books", p, "default", "root", role) for p in ("Query", "Search", "Insert")] + [
        Grant("Collection", "*", "Delete", "default", "root", role), Grant("Global", "*", "*", "default", "root", role)]


def test_revoke_star_revokes_every_privilege_held_on_that_object_only():
    sh = fake_shell()
    session = session_of(sh)
    session.grants["reader"] = _grants("reader")
    said = sh.ok("revoke * on Collection books from reader")
    assert "role reader may no longer Query, Search, Insert on Collection books (3 grants revoked)" in said
    left = [(g.object_type, g.object_name, g.privilege) for g in session.grants["reader"]]
    assert left == [("Collection", "*", "Delete"), ("Global", "*", "*")]
    assert "role 'reader' holds no privilege on Collection books; nothing revoked" in sh.fail(
        "revoke * on Collection books from reader")
    sh.ok("revoke * on Global * from reader")  # a grant of * is revoked as *
    assert [g.privilege for g in session.grants["reader"]] == ["Delete"]


def test_revoking_a_privilege_not_held_is_refused_and_names_what_is():
    sh = fake_shell()
    session = session_of(sh)
    session.grants["reader"] = _grants("reader")
    err = sh.fail("revoke Upsert on Collection books from reader")
    assert "role 'reader' does not hold Upsert on Collection books; nothing revoked" in err
    assert "it holds Query, Search, Insert there" in err
    assert not [c for c in session.calls if c[0] == "revoke_privilege"]


def test_drop_role_with_grants_is_refused_before_asking_and_force_revokes_them_first():
    asked = []
    sh = fake_shell(confirm=lambda q: asked.append(q) or True)
    session = session_of(sh)
    session.grants["reader"] = _grants("reader")
    err = sh.fail("drop role reader")
    assert not asked  # refused before asking: the server would refuse anyway
    assert "role 'reader' still holds 5 grants (Query on Collection books;" in err
    assert "drop role reader --force revokes them, then drops it" in err
    said = sh.ok("drop role reader --force")
    assert "revoke the 5 grants of role 'reader'" in asked[0].loss
    assert said.strip() == "revoked 5 grants of role reader, then dropped it"
    assert [c[0] for c in session.calls[-6:]] == ["revoke_privilege"] * 5 + ["drop_role"]
    assert "reader" not in session.grants


# -- privilege groups: the code path, against the fake ------------------------------------------------

def test_privilege_groups_are_created_listed_and_dropped():
    sh = fake_shell()
    session = session_of(sh)
    assert "created privilege group readers holding Query, Search" in sh.ok(
        "create privilege group readers --privilege Query --privilege Search")
    assert json.loads(sh.ok("show privilege groups --format json")) == [
        {"privilege group": "readers", "privileges": "Query, Search"}]
    assert "dropped privilege group readers" in sh.ok("drop privilege group readers --yes")
    assert "(no privilege groups)" in sh.ok("show privilege groups")
    assert ("create_privilege_group", ("readers", ("Query", "Search"))) in session.calls
    assert "did you mean Query?" in sh.fail("create privilege group g --privilege Qeury")


def test_privilege_groups_are_granted_and_revoked_through_the_v2_call():
    sh = fake_shell()
    session = session_of(sh)
    said = sh.ok("grant privilege group readers on books to analyst --db shop")
    assert said.strip() == "role analyst may now use privilege group readers on collection books in database shop"
    said = sh.ok("revoke privilege group readers on * from analyst")
    assert said.strip() == "role analyst may no longer use privilege group readers on collection *"
    assert [c for c in session.calls if c[0].endswith("_v2")] == [
        ("grant_privilege_v2", ("analyst", "readers", "books", "shop")),
        ("revoke_privilege_v2", ("analyst", "readers", "*", ""))]
    inv = parse_line("grant privilege group readers on books to analyst", TABLE)[0]
    assert inv.command.name == "grant privilege group"  # not grant with a privilege named 'privilege'
