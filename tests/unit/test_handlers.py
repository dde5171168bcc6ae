"""Handlers against a fake session (no server): what reaches the server, confirmations, effects.

Each behaviour here also has a real-server test (test_explore_commands.py, test_change_commands.py).
"""

from __future__ import annotations

import pytest

from fake_sessions import FakeBackend
from harness import Harness
from milvus_shell.commands.spec import Effect
from milvus_shell.settings import Settings


def fake_shell(confirm=None, interactive=False):
    sh = Harness(confirm=confirm, backend_loader=lambda: FakeBackend,
                 settings=Settings(timeout=1, color=False, interactive=interactive))
    sh.ok("connect prod localhost:19530")
    return sh


def server_calls(sh, name):
    return [args for call, args in sh.ctx.session().calls if call == name]


@pytest.mark.parametrize("line, sent", [
    ("count books -- 'title == \"book 5\"'", 'title == "book 5"'),
    ("count books 'title == \"book 5\"'", 'title == "book 5"'),
    ("count books title == \"book 5\"", 'title == "book 5"'),
    ("count books title like 'A%'", "title like 'A%'"),
    ("count books id   >   2", "id   >   2"),  # the spacing typed
    ("count books -- id > 2", "id > 2"),
    ("count books", ""),
])
def test_count_sends_the_filter_as_typed(line, sent):
    sh = fake_shell()
    sh.ok(line)
    assert server_calls(sh, "count") == [("books", sent)]


@pytest.mark.parametrize("line, sent", [
    ('query books "year > 3" --limit 3', "year > 3"),
    ("query books year > 3 --limit 3", "year > 3"),
    ("query books --limit 3 year > 3", "year > 3"),
    ("query books year > 3 --limit 3 and id < 9", "year > 3 and id < 9"),  # runs split by an option
    ("query books -- --weird == 1", "--weird == 1"),
])
def test_query_sends_the_filter_as_typed(line, sent):
    sh = fake_shell()
    sh.ok(line)
    assert server_calls(sh, "query")[0][1] == sent


def test_values_arrive_converted_so_handlers_do_not_check_them():
    sh = fake_shell()
    sh.ok("query books --limit 2 --offset 1")
    assert server_calls(sh, "query") == [("books", "", 3, 1)]  # limit + 1 to see whether more match
    assert "--limit needs a positive whole number or all, not '５'" in sh.fail("query books --limit ５")
    assert "--limit is at most" in sh.fail("query books --limit 99999999999999999999")


def test_a_destructive_command_in_a_script_needs_yes_and_changes_nothing_without():
    sh = fake_shell(confirm=None)
    err = sh.fail("drop collection books")
    assert "refusing to drop collection 'books'" in err and "--yes" in err
    assert server_calls(sh, "drop_collection") == []
    sh.ok("drop collection books --yes")
    assert server_calls(sh, "drop_collection") == [("books",)]


def test_the_confirmation_names_the_loss_the_alias_and_its_address():
    asked = []
    sh = fake_shell(confirm=lambda question: asked.append(question) or False)
    err = sh.fail("drop collection books")
    assert "not confirmed; nothing changed" in err
    assert server_calls(sh, "drop_collection") == []
    (question,) = asked
    assert question.alias == "prod" and question.address == "localhost:19530"
    assert "books" in question.loss and "3 rows" in question.loss
    assert question.typed == "books"  # dropping a collection wants its name typed back


def test_a_confirmed_destructive_command_runs():
    sh = fake_shell(confirm=lambda question: True)
    assert "dropped collection books" in sh.ok("drop collection books")
    assert "not found" in sh.fail("drop collection books --yes")


def test_declared_effects_refresh_the_name_cache_after_success_only():
    sh = fake_shell(confirm=lambda question: True, interactive=True)
    refreshed = []
    cache = sh.ctx.metadata
    cache.changed = lambda alias, effects, collection=None: refreshed.append((set(effects), collection))
    sh.ok("flush books")
    assert refreshed == [({Effect.SEGMENTS}, "books")]  # no names: segments are not cached (watch reads it)
    refreshed.clear()
    sh.fail("drop collection nosuch --yes")
    assert refreshed == []
    sh.ok("drop collection books")
    assert refreshed == [({Effect.COLLECTIONS, Effect.ALIASES}, "books")]


def test_create_collection_quick_form_sends_the_documented_defaults():
    sh = fake_shell()
    sh.ok("create collection demo --dim 8")
    ((name, spec),) = server_calls(sh, "create_collection")
    assert name == "demo" and spec.dynamic_field and spec.description == ""
    pk, vector = spec.fields
    assert (pk.name, pk.type, pk.auto_id) == ("id", "INT64", False)
    assert (vector.name, vector.type, vector.dim) == ("vector", "FLOAT_VECTOR", 8)
    (index,) = spec.indexes
    assert (index.field, index.type, index.metric) == ("vector", "AUTOINDEX", "COSINE")


def test_create_collection_wants_dim_or_schema_not_both():
    sh = fake_shell()
    assert "needs --dim N" in sh.fail("create collection demo")
    assert "--auto-id goes with --dim, not with --schema" in sh.fail("create collection demo --schema x.json --auto-id")
    assert server_calls(sh, "create_collection") == []


@pytest.mark.parametrize("line, typed, loss", [
    ("drop database shop", "shop", "drop database 'shop'"),
    ("drop index books vector", None, "drop index 'vector' of collection 'books'"),
    ("drop partition books old", None, "drop partition 'old' of collection 'books' with its ~7 rows"),
    ("drop alias novels", None, "drop alias 'novels' of collection 'books'"),
])
def test_schema_drops_ask_first_and_change_nothing_on_no(line, typed, loss):
    asked = []
    sh = fake_shell(confirm=lambda question: asked.append(question) or False)
    assert "not confirmed; nothing changed" in sh.fail(line)
    (question,) = asked
    assert question.typed == typed and loss in question.loss
    assert not [c for c in sh.ctx.session().calls if c[0].startswith("drop_")]
    sh2 = fake_shell(confirm=None)
    assert "without --yes" in sh2.fail(line)
    sh2.ok(line + " --yes")
    assert [c for c in sh2.ctx.session().calls if c[0].startswith("drop_")]


@pytest.mark.parametrize("line, effects", [
    ("create collection demo --dim 2", {Effect.COLLECTIONS}),
    ("create database shop", {Effect.DATABASES}),
    ("drop index books vector --yes", {Effect.INDEXES}),
    ("drop alias novels --yes", {Effect.ALIASES}),
])
def test_schema_commands_refresh_what_they_change(line, effects):
    sh = fake_shell(interactive=True)
    refreshed = []
    sh.ctx.metadata.changed = lambda alias, changed, collection=None: refreshed.append(set(changed))
    sh.ok(line)
    assert refreshed == [effects]
