"""A command that needs a connection, run before any connect, says so in words."""

from __future__ import annotations

from milvus_shell.cli import main


def test_not_connected(capsys):
    assert main(["-c", "show collections"]) == 1
    assert "not connected" in capsys.readouterr().err
