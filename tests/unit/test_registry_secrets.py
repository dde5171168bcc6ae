"""The registry keeps secrets out of its repr and its views."""

from __future__ import annotations

from milvus_shell.addresses import parse_address
from milvus_shell.connection import ConnectionSettings


def settings(address: str, **kw) -> ConnectionSettings:
    return ConnectionSettings(parse_address(address), **kw)


def test_secrets_are_not_in_repr_or_views():
    s = settings("h:1", user="u", password="pw-XYZ", token="tok-XYZ")
    assert "XYZ" not in repr(s)
