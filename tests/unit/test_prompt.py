"""What the prompt and the bottom toolbar say (pure functions over the registry)."""

from __future__ import annotations

import threading

import pytest

from fake_sessions import fake_registry
from milvus_shell.commands import build_table
from milvus_shell.errors import ServerError, UsageError
from milvus_shell.status import (
    ConnectionHealth,
    prompt_fragments,
    short_where,
    toolbar_fragments,
)


def text(fragments) -> str:
    return "".join(t for _, t in fragments)


@pytest.mark.parametrize("address, database, shown", [
    ("localhost:19530", "default", "localhost"),
    ("localhost:19531", "default", "localhost:19531"),
    ("https://milvus.example.com:443", "books", "https://milvus.example.com:443/books"),
    ("[::1]:19530", "", "[::1]"),
    ("/home/me/.local/share/milvus-shell/lite.db", "default", "lite.db"),
    ("unix:/var/run/milvus/milvus.sock", "default", "unix:milvus.sock"),
    ("a-very-long-host-name.with.many.parts.example.com:19530", "default", "a-very-long-host-name.with…s.example.com"),
])
def test_where_is_shortened_sensibly(address, database, shown):
    assert short_where(address, database) == shown
    assert len(short_where(address, database)) <= 40


def test_prompt_shows_the_active_alias_in_its_own_style():
    registry = fake_registry(connected={"prod": "milvus.example.com:19530"})
    health = ConnectionHealth()
    fragments = prompt_fragments(registry, health)
    assert text(fragments) == "milvus prod@milvus.example.com> "
    assert ("class:prompt.alias", "prod") in fragments
    health.record("prod", ServerError("server unavailable", "unavailable"))
    assert text(prompt_fragments(registry, health)) == "milvus prod@milvus.example.com (lost)> "
    registry.disconnect("prod")
    assert text(prompt_fragments(registry, health)) == "milvus (not connected)> "


def test_toolbar_says_state_live_aliases_and_the_syntax_being_typed():
    table = build_table()
    registry = fake_registry(connected={"a": "localhost:19530", "b": "localhost:19531"},
                             disconnected={"c": "localhost:19532"}, active="a")
    health = ConnectionHealth()
    idle = text(toolbar_fragments(registry, health, table, "", 200))
    assert idle.startswith(" a: connected · 2 live aliases ") and "Tab completes" in idle
    typing = toolbar_fragments(registry, health, table, "disconnect a", 200)
    assert "disconnect [ALIAS ...] [--all]" in text(typing)
    assert ("class:bottom-toolbar.syntax.current", "[ALIAS ...]") in typing
    typing = toolbar_fragments(registry, health, table, "connect x --ti", 200)
    assert ("class:bottom-toolbar.syntax.current", "[--timeout SECONDS]") in typing  # the one option it can be
    registry.disconnect_all()
    assert text(toolbar_fragments(registry, health, table, "", 200)).startswith(" not connected · 0 live aliases")


def test_a_long_syntax_scrolls_to_the_word_being_typed():
    table = build_table()
    registry = fake_registry()
    fragments = toolbar_fragments(registry, ConnectionHealth(), table, "connect a --lite ", 80)
    shown = text(fragments)
    assert "… " in shown and "[--lite DIR]" in shown and len(shown) <= 80 + 10
    assert ("class:bottom-toolbar.syntax.current", "[--lite DIR]") in fragments


def test_syntax_parts_name_every_parameter_once_in_declaration_order():
    for command in build_table().commands:
        params = [param for param, _ in command.syntax_parts()[1:]]
        assert params == list(command.positionals) + list(command.options)
        assert command.syntax_parts()[0] == (None, command.name)


def test_lost_is_marked_by_no_answer_only_and_cleared_when_it_answers_again():
    answers = threading.Event()
    checked = []

    def check(alias):
        checked.append(alias)
        if not answers.is_set():
            raise ServerError("no answer", "timeout")

    changed = threading.Event()
    health = ConnectionHealth(check=check, interval=0.01)
    health.on_change = changed.set
    health.record("a", UsageError("unknown alias"))
    health.record("a", ServerError("collection not found", "milvus-100"))
    assert not health.is_lost("a")
    health.record("a", ServerError("server unavailable", "unavailable"))
    assert health.is_lost("a")
    answers.set()
    assert changed.wait(5)
    assert not health.is_lost("a") and checked
    health.close()


def test_a_lost_alias_that_is_disconnected_is_no_longer_lost():
    changed = threading.Event()
    health = ConnectionHealth(check=lambda alias: None, is_live=lambda alias: False, interval=0.01)
    health.on_change = changed.set
    health.record("a", ServerError("timed out", "timeout"))
    assert changed.wait(5) and not health.is_lost("a")
