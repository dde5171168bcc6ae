"""Bounds on numbers and vectors typed on a line (milvus_shell.bounds): pure, no server."""

from __future__ import annotations

import pytest

from milvus_shell.addresses import lite_address
from milvus_shell.bounds import (
    FLOAT32_MAX,
    MAX_ROWS,
    MAX_SECONDS,
    MAX_TOPK,
    check_seconds,
    check_vector,
    parse_count,
    parse_seconds,
    parse_vectors,
)
from milvus_shell.errors import UsageError


@pytest.mark.parametrize("text, value", [("1", 1), ("16384", 16384), ("007", 7)])
def test_parse_count_takes_ascii_digits_within_the_bound(text, value):
    assert parse_count(text, "--limit", MAX_TOPK) == value


@pytest.mark.parametrize("text", ["５", "٣", "1_000", " 7", "7 ", "+7", "-1"])
def test_parse_count_refuses_what_int_takes_but_is_not_ascii_digits(text):
    with pytest.raises(UsageError) as caught:
        parse_count(text, "--limit", MAX_TOPK)
    assert str(caught.value) == f"--limit needs a positive whole number, not {text!r} (digits 0-9 only)"


@pytest.mark.parametrize("text", ["1.0", "1e3", "", "many", "0x10", "9" * 200])
def test_parse_count_refuses_words(text):
    with pytest.raises(UsageError, match=r"--limit needs a positive whole number or all, not '.*'$"):
        parse_count(text.replace("9", "x"), "--limit", MAX_TOPK, or_else="all")


def test_parse_count_says_the_bound_and_why():
    with pytest.raises(UsageError) as caught:
        parse_count("99999999999999999999", "--limit", MAX_TOPK, why="Milvus returns at most 16384 hits")
    assert str(caught.value) == "--limit is at most 16384, not 99999999999999999999: Milvus returns at most 16384 hits"
    with pytest.raises(UsageError, match="at most 16384, not 16385"):
        parse_count("16385", "--limit", MAX_TOPK)
    with pytest.raises(UsageError, match="at most"):  # more digits than int() converts by default
        parse_count("9" * 5000, "--offset", MAX_ROWS, zero_ok=True)
    assert parse_count(str(MAX_ROWS), "--offset", MAX_ROWS) == MAX_ROWS


def test_parse_count_zero():
    assert parse_count("0", "--offset", MAX_ROWS, zero_ok=True) == 0
    assert parse_count("000", "--offset", MAX_ROWS, zero_ok=True) == 0
    with pytest.raises(UsageError, match="positive whole number, not '0'"):
        parse_count("0", "--limit", MAX_TOPK)


@pytest.mark.parametrize("text, says", [
    ("9e9", "at most 3600 seconds"), ("1e300", "at most 3600 seconds"), ("inf", "at most 3600 seconds"),
    ("nan", "needs a positive number of seconds"), ("0", "needs a positive number"), ("-5", "needs a positive"),
    ("ten", "needs a positive number"), ("1e-9", "at least 0.001 seconds"),
])
def test_parse_seconds_bounds(text, says):
    with pytest.raises(UsageError, match=says):
        parse_seconds(text, "--timeout")


def test_seconds_within_bounds():
    assert parse_seconds("2.5", "--timeout") == 2.5
    assert parse_seconds("3600", "--timeout") == MAX_SECONDS
    assert check_seconds(0.5, "--timeout") == 0.5
    with pytest.raises(UsageError, match="--timeout is at most 3600 seconds, not 9e\\+09"):
        check_seconds(9e9, "--timeout")


@pytest.mark.parametrize("text, says", [
    ("[0.1, NaN, 0.3]", "--vector element 2 is NaN"),
    ("[Infinity, 1]", "--vector element 1 is infinite"),
    ("[1, 2, -Infinity]", "--vector element 3 is infinite"),
    ("[1, 2, 1e999]", "--vector element 3 is infinite"),  # json.loads makes 1e999 inf
    ("[1, 2, 3, 4e38]", "--vector element 4 is 4e+38, beyond what a float32 holds"),
    ("[1, -1e39]", "--vector element 2 is -1e+39, beyond what a float32 holds"),
    ("[1, " + "9" * 50 + "]", "--vector element 2 is 99999"),
    ("[[1, 2], [3, NaN]]", "--vector, vector 2, element 2 is NaN"),
    ("[1, true]", "--vector element 2 is not a number: true"),
    ("[1, \"a\"]", "--vector element 2 is not a number"),
    ("[[[1]]]", "element 1 is not a number"),
    ("[" * 100_000 + "]" * 100_000, "--vector is nested too deeply"),
    ("[1, " + "9" * 5000 + "]", "--vector holds a number too long to read"),
    ("[0.1, 0.2", "--vector is not valid JSON"),
    ("{}", "JSON list of numbers"),
    ("[]", "JSON list of numbers"),
])
def test_parse_vectors_refuses_in_words(text, says):
    with pytest.raises(UsageError) as caught:
        parse_vectors(text)
    assert says in str(caught.value)


def test_parse_vectors_takes_finite_float32_numbers():
    assert parse_vectors("[0.1, -2, 3.4e38]") == [[0.1, -2, 3.4e38]]
    assert parse_vectors("[[1, 2], [3, 4]]") == [[1, 2], [3, 4]]
    assert check_vector([FLOAT32_MAX, -FLOAT32_MAX, 0]) == [FLOAT32_MAX, -FLOAT32_MAX, 0]


@pytest.mark.parametrize("path", ["", "   "])
def test_lite_needs_a_path(path):
    with pytest.raises(UsageError, match="--lite needs a data folder, not an empty path"):
        lite_address(path)
