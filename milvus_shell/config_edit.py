"""The edits `save` and `forget` make to the config file's text, with tomlkit (imported only here, only
when editing): comments, order and every other entry stay as the user wrote them.

Every edit is checked before it is given back: the new text is parsed with tomllib and must hold
exactly the old data with the one profile changed. A file that is not valid TOML, where `connections`
is not a table of profiles, or where the edit would come out different, is refused with the reason
(a UsageError); nothing is written then.
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import UsageError

BOM = "\ufeff"


def with_profile(text: str, name: str, keys: dict[str, Any], where: str = "the config file") -> tuple[str, bool]:
    """``text`` with [connections.NAME] holding exactly ``keys``; (new text, whether it existed)."""
    bom, body = _split_bom(text)
    before = parse(body, where)
    existing = _connections(before, where).get(name)
    if existing is not None and not isinstance(existing, dict):
        raise _refused(where, f"connections.{name} is a value, not a table")
    values = {key: _plain(value) for key, value in keys.items()}
    after = copy.deepcopy(before)
    after.setdefault("connections", {})[name] = dict(values)
    refusal = None
    for inline in (False, True):  # a new profile as a [table], else inline (among dotted keys)
        try:
            new_body = _edited(body, where, lambda doc: _set_profile(doc, name, values, body, inline))
            check(new_body, after, where)
            new_body = _keep_comments_before_next(body, new_body, after, where)
        except UsageError as exc:
            refusal = refusal or exc
            continue
        return bom + new_body, existing is not None
    raise refusal  # type: ignore[misc]


def without_profile(text: str, name: str, where: str = "the config file") -> str | None:
    """``text`` without [connections.NAME] (and its sub-tables), or None when it has no such entry."""
    bom, body = _split_bom(text)
    before = parse(body, where) if body.strip() else {}
    if name not in _connections(before, where):
        return None
    after = copy.deepcopy(before)
    del after["connections"][name]
    new_body = _edited(body, where, lambda doc: doc["connections"].__delitem__(name))
    check(new_body, after, where)
    return bom + _keep_comments_before_next(body, new_body, after, where)


def parse(body: str, where: str) -> dict[str, Any]:
    """The file's data, or a UsageError saying where it is not valid TOML (then it is not changed)."""
    import tomllib  # noqa: PLC0415

    from .config import where_and_what  # noqa: PLC0415

    try:
        return tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        raise _refused(where, f"it is not valid TOML ({where_and_what(str(exc))})",
                       "fix it by hand first; the shell edits only a file it can read") from None


def check(new_body: str, expected: dict[str, Any], where: str) -> None:
    """Refuse unless ``new_body`` parses to ``expected`` (an empty `connections` may come or go)."""
    import tomllib  # noqa: PLC0415

    try:
        got = tomllib.loads(new_body)
    except tomllib.TOMLDecodeError:
        raise _refused(where, "the edited text would not be valid TOML") from None
    if _without_empty_connections(got) != _without_empty_connections(expected):
        raise _refused(where, "the edit would change more than the one profile")


def _split_bom(text: str) -> tuple[str, str]:
    """A UTF-8 byte order mark is kept as it was, outside what is parsed."""
    return (BOM, text[1:]) if text.startswith(BOM) else ("", text)


def _connections(data: dict[str, Any], where: str) -> dict[str, Any]:
    connections = data.get("connections", {})
    if isinstance(connections, list):
        raise _refused(where, "connections is an array of tables ([[connections]]), not [connections.NAME] tables")
    if not isinstance(connections, dict):
        raise _refused(where, "connections is a value, not a table of profiles")
    return connections


def _plain(value: Any) -> Any:
    """A whole number of seconds is written as 9, not 9.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _edited(body: str, where: str, edit: Any) -> str:
    import tomlkit  # noqa: PLC0415 - only when the file is edited

    try:
        doc = tomlkit.parse(body)
        edit(doc)
        return tomlkit.dumps(doc)
    except Exception as exc:  # noqa: BLE001 - any failure of the library means: do not write
        raise _refused(where, f"this layout cannot be edited safely ({exc})",
                       "edit the file by hand") from None


def _set_profile(doc: Any, name: str, values: dict[str, Any], body: str, inline: bool) -> None:
    import tomlkit  # noqa: PLC0415
    from tomlkit.items import InlineTable  # noqa: PLC0415

    if "connections" not in doc:
        if body.strip() and not body.endswith("\n\n"):
            doc.add(tomlkit.nl())
        doc["connections"] = tomlkit.table(is_super_table=True)
    connections = doc["connections"]
    if name in connections:
        table = connections[name]
        for key in [key for key in table if key not in values]:
            del table[key]
        for key, value in values.items():
            if key not in table or table[key] != value:
                table[key] = value  # an existing key keeps its place and its comment
        return
    inline = inline or isinstance(connections, InlineTable)
    table = tomlkit.inline_table() if inline else tomlkit.table()
    table.update(values)
    connections[name] = table


def _keep_comments_before_next(body: str, new_body: str, after: dict[str, Any], where: str) -> str:
    """tomlkit counts the comment lines above a table header as the end of the table before it, so
    removing that table would take them along; they describe what follows, so they are put back."""
    old_lines, new_lines = body.splitlines(keepends=True), new_body.splitlines(keepends=True)
    same_head = 0
    while same_head < min(len(old_lines), len(new_lines)) and old_lines[same_head] == new_lines[same_head]:
        same_head += 1
    same_tail = 0
    while (same_tail < min(len(old_lines), len(new_lines)) - same_head
           and old_lines[-1 - same_tail] == new_lines[-1 - same_tail]):
        same_tail += 1
    if same_tail == 0:
        return new_body  # nothing follows the edit
    gone = old_lines[same_head:len(old_lines) - same_tail]
    kept: list[str] = []
    while gone and (not gone[-1].strip() or gone[-1].lstrip().startswith("#")):
        kept.insert(0, gone.pop())
    if not any(line.strip() for line in kept):
        return new_body
    cut = len(new_lines) - same_tail
    candidate = "".join(new_lines[:cut] + kept + new_lines[cut:])
    try:
        check(candidate, after, where)
    except UsageError:
        return new_body  # those lines were inside a multi-line string after all
    return candidate


def _without_empty_connections(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not (k == "connections" and v == {})}


def _refused(where: str, why: str, hint: str = "") -> UsageError:
    return UsageError(f"not changing {where}: {why}", hint)
