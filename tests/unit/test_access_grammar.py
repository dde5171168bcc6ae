"""Access-control and diagnostics commands without a server: their grammar (privilege names and
object types checked, with did-you-mean), watch's refusals and its count-like changes, the wording
of a PERMISSION_DENIED, and new passwords kept out of history. Real-server tests: tests/server/test_access_server.py."""

from __future__ import annotations

import pytest

from fake_sessions import FakeBackend
from harness import Harness
from milvus_shell.commands import build_table
from milvus_shell.commands.watch import change, measure
from milvus_shell.parser import parse_line, redact
from milvus_shell.results import Message, Table
from milvus_shell.settings import Settings

TABLE = build_table()


def fake_shell(interactive=False, **options):
    sh = Harness(backend_loader=lambda: FakeBackend, settings=Settings(timeout=1, color=False, interactive=interactive),
                 **options)
    sh.ok("connect prod localhost:19530")
    return sh


def test_grant_checks_privilege_and_object_type_with_did_you_mean():
    inv = parse_line("grant query on collection books to reader --db shop", TABLE)[0]
    assert inv.command.name == "grant"
    assert (inv.arg("PRIVILEGE"), inv.arg("OBJECT_TYPE"), inv.arg("NAME"), inv.arg("ROLE"), inv.opt("db")) == (
        "Query", "Collection", "books", "reader", "shop")
    sh = fake_shell()
    err = sh.fail("grant Qeury on Collection books to reader")
    assert "PRIVILEGE has no 'Qeury'" in err and "did you mean Query?" in err
    err = sh.fail("revoke Search on Colection books from reader")
    assert "did you mean Collection?" in err
    assert "grant needs ROLE" in sh.fail("grant Search on Collection books to")
    inv = parse_line("grant role reader to alice", TABLE)[0]
    assert inv.command.name == "grant role" and (inv.arg("ROLE"), inv.arg("USER")) == ("reader", "alice")


def test_new_passwords_are_masked_like_connect_secrets():
    assert redact("create user alice --password N3w-s3cret", TABLE) == "create user alice --password ***"
    assert redact("create user alice --password=N3w-s3cret; show users", TABLE) == (
        "create user alice --password=***; show users")


def test_create_user_in_a_script_needs_a_value_or_the_environment():
    sh = fake_shell()
    err = sh.fail("create user alice --password")
    assert "no terminal to ask on" in err and "MILVUS_NEW_PASSWORD" in err


def test_create_user_asks_twice_and_refuses_two_different_answers():
    answers = iter(["first-pass", "second-pass"])
    sh = fake_shell(ask_secret=lambda prompt: next(answers))
    err = sh.fail("create user alice")
    assert "the two passwords differ; nothing changed" in err
    assert "first-pass" not in err and "second-pass" not in err


@pytest.mark.parametrize("line, why", [
    ("watch flush books", "flush changes the server's segments"),
    ("watch 1 drop collection books", "drop collection destroys what it is given"),
    ("watch load books", "load changes the server's loaded collections"),
    ("watch compact books", "compact changes the server's segments"),
    ("watch watch count books", "watch cannot watch itself"),
])
def test_watch_refuses_commands_that_change_the_server(line, why):
    sh = fake_shell(interactive=True)
    assert why in sh.fail(line)
    assert all(call != "flush" for call, _ in sh.ctx.session().calls)


def test_watch_in_a_script_needs_times_and_then_runs_that_often():
    sh = fake_shell()
    assert "needs --times N" in sh.fail("watch 0.1 count books")
    out = sh.ok("watch --times 3 0.1 count books")
    assert out.count("every 0.1 s: count books") == 3
    assert "run 3 of 3" in out and "count 3 (no change)" in out
    assert len([c for c, _ in sh.ctx.session().calls if c == "count"]) == 3


def test_watch_options_after_the_command_belong_to_the_command():
    inv = parse_line("watch 2 query books --limit 3 --format json", TABLE)[0]
    assert inv.arg("SECONDS") == 2 and inv.arg("COMMAND") == "query books --limit 3 --format json"
    inv = parse_line("watch show load books", TABLE)[0]
    assert inv.arg("SECONDS") is None and inv.arg("COMMAND") == "show load books"


def test_watch_measures_count_like_results():
    assert measure(Table(["count"], [[120]])) == ("count", 120)
    assert measure(Table(["segment", "rows"], [[1, 10], [2, 5]], footer="total: 15 rows in 2 segments")) == ("rows", 15)
    assert measure(Table(["index", "indexed rows"], [["v", "40/100"]])) == ("indexed rows", 40)
    assert measure(Table(["collection", "rows"], [["a", "~7"], ["b", 3]])) == ("rows", 10)
    assert measure(Table(["collection", "partition", "state", "progress"],
                         [["b", "(collection)", "loading", "60%"], ["b", "p", "loading", "60%"]])) == ("progress %", 60)
    assert measure(Message("connected")) is None
    assert change(("count", 100), ("count", 120)) == "    count 120 (+20 since the last run)"
    assert change(("count", 100), ("count", 90)) == "    count 90 (-10 since the last run)"
    assert change(None, ("count", 5)) == "    count 5"


def test_permission_denied_names_the_privilege_and_suggests_show_grants():
    from milvus_shell.backend import permission_denied

    class Session:
        address = "localhost:19530"

    exc = permission_denied("PrivilegeQuery: permission deny to alice", Session())
    assert exc.message == "permission denied: user 'alice' lacks the Query privilege"
    assert "show grants ROLE" in exc.hint and "grant Query on Collection COLLECTION to ROLE" in exc.hint
    other = permission_denied("something else", Session())
    assert "something else" in other.message and "show grants" in other.hint


def test_privileges_object_types_and_fixed_words_are_completed():
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from fake_sessions import fake_registry
    from milvus_shell.completion import ShellCompleter, default_sources

    registry = fake_registry()
    completer = ShellCompleter(TABLE, default_sources(registry, TABLE, lambda: []))

    def offered(text):
        return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]

    assert offered("grant Qu") == ["Query"]
    assert "on" in offered("grant Query ")
    assert offered("grant Query on Co") == ["Collection"]
    assert "to" in offered("grant Query on Collection books ")
    assert offered("revoke role reader ") == ["from"]
    assert "role" in offered("grant ")
    registry.close()
