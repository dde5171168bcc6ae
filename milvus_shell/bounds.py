"""Bounds on the numbers and vectors typed on a line: pure checks, each failure said in words.

Each function takes what the user typed (or what JSON made of it) and returns the checked value, or
raises UsageError naming the option and the bound. They are meant to become value kinds of the
command table; until then the handlers call them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import UsageError

# Milvus refuses a search whose topk (hits per query vector) is above this.
MAX_TOPK = 16384
# The largest count the server takes (its limit and offset are int64). Query rows beyond Milvus's
# query window (offset + limit <= 16384) are read through an iterator, so a query can go this far.
MAX_ROWS = 2**63 - 1
# A timeout is a bound on one server call: beyond an hour it is no bound, and gRPC deadlines of
# ~1e9 s and more overflow (9e9 s "timed out" at once). Below a millisecond nothing can answer.
MAX_SECONDS = 3600.0
MIN_SECONDS = 0.001
# The largest magnitude a float32 holds; vectors are float32 on the server.
FLOAT32_MAX = 3.4028234663852886e38

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() also takes '５', '1_000', ' 7 ' and '+7'


def parse_count(text: str, what: str, maximum: int, zero_ok: bool = False, why: str = "",
                or_else: str = "") -> int:
    """A whole number of ASCII digits, at least 1 (0 with ``zero_ok``) and at most ``maximum``.

    ``why`` explains the maximum in the error ("Milvus returns at most 16384 hits per query vector");
    ``or_else`` names the words the caller takes besides ("all"), for the error.
    """
    wanted = ("a whole number" if zero_ok else "a positive whole number") + (f" or {or_else}" if or_else else "")
    if not _DIGITS.fullmatch(text):
        trap = _int_or_none(text) is not None  # '５', '1_000', ' 7', '+7': int() reads them, Milvus would not
        raise UsageError(f"{what} needs {wanted}, not {text!r}" + (" (digits 0-9 only)" if trap else ""))
    digits = text.lstrip("0")
    if len(digits) > len(str(maximum)) or int(digits or "0") > maximum:
        raise UsageError(f"{what} is at most {maximum}, not {_short(text)}" + (f": {why}" if why else ""))
    value = int(digits or "0")
    if value == 0 and not zero_ok:
        raise UsageError(f"{what} needs {wanted}, not {text!r}")
    return value


def _int_or_none(text: str) -> int | None:
    try:
        return int(text) if len(text) < 100 else None
    except ValueError:
        return None


def parse_seconds(text: str, what: str, maximum: float = MAX_SECONDS) -> float:
    """A number of seconds, from MIN_SECONDS to ``maximum``."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    return check_seconds(value, what, maximum, shown=text)


def check_seconds(value: float, what: str, maximum: float = MAX_SECONDS, shown: str | None = None) -> float:
    """``value`` as a number of seconds, from MIN_SECONDS to ``maximum``."""
    shown = repr(shown) if shown is not None else f"{value:g}"
    if not value > 0 or math.isnan(value):
        raise UsageError(f"{what} needs a positive number of seconds, not {shown}")
    if value > maximum:
        raise UsageError(f"{what} is at most {maximum:g} seconds, not {shown}")
    if value < MIN_SECONDS:
        raise UsageError(f"{what} is at least {MIN_SECONDS:g} seconds, not {shown}")
    return value


def parse_vectors(text: str, what: str = "--vector") -> list[list[float | int]]:
    """JSON for one vector (``[0.1, 0.2]``) or several (``[[0.1, 0.2], [0.3, 0.4]]``), each checked.

    Refused in words: text that is not JSON (NaN and Infinity pass json.loads: check_vector
    refuses them), nesting too deep for the parser, anything but numbers, and numbers a float32
    vector cannot hold.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what} is not valid JSON: {exc.msg} at character {exc.pos + 1}",
                         "write it as a JSON list of numbers: '[0.1, 0.2, 0.3]'") from None
    except ValueError:  # an integer of more than 4300 digits
        raise UsageError(f"{what} holds a number too long to read") from None
    except RecursionError:  # '[[[[...' thousands deep: the parser gives up
        raise UsageError(f"{what} is nested too deeply: it is a list of numbers, or a list of such lists",
                         "e.g. '[0.1, 0.2, 0.3]' or '[[0.1, 0.2], [0.3, 0.4]]'") from None
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        vectors = value
    elif isinstance(value, list) and value:
        vectors = [value]
    else:
        raise UsageError(f"{what} needs a JSON list of numbers (or a list of such lists)")
    for number, vector in enumerate(vectors, 1):
        check_vector(vector, f"{what}, vector {number}," if len(vectors) > 1 else what)
    return vectors


def check_vector(values: Any, what: str = "--vector") -> list[float | int]:
    """``values`` if it is a non-empty list of finite numbers a float32 holds, else UsageError naming
    the first bad element by its position (from 1): "--vector element 3 is NaN"."""
    if not isinstance(values, list) or not values:
        raise UsageError(f"{what} needs a non-empty list of numbers")
    for i, x in enumerate(values, 1):
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise UsageError(f"{what} element {i} is not a number: {_short(json.dumps(x))}")
        if isinstance(x, float) and math.isnan(x):
            raise UsageError(f"{what} element {i} is NaN: a vector holds finite numbers")
        if isinstance(x, float) and math.isinf(x):
            raise UsageError(f"{what} element {i} is infinite: a vector holds finite numbers")
        if abs(x) > FLOAT32_MAX:
            raise UsageError(f"{what} element {i} is {_short(f'{x:g}' if isinstance(x, float) else str(x))}, "
                             f"beyond what a float32 holds (±{FLOAT32_MAX:.7g})")
    return values


def _short(text: str, room: int = 30) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"
