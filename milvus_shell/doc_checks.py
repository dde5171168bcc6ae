"""Checking a JSON document read from a file (a schema document): every mistake named by its place,
'schema file s.json: field 2 ('title'): ...'. Pure helpers shared by schema_doc.py and
schema_functions.py."""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from .errors import UsageError


class Where:
    """Names the place of a mistake: 'schema file s.json: field 2 ('title'): ...'."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str, hint: str | None = None) -> UsageError:
        place = f"{self.source}: {where}: " if where else f"{self.source}: "
        return UsageError(place + message, hint)


def optional(w: Where, where: str, raw: Mapping[str, Any], key: str, kind: type) -> Any:
    """``raw[key]`` when it is of ``kind`` (int, bool, str or dict), None when absent or null."""
    value = raw.get(key)
    if value is None:
        return None
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise w.fail(where, f"{key} must be a whole number, not {json_text(value)}")
    if kind is bool and not isinstance(value, bool):
        raise w.fail(where, f"{key} must be true or false, not {json_text(value)}")
    if kind is str and not isinstance(value, str):
        raise w.fail(where, f"{key} must be a string, not {json_text(value)}")
    if kind is dict and not isinstance(value, dict):
        raise w.fail(where, f"{key} must be an object, not {json_type(value)}")
    return value


def as_list(w: Where, where: str, raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise w.fail(where, f"{key} must be a list, not {json_type(value)}")
    return value


def names_list(w: Where, where: str, raw: Mapping[str, Any], key: str, known: Sequence[str]) -> tuple[str, ...]:
    """A list of field names (a string is a list of one), each one of ``known``."""
    value = raw.get(key)
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise w.fail(where, f"{key} must be a list of field names")
    for name in names:
        if name not in known:
            raise w.fail(where, f"{key} names {json_text(name)}, which is not a field",
                         "the fields: " + ", ".join(known))
    return tuple(names)


def no_unknown(w: Where, where: str, raw: Mapping[str, Any], known: Sequence[str]) -> None:
    unknown = [k for k in raw if k not in known]
    if unknown:
        raise w.fail(where, f"unknown key {unknown[0]!r}", "known keys: " + ", ".join(known))


def json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def typed(value: Any) -> Any:
    """Milvus 2.3.5 gives index parameters as strings ('16'): numbers become numbers again."""
    if not isinstance(value, str):
        return value
    for convert in (int, float):
        try:
            return convert(value)
        except ValueError:
            continue
    if value in ("true", "false"):
        return value == "true"
    return value
