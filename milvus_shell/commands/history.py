"""history: the commands typed at the interactive prompt, as kept in the history file."""

from __future__ import annotations

from ..context import ShellContext
from ..results import Message, Table
from .spec import FORMAT_OPTION, Command, Invocation, Kind, Positional

DEFAULT_COUNT = 20


def history(ctx: ShellContext, inv: Invocation) -> Table | Message:
    from ..history import history_path, history_problem, read_entries  # noqa: PLC0415 - only when asked

    path = history_path(ctx.environ)
    session = ctx.history
    problem = session.problem if session is not None else history_problem(path)
    if problem and session is not None:  # never claim a file that is not written: show this session's
        entries, where = list(session.get_strings()), f"kept in memory only: {problem}"
    elif problem:
        entries, where = read_entries(path), f"the interactive shell keeps it in memory only: {problem}"
    else:
        entries, where = read_entries(path), f"from {path}"
    if not entries:
        return Message(f"no history yet ({where if problem else f'it is kept in {path}'})")
    shown = entries[-inv.arg("COUNT", DEFAULT_COUNT):]
    first = len(entries) - len(shown) + 1
    rows = [[first + i, line] for i, line in enumerate(shown)]
    return Table(["#", "command"], rows, footer=f"({len(shown)} of {len(entries)}, {where})")


COMMANDS = (
    Command(
        name="history",
        summary="Show the most recent commands typed at the prompt (secrets are never kept)",
        handler=history,
        positionals=(Positional("COUNT", Kind.INTEGER, f"how many (default {DEFAULT_COUNT})", bounds=(1, 1_000_000)),),
        options=(FORMAT_OPTION,),
        examples=("history", "history 100"),
        details=(
            "The history file is $XDG_STATE_HOME/milvus-shell/history (by default "
            "~/.local/state/milvus-shell/history), readable by you alone. Values of --password and "
            "--token are stored as ***; Up/Down and Ctrl-R search it at the prompt. When that path is not "
            "a regular file of yours (a symbolic link, a FIFO, a directory...) or cannot be written, the "
            "history is kept in memory for the session only, and `history` says why."
        ),
    ),
)
