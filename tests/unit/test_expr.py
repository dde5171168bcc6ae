"""expr.py: values become filter-expression text only by quoting and escaping.

The literal is read back here with a small reader of Milvus's string grammar (the escapes both
servers take: Milvus Lite's ``\\" \\' \\\\ \\n \\r \\t``, a raw CR or LF ends a literal); the real
servers read it in tests/server/test_expr_server.py.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from milvus_shell.expr import ExpressionError, field_name, literal, one_of, string_literal

_ESCAPED = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def read_string(text: str, start: int = 0) -> tuple[str, int]:
    """A double-quoted literal at ``start`` as Milvus Lite's tokenizer reads it: (value, end)."""
    assert text[start] == '"'
    out, i = [], start + 1
    while True:
        ch = text[i]
        if ch == '"':
            return "".join(out), i + 1
        assert ch not in "\r\n", "a raw line break ends a literal"
        if ch == "\\":
            out.append(_ESCAPED[text[i + 1]])  # KeyError: an escape the server refuses
            i += 2
        else:
            out.append(ch)
            i += 1


HOSTILE = ["O'Brien", 'say "hi"', "back\\slash", "x'] or id != 'zz' or id in ['y", 'a" or id != "b',
           "\\", '\\"', "line\nbreak", "cr\ronly", "tab\t", "é漢😀", "", "]", "\u202e", "\x01", "\\n"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_string_reads_back_as_itself_and_the_literal_is_whole(value):
    text = string_literal(value)
    assert read_string(text) == (value, len(text))


@given(st.text())
def test_any_string_reads_back_as_itself(value):
    text = string_literal(value)
    assert read_string(text) == (value, len(text))


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_one_of_lists_exactly_the_values(values):
    text = one_of("pk", values)
    assert text.startswith("pk in [")
    read, i = [], len("pk in [")
    while True:
        value, i = read_string(text, i)
        read.append(value)
        if text[i] == "]":
            break
        assert text[i:i + 2] == ", "
        i += 2
    assert read == values and i == len(text) - 1


def test_numbers_and_booleans():
    assert one_of("id", [1, -2, 10**20]) == "id in [1, -2, 100000000000000000000]"
    assert literal(True) == "true" and literal(False) == "false"
    assert literal(0.1) == "0.1"
    for bad in (math.nan, math.inf, -math.inf, None, b"x", [1]):
        with pytest.raises(ExpressionError):
            literal(bad)


def test_field_names_are_identifiers_only():
    assert field_name("title_2") == "title_2"
    for bad in ("", "a b", "id or 1", "1a", 'x"', "$meta"):
        with pytest.raises(ExpressionError):
            field_name(bad)

