"""record: write the session down as a Markdown transcript, for a class to read afterwards."""

from __future__ import annotations

import os
from pathlib import Path

from ..context import ShellContext
from ..results import Message
from ..safe_files import same_file
from .spec import Command, Effect, Invocation, Kind, Option, Positional


def record(ctx: ShellContext, inv: Invocation) -> Message:
    from ..recording import Recorder  # noqa: PLC0415 - only when asked

    target = inv.arg("FILE")
    current = ctx.recorder
    if target is None:
        if current is None:
            return Message("not recording (record FILE starts)")
        return Message(f"recording to {current.path} ({current.commands} command"
                       f"{'s' if current.commands != 1 else ''} so far); record off stops")
    if target == "off":
        if current is None:
            return Message("not recording")
        current.close()
        ctx.recorder = None
        return Message(f"stopped recording: {current.commands} command{'s' if current.commands != 1 else ''} "
                       f"in {current.path}")
    if current is not None and same_file(os.path.expanduser(target), current.path):
        current.times = bool(inv.opt("times"))  # the file this recording made: it goes on
        return Message(f"recording to {current.path} ({current.commands} command"
                       f"{'s' if current.commands != 1 else ''} so far); record off stops")
    recorder = Recorder.open(target, bool(inv.opt("times")), _own_files(ctx))
    if current is not None:
        current.close()
    ctx.recorder = recorder
    return Message(f"recording to {recorder.path}: each command from now on, with its output (secrets masked); "
                   "record off stops")


def _own_files(ctx: ShellContext) -> dict[Path, str]:
    """The files the shell keeps for itself, which a transcript must never go into."""
    from ..config import config_path  # noqa: PLC0415 - only when asked
    from ..history import history_path  # noqa: PLC0415

    own = {config_path(ctx.environ): "the shell's config file", history_path(ctx.environ): "the shell's history file"}
    if ctx.config is not None:
        own[ctx.config.path] = "the shell's config file"  # --config PATH
    return own


COMMANDS = (
    Command(
        name="record",
        changes=frozenset({Effect.RECORDING}),
        summary="Write the session to a Markdown file as it goes (record off stops)",
        handler=record,
        positionals=(Positional("FILE", Kind.PATH, "a new file for the transcript, or off", keywords=("off",)),),
        options=(Option("--times", "note when each command started and how long it took"),),
        examples=("record class.md", "record class.md --times", "record off", "record"),
        details=(
            "Each command from now on goes in its own milvus-session code block: the prompt, the command "
            "with passwords and tokens masked, and what it printed (progress lines and colours left out). "
            "The file is created new, readable by you alone (0600): an existing file, a symbolic link and "
            "the shell's own config and history files are refused, never written. Alone, record says "
            "whether it is recording. "
            "The blocks follow the docs' transcript convention, so a recording can become a tested doc."
        ),
    ),
)
