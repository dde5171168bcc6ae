"""The completer, from prompt_toolkit Documents: no server, no terminal."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from fake_sessions import fake_registry
from milvus_shell.commands import build_table
from milvus_shell.commands.spec import Command, Kind, Option, Positional
from milvus_shell.completion import Candidate, ShellCompleter, default_sources, quote_word
from milvus_shell.table import CommandTable
from milvus_shell.tokens import tokenize


def complete(completer: ShellCompleter, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]


def apply(completer: ShellCompleter, text: str, choice: str) -> str:
    """The line after picking the completion ``choice`` at the end of ``text``."""
    for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True)):
        if c.text == choice:
            return text[: len(text) + c.start_position] + c.text
    raise AssertionError(f"{choice!r} not offered for {text!r}")


@pytest.fixture
def registry():
    reg = fake_registry(
        connected={"prod": "milvus.example.com:19530", "dev": "localhost:19531"},
        disconnected={"old": "10.0.0.9:19530"},
        active="prod",
    )
    yield reg
    reg.close()


@pytest.fixture
def completer(registry, table):
    history = ["connect x 192.168.1.5:19530", "ping", "connect y http://milvus.lan:19530/books --user u"]
    return ShellCompleter(table, default_sources(registry, table, lambda: history))


def test_command_names_come_from_the_table(completer, table):
    assert set(complete(completer, "")) == {c.words[0] for c in table.commands}
    assert {"connect", "connections"} <= set(complete(completer, "con"))
    assert complete(completer, "disc") == ["disconnect"]
    assert complete(completer, "CONNECTI") == ["connections"]


def test_alias_kinds(completer):
    assert set(complete(completer, "disconnect ")) == {"prod", "dev", "old", "--all"}  # known ones
    assert set(complete(completer, "use ")) >= {"prod", "dev"}  # connected ones only
    assert "old" not in complete(completer, "use ") and "old" not in complete(completer, "ping ")
    assert "old" in complete(completer, "connect ")  # reconnecting a known alias
    assert "dev" in complete(completer, "use d") and "prod" not in complete(completer, "use d")


def test_a_repeated_alias_is_not_offered_twice(completer):
    assert set(complete(completer, "disconnect prod ")) == {"dev", "old", "--all"}


def test_alias_candidates_say_where_they_point(completer):
    metas = {c.text: c.display_meta_text for c in completer.get_completions(Document("disconnect "), CompleteEvent())}
    assert metas["prod"] == "active · milvus.example.com:19530"
    assert metas["old"] == "disconnected · 10.0.0.9:19530"


def test_options_of_the_command_being_typed(completer, table):
    connect = table.get("connect")
    assert complete(completer, "connect a --") == [o.name for o in connect.options]
    assert complete(completer, "connect a --t") == ["--token", "--tls", "--timeout"]
    given = complete(completer, "connect a --user u --")
    assert "--user" not in given and "--password" in given
    assert complete(completer, "disconnect -") == ["--all"]
    assert complete(completer, "connections -") == ["--format"]
    assert complete(completer, "ping -") == []


def test_no_values_for_a_number_or_a_word_but_options_after_an_optional_value(completer):
    assert complete(completer, "connect a --timeout ") == []
    assert complete(completer, "connect a --user ") == []
    after_password = complete(completer, "connect a --password ")
    assert "--user" in after_password and "--password" not in after_password


def test_addresses_from_aliases_then_history(completer):
    assert complete(completer, "connect a ") == [
        "10.0.0.9:19530", "milvus.example.com:19530", "localhost:19531",  # the aliases', in order
        "http://milvus.lan:19530/books", "192.168.1.5:19530",  # history, newest first
        *[o.name for o in completer.table.get("connect").options],
    ]
    assert complete(completer, "connect a 1") == ["10.0.0.9:19530", "192.168.1.5:19530"]
    assert complete(completer, "connect a 19") == ["192.168.1.5:19530", "10.0.0.9:19530",  # then containing
                                                   "milvus.example.com:19530", "localhost:19531",
                                                   "http://milvus.lan:19530/books"]
    assert "http://milvus.lan:19530/books" in complete(completer, "connect a http")


def test_a_lone_address_completes_as_an_address(completer):
    """`connect HOST:PORT` is the ADDRESS of alias default (the command's rebind rule)."""
    assert complete(completer, "connect localhost:") == ["localhost:19531"]


def test_paths_for_files_and_directories(completer, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "ca.pem").write_text("x")
    (folder / "certs").mkdir()
    (folder / ".hidden").write_text("x")
    base = str(folder)
    assert complete(completer, f"connect a --ca {base}/") == [f"{base}/ca.pem", f"{base}/certs/"]
    assert complete(completer, f"connect a --ca {base}/c") == [f"{base}/ca.pem", f"{base}/certs/"]
    assert complete(completer, f"connect a --lite {base}/") == [f"{base}/certs/"]  # DIR: folders only
    assert complete(completer, f"connect a --ca {base}/.") == [f"{base}/.hidden"]
    assert complete(completer, "connect a --ca /no/such/dir/") == []


def test_tilde_paths_keep_the_tilde(completer, private_home):
    (private_home / "client.pem").write_text("x")
    assert complete(completer, "connect a --cert ~/cl") == ["~/client.pem"]


def test_help_completes_command_names(completer):
    assert "connect" in complete(completer, "help ")
    assert complete(completer, "help disc") == ["disconnect"]


def test_no_completion_inside_a_comment_or_for_secrets(completer):
    assert complete(completer, "ping # con") == []
    assert complete(completer, "connect a --token ") == []


def test_completion_after_a_semicolon_starts_a_new_command(completer):
    assert complete(completer, "ping; disc") == ["disconnect"]
    assert complete(completer, "ping;use p") == ["prod"]


def test_end_of_options(completer):
    assert complete(completer, "disconnect -- ") == ["prod", "dev", "old"]  # connected ones first
    assert complete(completer, "disconnect -- --") == []


# -- the grammar, on a table made for the test ------------------------------------------------------

def _noop(ctx, inv):
    return None


@pytest.fixture
def grammar():
    table = CommandTable([
        Command("show collections", "List collections", _noop, (Positional("PATTERN", Kind.WORD, "glob"),)),
        Command("show databases", "List databases", _noop),
        Command("use", "Use an alias", _noop, (Positional("ALIAS", Kind.ALIAS, "alias", accepts="live"),)),
        Command("use database", "Use a database", _noop, (Positional("NAME", Kind.WORD, "db"),)),
        Command("query", "Query", _noop, (Positional("COLLECTION", Kind.WORD, "collection", required=True),),
                (Option("--fields", "fields", Kind.TEXT, "F1,F2"),
                 Option("--format", "format", Kind.CHOICE, "FORMAT", choices=("table", "json", "csv")),
                 Option("--param", "a KEY=VALUE", Kind.WORD, "KEY=VALUE", repeat=True))),
    ])
    registry = fake_registry(connected={"dev": "localhost:19530"})
    completer = ShellCompleter(table, default_sources(registry, table))
    yield table, completer
    registry.close()


def test_multi_word_command_names(grammar):
    _, completer = grammar
    assert complete(completer, "") == ["show", "use", "query"]
    assert complete(completer, "show ") == ["collections", "databases"]
    assert complete(completer, "show d") == ["databases"]
    assert complete(completer, "use ") == ["database", "dev"]  # a longer command's next word, and an alias
    assert complete(completer, "use database ") == []
    assert complete(completer, "help ") == []  # no help command in this table


def test_choices_also_after_an_equals_sign(grammar):
    _, completer = grammar
    assert complete(completer, "query c --format ") == ["table", "json", "csv"]
    assert complete(completer, "query c --format=j") == ["json"]
    assert apply(completer, "query c --format=j", "json") == "query c --format=json"


def test_a_repeatable_option_is_offered_again(grammar):
    _, completer = grammar
    assert "--param" in complete(completer, "query c --param a=1 --")
    assert "--format" not in complete(completer, "query c --format json --")


def test_pluggable_source_sees_the_other_values_given(grammar):
    """A later kind (fields of a collection) plugs in; its source sees the COLLECTION typed before."""
    _, completer = grammar
    seen = []

    def fields(slot):
        seen.append((slot.command.name, slot.param.name, slot.word, dict(slot.given)))
        return [Candidate("title", "VarChar"), Candidate("year", "Int64"), "vector"]

    completer.sources[Kind.TEXT] = fields
    assert complete(completer, "query books --format json --fields t") == ["title"]
    assert seen == [("query", "--fields", "t", {"COLLECTION": "books", "format": "json"})]
    assert complete(completer, "query books --fields ea") == ["year"]  # containing, after prefix
    assert complete(completer, "query books --fields e") == []  # one letter: prefix only


def test_candidates_that_need_quotes_are_quoted(grammar):
    _, completer = grammar
    completer.sources[Kind.WORD] = lambda slot: ["my books", "it's", "plain"]
    assert complete(completer, "query ")[:3] == ["'my books'", '"it\'s"', "plain"]
    assert complete(completer, "query 'my") == ["'my books'"]
    assert complete(completer, 'query "my') == ['"my books"']
    assert apply(completer, "query 'my", "'my books'") == "query 'my books'"


@pytest.mark.parametrize("text", ["plain", "two words", "it's", 'say "hi"', "a;b", "#x", "back\\slash", "$HOME", ""])
def test_quote_word_round_trips_through_the_tokenizer(text):
    quoted = quote_word(text)
    tokens = tokenize(quoted)[0].tokens
    assert [t.value for t in tokens] == [text]


def test_completion_reads_no_session(registry, table):
    """The completer only reads the registry's snapshot: no session method is ever called."""
    class Exploding:
        database, server_version, round_trip_ms = "default", "fake", 0.1  # plain facts, read by views()

        def close(self, stop_embedded=True):
            pass

        def __getattr__(self, name):
            raise AssertionError(f"completion touched a session: {name}")

    tripwires = 0
    for entry in registry._entries.values():  # noqa: SLF001 - replace live sessions by tripwires
        if entry.session is not None:
            entry.session = Exploding()
            tripwires += 1
    assert tripwires == 2  # prod and dev: a session there to be touched
    completer = ShellCompleter(table, default_sources(registry, table))
    for text in ("", "use ", "disconnect ", "connect a ", "ping p", "connect a --ca /"):
        list(completer.get_completions(Document(text), CompleteEvent()))
    assert {"prod", "dev"} <= set(complete(completer, "use "))  # the aliases came from the snapshot


def test_many_candidates(grammar):
    _, completer = grammar
    names = [f"collection_{i:05d}" for i in range(10_000)] * 2  # duplicates are offered once
    completer.sources[Kind.WORD] = lambda slot: names
    offered = complete(completer, "query ")
    assert len(offered) == 1000 + 3  # the first thousand, and the options: typing more narrows it
    assert offered[:2] == ["collection_00000", "collection_00001"]
    assert complete(completer, "query collection_0999") == ["collection_09990", *[f"collection_0999{i}" for i in range(1, 10)]]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="connect disuepighl-=;#'\"\\ab/:1", max_size=40))
def test_never_raises_on_any_line(text):
    table = build_table()
    registry = fake_registry(connected={"a": "localhost:19530"})
    completer = ShellCompleter(table, default_sources(registry, table, lambda: [text]))
    for cut in range(len(text) + 1):
        for c in completer.get_completions(Document(text[:cut]), CompleteEvent()):
            assert c.start_position <= 0 and -c.start_position <= cut


def test_paths_listing_is_bounded(completer, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(1200):
        (folder / f"f{i}").touch()
    assert len(complete(completer, f"connect a --ca {folder}{os.sep}")) == 1000


def test_addresses_come_from_recent_history_only(registry, table):
    lines = [f"connect a{i} host{i}:19530" for i in range(20_000)]
    completer = ShellCompleter(table, default_sources(registry, table, lambda: lines))
    assert complete(completer, "connect x host")[0] == "host19999:19530"  # newest first
    assert complete(completer, "connect x host15000") == ["host15000:19530"]  # 5,000 lines back
    assert complete(completer, "connect x host14999") == []  # further back: not looked at
    lines.append("connect z newhost:1")  # the history grew: seen at the next keystroke
    assert complete(completer, "connect x newh") == ["newhost:1"]
