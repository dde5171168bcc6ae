"""The command table: every command, declared once. Parser, help, completion and docs derive from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..table import CommandTable


def build_table() -> "CommandTable":
    from ..table import CommandTable  # noqa: PLC0415 - the parser imports commands.spec
    from . import connection, data, ddl, explore, interactive, session, settings_cmd, teach  # noqa: PLC0415

    return CommandTable(connection.COMMANDS + explore.COMMANDS + data.COMMANDS + ddl.COMMANDS + settings_cmd.COMMANDS
                        + interactive.COMMANDS + teach.COMMANDS + session.COMMANDS)
