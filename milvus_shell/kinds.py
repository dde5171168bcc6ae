"""Value kinds as a table: for each Kind, how a word is checked and converted (with its error text),
how it is colored, and where its completions come from.

The binder converts every value through this table, so a handler receives values that are already
valid (an int for an INTEGER, a bool for a SWITCH, parsed JSON for a JSON) and never checks again.
Styles are names the highlighter maps to pygments tokens. A kind marked ``completed`` must have a
value source keyed by that Kind in the shell's completer (milvus_shell/completion.py's
``default_sources`` and milvus_shell/metadata.py's ``completion_sources``); ``missing_sources`` names
the ones a set of sources lacks, and a test checks the shell's full set against it.
"""

from __future__ import annotations

import difflib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterator

from .addresses import parse_address
from .bounds import MAX_ROWS, MAX_SECONDS, MIN_SECONDS, parse_count, parse_seconds, parse_vectors
from .commands.spec import Kind, Param
from .commands.vocabulary import ALIAS_RE
from .errors import UsageError

MAX_JSON_DEPTH = 32
SWITCH_WORDS = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False}


class KindError(ValueError):
    """A word that its kind refuses; the binder adds where it is in the line."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


Convert = Callable[[str, Param, str], Any]  # (word, its parameter, how to name it) -> value


@dataclass(frozen=True)
class ValueKind:
    convert: Convert
    style: str = "name"  # name, number, constant, string, keyword
    completed: bool = False  # the shell's completer has a value source for this kind


def _as_is(value: str, param: Param, what: str) -> str:
    return value


def _alias(value: str, param: Param, what: str) -> str:
    if not ALIAS_RE.match(value):
        raise KindError(f"{value!r} is not a valid alias",
                        "an alias is letters, digits, '_' and '-', starting with a letter")
    return value


def _address(value: str, param: Param, what: str) -> str:
    with _as_kind_error():
        parse_address(value)
    return value


def _path(value: str, param: Param, what: str) -> str:
    if value == "":
        raise KindError(f"{what} needs a file or folder name, not an empty path",
                        "name it; . is the current folder")
    if "\x00" in value:
        raise KindError(f"{what}: a file name cannot hold a NUL character")
    return value


def _number(value: str, param: Param, what: str) -> float:
    """A number of seconds, within the parameter's bounds (else MIN_SECONDS to MAX_SECONDS)."""
    low, high = param.bounds or (MIN_SECONDS, MAX_SECONDS)
    with _as_kind_error():
        seconds = parse_seconds(value if value.isascii() else "x", what, maximum=high)
    if seconds < low:
        raise KindError(f"{what} is at least {low:g} seconds, not {value!r}")
    return seconds


def _integer(value: str, param: Param, what: str) -> int:
    """ASCII digits within the parameter's bounds (int() would also take '５', '1_000', '+7')."""
    low, high = param.bounds or (0, MAX_ROWS)
    with _as_kind_error():
        return parse_count(value, what, int(high), zero_ok=low <= 0, or_else=" or ".join(param.keywords))


def _vectors(value: str, param: Param, what: str) -> list[list[float | int]]:
    with _as_kind_error():
        return parse_vectors(value, what)


def _query_vector(value: str, param: Param, what: str) -> Any:
    from .searching import parse_query_values  # noqa: PLC0415 - only a search needs it

    with _as_kind_error():
        return parse_query_values(value, what)


def _float(value: str, param: Param, what: str) -> float:
    try:
        number = float(value) if value.isascii() and "_" not in value else float("nan")
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise KindError(f"{what} takes a number, not {value!r}")
    return number


@contextmanager
def _as_kind_error() -> Iterator[None]:
    """bounds.py says what is wrong as a UsageError; here it becomes the binder's KindError."""
    try:
        yield
    except UsageError as exc:
        raise KindError(exc.message, exc.hint) from None


def _secret(value: str, param: Param, what: str) -> str:
    if value == "":
        raise KindError(f"{what} is empty")
    return value


def _choice(value: str, param: Param, what: str) -> str:
    """One of the choices; a choice typed in other case is taken as the choice (query -> Query)."""
    if value in param.choices:
        return value
    same = [c for c in param.choices if c.lower() == value.lower()]
    if len(same) == 1:
        return same[0]
    close = difflib.get_close_matches(value, param.choices, n=1, cutoff=0.6) or difflib.get_close_matches(
        value.lower(), [c.lower() for c in param.choices], n=1, cutoff=0.6)
    if close:
        canonical = next(c for c in param.choices if c.lower() == close[0].lower())
        raise KindError(f"{what} has no {value!r}", f"did you mean {canonical}?")
    if len(param.choices) > 20:  # privileges: too many to list in an error; help and Tab list them
        raise KindError(f"{what} has no {value!r}", "help lists them, and Tab at the prompt")
    raise KindError(f"{what} must be one of {', '.join(param.choices)}, not {value!r}")


def _switch(value: str, param: Param, what: str) -> bool:
    word = value.lower()
    if word not in SWITCH_WORDS:
        raise KindError(f"{what} takes on or off, not {value!r}")
    return SWITCH_WORDS[word]


def _json(value: str, param: Param, what: str) -> Any:
    depth = max_nesting(value)
    if depth > MAX_JSON_DEPTH:
        raise KindError(f"{what} is nested {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted")
    try:
        return json.loads(value, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise KindError(f"{what} is not valid JSON: {exc.msg} at character {exc.pos + 1}") from None
    except ValueError as exc:
        raise KindError(f"{what} is not valid JSON: {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def max_nesting(text: str) -> int:
    """How deeply brackets nest in ``text`` (strings skipped): checked before json.loads recurses."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


KINDS: dict[Kind, ValueKind] = {
    Kind.WORD: ValueKind(_as_is, "name"),
    Kind.ALIAS: ValueKind(_alias, "alias", completed=True),
    Kind.PROFILE: ValueKind(_alias, "name", completed=True),
    Kind.ADDRESS: ValueKind(_address, "string", completed=True),
    Kind.PATH: ValueKind(_path, "string", completed=True),
    Kind.NUMBER: ValueKind(_number, "number"),
    Kind.INTEGER: ValueKind(_integer, "number"),
    Kind.SECRET: ValueKind(_secret, "string"),
    Kind.COMMAND: ValueKind(_as_is, "keyword", completed=True),
    Kind.CHOICE: ValueKind(_choice, "constant", completed=True),
    Kind.TEXT: ValueKind(_as_is, "string"),
    Kind.JSON: ValueKind(_json, "string"),
    Kind.VECTORS: ValueKind(_vectors, "string"),
    Kind.QUERY_VECTOR: ValueKind(_query_vector, "string", completed=True),
    Kind.QUERY_TEXT: ValueKind(_as_is, "string", completed=True),
    Kind.FLOAT: ValueKind(_float, "number"),
    Kind.DATABASE: ValueKind(_as_is, "name", completed=True),
    Kind.COLLECTION: ValueKind(_as_is, "name", completed=True),
    Kind.FIELD: ValueKind(_as_is, "name", completed=True),
    Kind.PARTITION: ValueKind(_as_is, "name", completed=True),
    Kind.INDEX: ValueKind(_as_is, "name", completed=True),
    Kind.SWITCH: ValueKind(_switch, "constant", completed=True),
}
if set(KINDS) != set(Kind):  # a Kind without its entry would fail at its first word, far from here
    raise RuntimeError(f"kinds.KINDS lacks {sorted(k.name for k in set(Kind) - set(KINDS))}")

COMPLETED: frozenset[Kind] = frozenset(k for k, v in KINDS.items() if v.completed)


def convert(param: Param, value: str, what: str) -> Any:
    """``value`` converted by ``param``'s kind; a keyword of the parameter passes as it is."""
    if value.lower() in param.keywords:  # keywords are declared in lower case
        return value.lower()
    assert param.kind is not None
    return KINDS[param.kind].convert(value, param, what)


def style_of(kind: Kind) -> str:
    return KINDS[kind].style


def missing_sources(sources: Collection[Kind]) -> list[Kind]:
    """The completed kinds that ``sources`` (a completer's sources, by Kind) has no source for."""
    return sorted(COMPLETED - set(sources), key=lambda k: k.value)
