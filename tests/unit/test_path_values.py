"""A file or folder name with a NUL character in it is refused where it is typed, in words, for every
command that takes one (the operating system would refuse it with a ValueError)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("line, what, column", [
    ("record 'a\x00b'", "record", 8),
    ("insert books --file '\x00'", "--file", 21),
    ("connect a --lite 'x\x00.db'", "--lite", 18),
    ("connect a --ca '\x00'", "--ca", 16),
])
def test_a_nul_character_in_a_path_is_a_parse_error(sh, line, what, column):
    err = sh.fail(line)
    assert err.startswith(f"error: {what}: a file name cannot hold a NUL character (column {column})"), err
    assert sh.states() == {} and "internal error" not in err
