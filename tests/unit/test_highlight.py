"""The lexer built from the command table, its style, and the connections table's active row."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.output.vt100 import _EscapeCodeCache
from prompt_toolkit.styles import Style
from pygments.token import Comment, Error, Keyword, Name, Number, Punctuation, String, Text

from fake_sessions import fake_registry
from milvus_shell.commands import build_table
from milvus_shell.highlight import ActiveAlias, KnownAlias, ShellLexer, UnknownAlias
from milvus_shell.formats import format_table
from milvus_shell.results import Table
from milvus_shell.styles import ACTIVE_ALIAS, ACTIVE_ALIAS_SGR, RULES, shell_style


@pytest.fixture
def lexer():
    registry = fake_registry(connected={"prod": "localhost:19530", "dev": "localhost:19531"},
                             disconnected={"old": "localhost:19532"}, active="prod")
    yield ShellLexer(build_table(), registry)
    registry.close()


def tokens(lexer: ShellLexer, text: str) -> list[tuple[object, str]]:
    return [(t, v) for _, t, v in lexer.get_tokens_unprocessed(text) if v.strip()]


def test_command_options_and_values(lexer):
    assert tokens(lexer, "connect prod localhost:19530 --user root --timeout 5 --password=x --tls") == [
        (Keyword, "connect"), (ActiveAlias, "prod"), (String, "localhost:19530"),
        (Name.Attribute, "--user"), (Name, "root"), (Name.Attribute, "--timeout"), (Number, "5"),
        (Name.Attribute, "--password"), (Punctuation, "="), (String, "x"), (Name.Attribute, "--tls"),
    ]


def test_aliases_active_known_unknown(lexer):
    assert tokens(lexer, "use prod") == [(Keyword, "use"), (ActiveAlias, "prod")]
    assert tokens(lexer, "use dev") == [(Keyword, "use"), (KnownAlias, "dev")]
    assert tokens(lexer, "disconnect old dev") == [(Keyword, "disconnect"), (KnownAlias, "old"), (KnownAlias, "dev")]
    assert tokens(lexer, "ping nope ") == [(Keyword, "ping"), (UnknownAlias, "nope")]


def test_a_word_still_being_typed_is_not_an_error(lexer):
    assert tokens(lexer, "use pr") == [(Keyword, "use"), (Text, "pr")]  # may become prod
    assert tokens(lexer, "use pr ") == [(Keyword, "use"), (UnknownAlias, "pr")]  # finished: no such alias
    assert tokens(lexer, "conn") == [(Text, "conn")]
    assert tokens(lexer, "conn ") == [(Error, "conn")]
    assert tokens(lexer, "disconnect --al") == [(Keyword, "disconnect"), (Text, "--al")]
    assert tokens(lexer, "disconnect --al ") == [(Keyword, "disconnect"), (Error, "--al")]


def test_connect_may_name_a_new_alias(lexer):
    assert tokens(lexer, "connect brand-new localhost") == [(Keyword, "connect"), (Name, "brand-new"), (String, "localhost")]
    assert tokens(lexer, "connect localhost:19530") == [(Keyword, "connect"), (String, "localhost:19530")]


def test_strings_comments_separators_and_extras(lexer):
    assert tokens(lexer, "help 'connect'; ping prod extra # why") == [
        (Keyword, "help"), (String, "'connect'"), (Punctuation, ";"), (Keyword, "ping"),
        (ActiveAlias, "prod"), (Error, "extra"), (Comment, "# why"),
    ]
    assert tokens(lexer, "bogus a b") == [(Error, "bogus"), (Text, "a"), (Text, "b")]


def test_without_a_registry_every_alias_is_unknown():
    lexer = ShellLexer(build_table())
    assert tokens(lexer, "use prod ") == [(Keyword, "use"), (UnknownAlias, "prod")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="connect disuepgl-=;#'\"\\ prod\t/:1", max_size=50))
def test_every_character_is_lexed_once_in_order(text):
    lexer = ShellLexer(build_table(), fake_registry(connected={"prod": "localhost:19530"}))
    pieces = list(lexer.get_tokens_unprocessed(text))
    assert "".join(v for _, _, v in pieces) == text
    assert all(text[i:i + len(v)] == v for i, _, v in pieces)


def test_the_active_alias_has_one_style_in_prompt_input_and_tables():
    assert RULES["prompt.alias"] == RULES["pygments.name.alias.active"] == ACTIVE_ALIAS
    attrs = Style.from_dict({"a": ACTIVE_ALIAS}).get_attrs_for_style_str("class:a")
    escape = _EscapeCodeCache(ColorDepth.DEPTH_4_BIT)[attrs]
    as_codes = set(re.findall(r"\d+", escape)) - {"0"}
    assert as_codes == set(re.findall(r"\d+", ACTIVE_ALIAS_SGR))

    table = Table(["", "alias"], [["", "a"], ["*", "b"]], active_row=1)
    lines = format_table(table, "table", 80, color=True).splitlines()
    assert lines[3].startswith(ACTIVE_ALIAS_SGR) and "b" in lines[3]
    assert "\x1b" not in lines[2]
    assert "\x1b" not in format_table(table, "table", 80, color=False)


def test_the_style_knows_every_token_the_lexer_makes():
    style = shell_style()
    for cls in ("pygments.keyword", "pygments.name.attribute", "pygments.name.alias.active",
                "pygments.name.alias.known", "pygments.name.alias.unknown", "pygments.error"):
        assert style.get_attrs_for_style_str(f"class:{cls}") != style.get_attrs_for_style_str("")


@pytest.mark.parametrize("line, shown", [
    ("connect a --password hunter2 --user u", "connect a --password ******* --user u"),
    ("connect a --token=tok; connect b --password", "connect a --token=***; connect b --password"),
    ("connect a --token 'a b", "connect a --token ****"),
    ("ping", "ping"),
])
def test_secret_values_are_drawn_as_stars(line, shown):
    from prompt_toolkit.document import Document
    from prompt_toolkit.layout.processors import TransformationInput

    from milvus_shell.highlight import SecretMasker

    document = Document(line)
    fragments = [("class:x", ch) for ch in line] + [("class:suggestion", " and more")]
    ti = TransformationInput(None, document, 0, lambda i: i, fragments, 80, 1)
    result = SecretMasker(build_table()).apply_transformation(ti)
    assert "".join(t for _, t, *_ in result.fragments) == shown + " and more"
