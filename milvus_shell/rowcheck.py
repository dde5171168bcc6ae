"""A row (a dict parsed from JSON or CSV) checked against a collection's schema, field by field.

Pure: no server, no files. Every bound comes from ``FieldInfo``'s typed attributes (``max_length``,
``element_kind``, ``max_capacity``, ``dim``); ``type_name`` only appears in messages. A refusal is a
``RowError`` naming the field. JSON's forbidden NaN and Infinity parse (``loads``) into ``BadNumber``,
which no check accepts, so the refusal names the field that held one.

    check = RowChecker(info)          # upsert=True: rows carry their primary key even with auto id
    row = check(row)                  # converted where needed (bytes for a binary vector), or RowError
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any, Callable

from .catalog import CollectionInfo, FieldInfo, ServerCapabilities
from .schema_doc import TYPE_NAMES

FLOAT32_MAX = 3.4028234663852886e38
INT_BOUNDS = {"INT8": 2**7, "INT16": 2**15, "INT32": 2**31, "INT64": 2**63}
_NUMBER_TYPES = frozenset({int, float})
_SHOWN = 60  # a value quoted in an error is cut to this many characters
MAX_DEPTH = 200  # a JSON value nested deeper is refused: it could not be sent (nor read back) safely
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


class RowError(ValueError):
    """Why a row is bad; ``field`` names the field when one is to blame."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field

    def __str__(self) -> str:
        return f"field {self.field!r}: {self.reason}" if self.field else self.reason


# -- JSON values that JSON forbids ----------------------------------------------------------------

class BadNumber:
    """What NaN, Infinity and -Infinity parse into: not a number, so the field check names the field."""

    __slots__ = ("word",)

    def __init__(self, word: str) -> None:
        self.word = word

    def __repr__(self) -> str:
        return self.word


def loads(text: str | bytes) -> Any:
    """json.loads, with NaN / Infinity kept as BadNumber for the schema check to refuse by field."""
    return json.loads(text, parse_constant=BadNumber)



# -- checking a row against the schema --------------------------------------------------------------

def shown(value: Any) -> str:
    try:
        text = repr(value) if isinstance(value, (str, BadNumber)) else json.dumps(value, default=repr)
    except (RecursionError, ValueError):  # nested too deep to write out; or a float JSON cannot write
        text = repr(value)[:_SHOWN] if not isinstance(value, (list, dict)) else "[…]"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _type_word(value: Any) -> str:
    if isinstance(value, BadNumber):
        return value.word
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return type(value).__name__


def _wrong(value: Any, wanted: str, field: FieldInfo) -> RowError:
    if isinstance(value, BadNumber):
        return RowError(f"{value.word} is not a number JSON allows ({field.type_name} wants {wanted})", field.name)
    return RowError(f"{field.type_name} wants {wanted}, not {_type_word(value)} ({shown(value)})", field.name)


Check = Callable[[Any], Any]  # value -> value to send; raises RowError


def _integer_check(field: FieldInfo) -> Check:
    bound = INT_BOUNDS.get(field.kind, 2**63)

    def check(value: Any) -> Any:
        if type(value) is not int:
            if isinstance(value, float) and value.is_integer() and not isinstance(value, bool):
                value = int(value)
            else:
                raise _wrong(value, "a whole number", field)
        if not -bound <= value < bound:
            raise RowError(f"{value} is out of range for {field.type_name} "
                           f"({-bound} to {bound - 1})", field.name)
        return value

    return check


def _float_check(field: FieldInfo) -> Check:
    limit = FLOAT32_MAX if field.kind == "FLOAT" else math.inf

    def check(value: Any) -> Any:
        if type(value) not in _NUMBER_TYPES:
            raise _wrong(value, "a number", field)
        if not -limit <= value <= limit or (limit == math.inf and not math.isfinite(value)):
            raise RowError(f"{shown(value)} is out of range for {field.type_name}", field.name)
        return value

    return check


def _bool_check(field: FieldInfo) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, bool):
            raise _wrong(value, "true or false", field)
        return value

    return check


def _varchar_check(field: FieldInfo, in_bytes: bool = False) -> Check:
    """``in_bytes``: the server counts max_length in UTF-8 bytes (Milvus 2.3), not characters."""
    longest = field.max_length

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _wrong(value, "a string", field)
        if longest is not None and len(value) > longest // (4 if in_bytes else 1):
            if not in_bytes and len(value) > longest:
                raise RowError(f"{len(value)} characters is longer than {field.type_name} allows", field.name)
            if in_bytes:
                size = len(value.encode("utf-8", errors="surrogatepass"))
                if size > longest:
                    raise RowError(f"{size} bytes in UTF-8 ({len(value)} characters) is longer than "
                                   f"{field.type_name} allows (this server counts its length in bytes)",
                                   field.name)
        return value

    return check


def _json_check(field: FieldInfo, longest: int | None = None) -> Check:
    """``longest``: the most bytes the server takes for one JSON value (written compact, in UTF-8)."""
    def check(value: Any) -> Any:
        _no_bad_numbers(value, field.name)
        if longest is not None and isinstance(value, (dict, list, str)):
            size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass"))
            if size > longest:
                raise RowError(f"a JSON value of {size:,} bytes is more than this server takes in a JSON "
                               f"field ({longest:,} bytes)", field.name)
        return value

    return check


def _no_bad_numbers(value: Any, name: str) -> None:
    """Refuse, anywhere inside a JSON value (a JSON field, a dynamic key): NaN / Infinity, a number too
    large for a double (1e999 reads as infinity), and nesting deeper than MAX_DEPTH. Iterative: a
    deep value cannot exhaust the stack here."""
    pending = [(value, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, BadNumber):
            raise RowError(f"{value.word} is not a number JSON allows", name)
        if type(value) is float and not math.isfinite(value):
            raise RowError(f"a number too large for a double (it reads as {shown(value)}) is not allowed", name)
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise RowError(TOO_DEEP, name)
            pending.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))


def _element(field: FieldInfo) -> FieldInfo:
    """An Array field's element as a field of its own (same name, for messages): VarChar(16), Int64, ..."""
    kind = field.element_kind
    max_length = field.max_length if kind == "VARCHAR" else None
    shown = TYPE_NAMES.get(kind, kind.title()) + (f"({max_length})" if max_length is not None else "")
    return FieldInfo(field.name, shown, kind, max_length=max_length)


def _array_check(field: FieldInfo, in_bytes: bool = False) -> Check:
    capacity = field.max_capacity
    kind = field.element_kind
    each = field_check(_element(field), ServerCapabilities(varchar_in_bytes=in_bytes)) if kind in _CHECKS and kind not in ("ARRAY", "JSON") else None

    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise _wrong(value, "a list", field)
        if capacity is not None and len(value) > capacity:
            raise RowError(f"{len(value)} elements is more than {field.type_name} holds", field.name)
        if each is not None:
            for i, v in enumerate(value):
                try:
                    each(v)
                except RowError as exc:
                    raise RowError(f"element {i}: {exc.reason}", field.name) from None
        return value

    return check


def _float_vector_check(field: FieldInfo) -> Check:
    dim = field.dim

    def check(value: Any) -> Any:
        if type(value) is not list:
            raise _wrong(value, f"a list of {dim} numbers", field)
        if dim is not None and len(value) != dim:
            raise RowError(f"wrong vector dimension: {len(value)} numbers, but {field.type_name} "
                           f"has {dim}", field.name)
        if not value:
            raise RowError("an empty vector", field.name)
        # Fast path, passes in C: min and max raise TypeError unless every element is a number
        # (NaN and Infinity are BadNumbers, which do not compare), and give float32's range; true and
        # false compare as numbers, so their type is looked for too.
        try:
            if -FLOAT32_MAX <= min(value) and max(value) <= FLOAT32_MAX and bool not in set(map(type, value)):
                return value
        except TypeError:
            pass
        for i, v in enumerate(value):
            if type(v) not in _NUMBER_TYPES:
                what = f"{v.word}, which JSON does not allow" if isinstance(v, BadNumber) else _type_word(v)
                raise RowError(f"element {i} is {what}: a vector holds numbers", field.name)
            if not -FLOAT32_MAX <= v <= FLOAT32_MAX:
                raise RowError(f"element {i} ({shown(v)}) is out of float32's range", field.name)
        return value  # not reached: one element failed above

    return check


def _from_hex(value: str, size: int, field: FieldInfo) -> bytes:
    """A vector given as hex (as export writes a binary or float16 vector): its bytes."""
    try:
        data = bytes.fromhex(value)
    except ValueError:
        raise RowError(f"{shown(value)} is not hex digits ({field.type_name} as text is {size * 2} hex "
                       "digits)", field.name) from None
    if size and len(data) != size:
        raise RowError(f"wrong vector size: {len(data)} bytes of hex, but {field.type_name} takes {size} "
                       "bytes", field.name)
    return data


def _binary_vector_check(field: FieldInfo) -> Check:
    size = (field.dim or 0) // 8

    def check(value: Any) -> Any:
        if isinstance(value, str):
            return _from_hex(value, size, field)
        if isinstance(value, list) and all(type(v) is int and 0 <= v <= 255 for v in value):
            if size and len(value) != size:
                raise RowError(f"wrong vector dimension: {len(value)} bytes, but {field.type_name} "
                               f"takes {size} bytes ({field.dim} bits)", field.name)
            return bytes(value)
        raise _wrong(value, f"a list of {size} bytes (whole numbers 0 to 255) or {size * 2} hex digits", field)

    return check


FLOAT16_MAX = 65504.0


def half_floats(values: list[Any], kind: str) -> bytes:
    """A float16 or bfloat16 vector's bytes, as the server stores them (little-endian). OverflowError
    when a number is beyond float16's range."""
    n = len(values)
    if kind == "FLOAT16_VECTOR":
        return struct.pack(f"<{n}e", *values)
    words = struct.unpack(f"<{n}I", struct.pack(f"<{n}f", *values))  # bfloat16: float32's top half,
    return struct.pack(f"<{n}H", *(((w + 0x7FFF + ((w >> 16) & 1)) >> 16) & 0xFFFF for w in words))  # rounded


def _half_vector_check(field: FieldInfo) -> Check:
    """Float16 and BFloat16 vectors: numbers (checked as a float vector's), sent as their bytes, which
    every server reads (Milvus 2.3 ignores the float32 numbers pymilvus would send); or hex."""
    numbers = _float_vector_check(field)
    size = (field.dim or 0) * 2

    def check(value: Any) -> Any:
        if isinstance(value, str):
            return _from_hex(value, size, field)
        value = numbers(value)
        try:
            return half_floats(value, field.kind)
        except (OverflowError, struct.error):
            raise RowError(f"a number beyond Float16's range (±{FLOAT16_MAX:g}) is not allowed", field.name) from None

    return check


def _sparse_check(field: FieldInfo) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _wrong(value, 'an object of index: value ({"3": 0.5, "17": 0.1})', field)
        out = {}
        for k, v in value.items():
            try:
                index = int(k)
            except (TypeError, ValueError):
                raise RowError(f"index {k!r} is not a whole number", field.name) from None
            if type(v) not in _NUMBER_TYPES or not math.isfinite(v):
                raise RowError(f"the value at index {k} is not a number", field.name)
            out[index] = v
        return out

    return check


def _pass(field: FieldInfo) -> Check:
    return lambda value: value


_CHECKS: dict[str, Callable[[FieldInfo], Check]] = {
    "INT8": _integer_check, "INT16": _integer_check, "INT32": _integer_check, "INT64": _integer_check,
    "FLOAT": _float_check, "DOUBLE": _float_check,
    "BOOL": _bool_check,
    "VARCHAR": _varchar_check, "STRING": _varchar_check, "TEXT": _varchar_check,
    "JSON": _json_check,
    "ARRAY": _array_check,
    "FLOAT_VECTOR": _float_vector_check, "FLOAT16_VECTOR": _half_vector_check,
    "BFLOAT16_VECTOR": _half_vector_check,
    "BINARY_VECTOR": _binary_vector_check,
    "SPARSE_FLOAT_VECTOR": _sparse_check,
}


def field_check(field: FieldInfo, server: ServerCapabilities | None = None) -> Check:
    """The check of one field's values, in the units ``server`` counts in."""
    in_bytes = server is not None and server.varchar_in_bytes
    if field.kind in ("VARCHAR", "STRING", "TEXT"):
        return _varchar_check(field, in_bytes)
    if field.kind == "ARRAY":
        return _array_check(field, in_bytes)
    if field.kind == "JSON":
        return _json_check(field, server.json_max_bytes if server is not None else None)
    return _CHECKS.get(field.kind, _pass)(field)


class RowChecker:
    """Converts and checks rows (dicts) against a collection's schema. ``upsert`` rows must carry
    their primary key even when the server assigns ids on insert. ``server``: what the server counts
    (a VarChar's length in bytes or characters, the longest JSON value); None: characters, no bound."""

    def __init__(self, info: CollectionInfo, upsert: bool = False, server: ServerCapabilities | None = None) -> None:
        self.info = info
        self.dynamic = info.dynamic
        self.known = frozenset(info.field_names())
        self.checks: list[tuple[str, Check, bool]] = []  # (name, check, required)
        self.forbidden: dict[str, str] = {}  # field -> why a row must not give it
        for f in info.fields:
            if f.function_output:
                self.forbidden[f.name] = "the collection's function fills it; leave it out"
                continue
            if f.primary and f.auto_id and not upsert:
                self.forbidden[f.name] = ("an auto id, which the server assigns; leave it out "
                                          "(upsert takes it, to replace a row)")
                continue
            required = not (f.nullable or f.has_default)
            check = field_check(f, server)
            if f.nullable:
                check = _nullable(check)
            self.checks.append((f.name, check, required))
        self.primary = info.primary.name
        self.checked = frozenset(name for name, _, _ in self.checks)

    def __call__(self, row: Any) -> dict[str, Any]:
        """The row itself, its values converted where needed (bytes for a binary vector, ...)."""
        try:
            return self._checked(row)
        except RecursionError:  # a comparison or message deep inside a nested value
            raise RowError(TOO_DEEP) from None

    def _checked(self, row: Any) -> dict[str, Any]:
        if type(row) is not dict:
            raise RowError(f"a row is a JSON object of field: value, not {_type_word(row)}")
        present = 0
        for name, check, required in self.checks:
            value = row.get(name, _ABSENT)
            if value is _ABSENT:
                if required:
                    if name == self.primary:
                        raise RowError("the primary key is missing", name)
                    raise RowError("missing (it has no default and cannot be null)", name)
                continue
            present += 1
            new = check(value)
            if new is not value:
                row[name] = new
        if present != len(row):
            for key, value in row.items():
                if key in self.checked:
                    continue
                if key in self.forbidden:
                    raise RowError(self.forbidden[key], key)
                if not self.dynamic:
                    raise RowError(f"no such field in collection {self.info.name!r} (its fields: "
                                   f"{', '.join(self.info.field_names())}), and it has no dynamic field", key)
                _no_bad_numbers(value, key)
        return row


_ABSENT = object()


def _nullable(check: Check) -> Check:
    return lambda value: None if value is None else check(value)
