"""Values into Milvus filter-expression text: the one place that quotes and escapes.

No value typed by a user or read from a server becomes expression text any other way. A string is
written in double quotes with ``\\`` ``"``, tab and the line breaks escaped, every other character as it
is: the escapes both servers read (Milvus Lite knows only ``\\" \\' \\\\ \\n \\r \\t`` and refuses
``\\u``; Milvus 2.3.5 refused json's ``\\u`` escapes of non-ASCII text), and a raw CR or LF ends a
literal on both. Any other character (single quotes, control characters, unicode) is itself, as
both servers read it. Numbers are written in full; booleans as ``true``/``false``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class ExpressionError(ValueError):
    """A value that has no expression literal (NaN, infinity, an unknown type, a bad field name)."""


def string_literal(text: str) -> str:
    """``text`` as a double-quoted Milvus string literal that reads back as exactly ``text``."""
    return '"' + text.translate(_ESCAPES) + '"'


def literal(value: Any) -> str:
    """A string, whole number, float or boolean as expression text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionError(f"{value!r} has no place in a filter expression")
        return repr(value)
    raise ExpressionError(f"a {type(value).__name__} cannot be written into a filter expression")


def field_name(name: str) -> str:
    """A field name as expression text: Milvus field names are identifiers, anything else is refused."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ExpressionError(f"{name!r} is not a field name a filter expression can hold")
    return name


def one_of(field: str, values: Iterable[Any]) -> str:
    """``field in [v1, v2, ...]``: the rows whose ``field`` is one of ``values``."""
    return f"{field_name(field)} in [{', '.join(literal(v) for v in values)}]"
