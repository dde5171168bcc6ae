"""The command table: every command, declared once. Parser, help, completion and docs derive from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..table import CommandTable


def build_table() -> "CommandTable":
    from ..table import CommandTable  # noqa: PLC0415 - the parser imports commands.spec
    from . import (access, connection, data, ddl, diagnostics, explore, interactive, plot,  # noqa: PLC0415
                   profiles_cmd, rows, search, session, settings_cmd, teach, watch)

    return CommandTable(connection.COMMANDS + explore.COMMANDS + data.COMMANDS + search.COMMANDS + rows.COMMANDS + ddl.COMMANDS
                        + access.COMMANDS + diagnostics.COMMANDS + watch.COMMANDS + settings_cmd.COMMANDS
                        + profiles_cmd.COMMANDS + interactive.COMMANDS + teach.COMMANDS + plot.COMMANDS
                        + session.COMMANDS)
