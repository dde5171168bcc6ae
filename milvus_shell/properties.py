"""Collection and database properties: the keys whose kind is known, and how `--set KEY=VALUE` and
`--unset KEY` words become what the server is sent (plain data; no server here).

Milvus keeps any key it is given and checks few values itself (Milvus 2.3.5 and Milvus Lite both
stored `collection.ttl.seconds=abc`), so a value of a known key is checked here, before anything
is sent. A key the shell does not know is passed on as typed: newer servers know more keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .errors import UsageError

_TRUE = ("on", "true", "yes", "1")
_FALSE = ("off", "false", "no", "0")


def _integer(smallest: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.isascii() or not value.isdigit() or int(value) < smallest:
            raise ValueError(f"an integer of at least {smallest}")
        return str(int(value))
    return check


def _switch(value: str) -> str:
    low = value.lower()
    if low in _TRUE:
        return "true"
    if low in _FALSE:
        return "false"
    raise ValueError("on or off (true/false)")


def _names(value: str) -> str:
    names = [n.strip() for n in value.split(",")]
    if not all(names):
        raise ValueError("comma-separated names, none empty")
    return ",".join(names)


@dataclass(frozen=True)
class PropertyKey:
    name: str
    help: str
    check: Callable[[str], str]  # the value as sent, or ValueError naming what fits


COLLECTION_KEYS = (
    PropertyKey("collection.ttl.seconds", "rows expire this many seconds after insert (0: never)", _integer(0)),
    PropertyKey("mmap.enabled", "keep the collection's data memory-mapped from disk (on/off)", _switch),
    PropertyKey("collection.autocompaction.enabled", "compact the collection's segments by itself (on/off)",
                _switch),
    PropertyKey("collection.replica.number", "replicas to load (from Milvus 2.5)", _integer(1)),
    PropertyKey("collection.resource_groups", "resource groups to load replicas into (comma-separated)", _names),
    PropertyKey("partitionkey.isolation", "search one partition key's rows only (on/off)", _switch),
)
DATABASE_KEYS = (
    PropertyKey("database.replica.number", "replicas a collection of the database loads", _integer(1)),
    PropertyKey("database.resource_groups", "resource groups its collections load into (comma-separated)", _names),
    PropertyKey("database.max.collections", "at most this many collections", _integer(0)),
    PropertyKey("database.force.deny.writing", "refuse every write (on/off)", _switch),
    PropertyKey("database.force.deny.reading", "refuse every read (on/off)", _switch),
    PropertyKey("database.diskQuota.mb", "disk quota in MB", _integer(0)),
    PropertyKey("collection.ttl.seconds", "the default time to live of its collections' rows", _integer(0)),
)


def key_names(keys: Sequence[PropertyKey]) -> tuple[str, ...]:
    return tuple(k.name for k in keys)


def parse_changes(sets: Sequence[str], unsets: Sequence[str], keys: Sequence[PropertyKey],
                  what: str) -> tuple[dict[str, str], list[str]]:
    """--set KEY=VALUE words and --unset KEY words -> (properties to set, keys to drop), checked.

    ``what`` names the thing altered in errors ('collection books')."""
    known = {k.name: k for k in keys}
    changes: dict[str, str] = {}
    for pair in sets:
        key, eq, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not key:
            raise UsageError(f"--set needs KEY=VALUE, not {pair!r}", f"e.g. --set {keys[0].name}=3600")
        if not value:
            raise UsageError(f"--set {key}= has no value", f"--unset {key} removes the property")
        if key in changes:
            raise UsageError(f"{key} is set twice", "give each key once")
        spec = known.get(key)
        if spec is not None:
            try:
                value = spec.check(value)
            except ValueError as exc:
                raise UsageError(f"{key} takes {exc}, not {value!r}; nothing changed in {what}",
                                 f"{key}: {spec.help}") from None
        changes[key] = value
    dropped: list[str] = []
    for key in unsets:
        key = key.strip()
        if not key or "=" in key:
            raise UsageError(f"--unset takes a key alone, not {key!r}", "e.g. --unset collection.ttl.seconds")
        if key in changes:
            raise UsageError(f"{key} is both set and unset", "give it to one of --set and --unset")
        if key not in dropped:
            dropped.append(key)
    if not changes and not dropped:
        raise UsageError(f"nothing to change in {what}: give --set KEY=VALUE or --unset KEY",
                         "keys the shell knows: " + ", ".join(known))
    return changes, dropped
