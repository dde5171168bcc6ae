"""The command table: every command, declared once. Parser, help, completion and docs derive from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..table import CommandTable


def build_table() -> "CommandTable":
    from ..table import CommandTable  # noqa: PLC0415 - the parser imports commands.spec
    from . import (access, connection, data, ddl, diagnostics, explore, imports, interactive,  # noqa: PLC0415
                   operate, plot, profiles_cmd, reindex, rows, session, settings_cmd, teach, watch)

    return CommandTable(connection.COMMANDS + explore.COMMANDS + data.COMMANDS + rows.COMMANDS + ddl.COMMANDS
                        + imports.COMMANDS + access.COMMANDS + diagnostics.COMMANDS + operate.COMMANDS
                        + watch.COMMANDS + settings_cmd.COMMANDS + profiles_cmd.COMMANDS + reindex.COMMANDS
                        + interactive.COMMANDS + teach.COMMANDS + plot.COMMANDS
                        + session.COMMANDS)
