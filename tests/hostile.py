"""Hostile text: characters that act on a terminal (ESC, BEL, newlines, C1 controls, bidi overrides),
how the shell shows them escaped, and a check that none reached an output raw."""

from __future__ import annotations


HOSTILE = "red\x1b[31mX\x07bell\nnew\ttab\rcr\x85nel\u202eevil\u2028sep\u2066iso\x7fdel"


SHOWN = "red\\x1b[31mX\\x07bell\\nnew\\ttab\\rcr\\x85nel\\u202eevil\\u2028sep\\u2066iso\\x7fdel"


KEY = "k\x1b[1m"


# Nothing that acts on a terminal may reach it raw.
ACTING = ["\x1b", "\x07", "\r", "\x85", "\x7f", "\u202e", "\u2028", "\u2066", "\t"]


def assert_inert(text: str) -> None:
    for ch in ACTING:
        assert ch not in text, f"{ch!r} reached the output raw: {text!r}"
