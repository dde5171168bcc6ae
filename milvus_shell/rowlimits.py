"""How large a row of a collection can be, written as text: a file's line or CSV record longer than
that cannot be a row, so it is refused by its line number without reading further (``/dev/zero``
read as JSON lines stops at once instead of filling memory).

Pure: computed from ``catalog.FieldInfo``'s bounds. Each value is given its longest JSON text (every
character of a VarChar escaped as ``\\ud83d\\ude00`` is 12 bytes, every number 26); the total is
doubled for whitespace and padded. A JSON field, a dynamic field or a sparse vector has no bound in
the schema: they are bounded by the largest request the server takes.
"""

from __future__ import annotations

from .catalog import CollectionInfo, FieldInfo

SERVER_MESSAGE_BYTES = 64 * 1024 * 1024  # Milvus's default limit on one request it receives
NUMBER_TEXT = 26  # the longest JSON text of a number a row may hold ("-1.7976931348623157e+308", a comma)
CHARACTER_TEXT = 12  # the longest JSON text of one character (a surrogate pair, escaped)
DEFAULT_MAX_LENGTH = 65_535  # a VarChar without max_length (the server's largest)
SLACK = 64 * 1024
_SMALL = {"BOOL": 6, "INT8": 6, "INT16": 8, "INT32": 13, "INT64": 22, "FLOAT": NUMBER_TEXT, "DOUBLE": NUMBER_TEXT}


def _varchar_text(max_length: int | None) -> int:
    return (max_length or DEFAULT_MAX_LENGTH) * CHARACTER_TEXT + 3


def value_text_bytes(field: FieldInfo) -> int:
    """The longest JSON text of one value of ``field`` (SERVER_MESSAGE_BYTES when it has no bound)."""
    kind = field.kind
    if kind in _SMALL:
        return _SMALL[kind]
    if kind in ("VARCHAR", "STRING", "TEXT"):
        return _varchar_text(field.max_length)
    if kind in ("FLOAT_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR", "INT8_VECTOR"):
        return (field.dim or 0) * NUMBER_TEXT + 2
    if kind == "BINARY_VECTOR":
        return (field.dim or 0) // 8 * 5 + 2  # a list of bytes "255, "; its hex string is shorter
    if kind == "ARRAY" and field.max_capacity:
        element = FieldInfo(field.name, "", field.element_kind, max_length=field.max_length)
        each = value_text_bytes(element)
        if each < SERVER_MESSAGE_BYTES:
            return field.max_capacity * (each + 2) + 2
    return SERVER_MESSAGE_BYTES


def largest_row_bytes(info: CollectionInfo) -> int:
    """The most bytes one row of ``info`` can take as a line of JSON or a CSV record (whitespace and
    all); never more than the server's message limit plus the slack."""
    if info.dynamic:
        return SERVER_MESSAGE_BYTES + SLACK
    total = 0
    for f in info.fields:
        total += len(f.name) * CHARACTER_TEXT + 4 + value_text_bytes(f)
        if total >= SERVER_MESSAGE_BYTES:
            return SERVER_MESSAGE_BYTES + SLACK
    return min(2 * total, SERVER_MESSAGE_BYTES) + SLACK
