"""The command table: every command, declared once. Parser, help, completion and docs derive from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..table import CommandTable


def build_table() -> "CommandTable":
    from ..table import CommandTable  # noqa: PLC0415 - the parser imports commands.spec
    from . import (access, connection, data, define, diagnostics, explore, help, history,  # noqa: PLC0415
                   imports, operate, plot, profiles, record, reindex, search, settings, watch, write)

    return CommandTable(connection.COMMANDS + explore.COMMANDS + data.COMMANDS + search.COMMANDS
                        + write.COMMANDS + define.COMMANDS + imports.COMMANDS + access.COMMANDS
                        + diagnostics.COMMANDS + operate.COMMANDS + watch.COMMANDS + settings.COMMANDS
                        + profiles.COMMANDS + reindex.COMMANDS + history.COMMANDS + record.COMMANDS
                        + plot.COMMANDS + help.COMMANDS)
