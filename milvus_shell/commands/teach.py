"""record: write the session down as a Markdown transcript, for a class to read afterwards."""

from __future__ import annotations

from ..context import ShellContext
from ..results import Message
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
    recorder = Recorder.open(target, bool(inv.opt("times")))
    if current is not None:
        current.close()
    ctx.recorder = recorder
    return Message(f"recording to {recorder.path}: each command from now on, with its output (secrets masked); "
                   "record off stops")


COMMANDS = (
    Command(
        name="record",
        changes=frozenset({Effect.RECORDING}),
        summary="Write the session to a Markdown file as it goes (record off stops)",
        handler=record,
        positionals=(Positional("FILE", Kind.PATH, "the transcript file (appended to), or off", keywords=("off",)),),
        options=(Option("--times", "note when each command started and how long it took"),),
        examples=("record class.md", "record class.md --times", "record off", "record"),
        details=(
            "Each command from now on goes in its own milvus-session code block: the prompt, the command "
            "with passwords and tokens masked, and what it printed (progress lines and colours left out). "
            "The file is created readable by you alone (0600); a symbolic link or another user's file is "
            "refused; an existing file is appended to. Alone, record says whether it is recording. "
            "The blocks follow the docs' transcript convention, so a recording can become a tested doc."
        ),
    ),
)
