"""history: the commands typed at the interactive prompt, as kept in the history file."""

from __future__ import annotations

from ..context import ShellContext
from ..results import Message, Table
from .spec import Command, Invocation, Kind, Positional

DEFAULT_COUNT = 20


def history(ctx: ShellContext, inv: Invocation) -> Table | Message:
    from ..history import history_path, read_entries  # noqa: PLC0415 - prompt_toolkit's history only when asked

    path = history_path(ctx.environ)
    entries = read_entries(path)
    if not entries:
        return Message(f"no history yet (it is kept in {path})")
    shown = entries[-inv.arg("COUNT", DEFAULT_COUNT):]
    first = len(entries) - len(shown) + 1
    rows = [[first + i, line] for i, line in enumerate(shown)]
    return Table(["#", "command"], rows, footer=f"({len(shown)} of {len(entries)}, from {path})")


COMMANDS = (
    Command(
        name="history",
        summary="Show the most recent commands typed at the prompt (secrets are never kept)",
        handler=history,
        positionals=(Positional("COUNT", Kind.INTEGER, f"how many (default {DEFAULT_COUNT})", bounds=(1, 1_000_000)),),
        examples=("history", "history 100"),
        details=(
            "The history file is $XDG_STATE_HOME/milvus-shell/history (by default "
            "~/.local/state/milvus-shell/history), readable by you alone. Values of --password and "
            "--token are stored as ***; Up/Down and Ctrl-R search it at the prompt."
        ),
    ),
)
