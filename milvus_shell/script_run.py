"""Running a script (-c, -f, piped lines, a recorded Markdown session) for a class or a check.

- A line that starts with ``!`` is expected to fail (shell.py): its failure is no failure of the
  script, and its success is one ("expected to fail, but it succeeded").
- ``keep_going``: run past failures; the script exits 1 when any command failed, and says how many.
- ``step``: echo each command and wait for a key first (Enter runs it, ``s`` skips it, ``q`` stops).
- A recording replayed (``-f FILE.md``): its commands run; with ``check`` what each prints is compared
  with the recording (normalised as transcript.py says) and every difference is reported; exit 1 then.
  A confirmation question is answered as the recording answered it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence, Union

from .context import Confirmation
from .shell import Shell

EXIT_OK, EXIT_FAILED = 0, 1


@dataclass
class RecordedLine:
    """A command of a recording, with what it printed then (``expected``)."""

    where: str
    text: str
    expected: list[str] = field(default_factory=list)


ScriptLine = Union[tuple[str, str], RecordedLine]

# Waits for the person's key before a command in --step: "run", "skip" or "stop".
StepKey = Callable[[], str]


class Replay:
    """Answers confirmation questions as the recording being replayed answered them."""

    def __init__(self, err: Callable[[], object] = lambda: sys.stderr) -> None:
        self.expected: list[str] = []
        self._err = err

    def confirm(self, question: Confirmation) -> bool:
        ask = question.question()
        answers = [line[len(ask):] for line in self.expected if line.startswith(ask)]
        answer = answers[0] if answers else ""
        stream = self._err()
        stream.write(f"{question.statement()}\n{ask}{answer}\n")  # type: ignore[attr-defined]
        return question.answer_means_yes(answer)


def echo_line(shell: Shell, line: str, suffix: str = "") -> None:
    text = f"{shell.prompt_text()}> {shell.ctx.lines.mask(line)}"
    if shell.renderer.color:
        text = f"\x1b[1m{text}\x1b[0m"
    try:
        shell.renderer.err.write(text + suffix + "\n")
        shell.renderer.err.flush()
    except (OSError, ValueError):
        pass


def _say(shell: Shell, text: str) -> None:
    try:
        shell.renderer.err.write(text + "\n")
        shell.renderer.err.flush()
    except (OSError, ValueError):
        pass


def run_script(shell: Shell, lines: Iterable[ScriptLine], echo: bool = False, keep_going: bool = False,
               step: StepKey | None = None, check: bool = False, replay: Replay | None = None) -> int:
    """Run lines in order: exit 0, or 1 when a command failed (the first one stops the script unless
    ``keep_going``), or when ``check`` found a difference from the recording."""
    failed = differences = ran = 0
    for item in lines:
        if isinstance(item, RecordedLine):
            recorded: RecordedLine | None = item
            where, line = item.where, item.text
        else:
            recorded = None
            where, line = item
        if not line.strip():
            continue
        if step is not None:
            echo_line(shell, line, "   [Enter runs, s skips, q stops]")
            choice = step()
            if choice == "stop":
                _say(shell, f"{where}stopped; the rest of the script is not run")
                break
            if choice == "skip":
                _say(shell, f"{where}skipped")
                continue
        elif echo:
            echo_line(shell, line)
        if replay is not None:
            replay.expected = recorded.expected if recorded else []
        printed: list[str] = []
        if check:
            outer = shell.renderer.tap
            shell.renderer.tap = printed.append
        try:
            outcome = shell.run_line(line, "" if check else where)
        finally:
            if check:
                shell.renderer.tap = outer
        ran += 1
        if check and recorded is not None:
            from .transcript import differences as diff_of  # noqa: PLC0415

            diff = diff_of(recorded.expected, "".join(printed).replace("\r\x1b[K", "").splitlines())
            if diff:
                differences += 1
                _say(shell, f"{where}{line!r} printed otherwise than the recording:\n{diff}")
            if outcome.exit_code is not None and outcome.ok:
                break
            continue
        ok = outcome.ok
        if outcome.exit_code is not None:
            return outcome.exit_code if ok or not keep_going else EXIT_FAILED
        if not ok:
            failed += 1
            if not keep_going:
                return EXIT_FAILED
    if check:
        _say(shell, f"{differences} of {ran} command{'s' if ran != 1 else ''} printed otherwise than the recording"
             if differences else f"replayed {ran} command{'s' if ran != 1 else ''}: no difference from the recording")
        return EXIT_FAILED if differences else EXIT_OK
    if failed:
        _say(shell, f"{failed} of {ran} command{'s' if ran != 1 else ''} failed")
        return EXIT_FAILED
    return EXIT_OK


def recorded_lines(name: str, text: str) -> Sequence[RecordedLine]:
    """The commands of a recorded Markdown session, each with what it printed (TranscriptError when a
    block cannot be read)."""
    from pathlib import Path  # noqa: PLC0415

    from .transcript import TranscriptError, read_blocks  # noqa: PLC0415

    lines = []
    for block in read_blocks(Path(name), text):
        if block.kind != "run":
            continue
        for step_ in block.steps:
            if step_.prompt is None:
                raise TranscriptError(f"{name}:{step_.line}: a `$ milvus-shell` line cannot be replayed inside "
                                      "a script; start the shell that way and replay the rest")
            lines.append(RecordedLine(f"{name}:{step_.line}: ", step_.command, step_.expected))
    return lines


def terminal_step_key() -> str:
    """One key from the terminal, without waiting for Enter: "run" (Enter), "skip" (s), "stop" (q,
    Ctrl-C, Ctrl-D, end of input). Other keys are ignored."""
    import termios  # noqa: PLC0415 - --step only
    import tty  # noqa: PLC0415

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        while True:
            import os  # noqa: PLC0415

            key = os.read(fd, 1)
            if key in (b"\r", b"\n"):
                return "run"
            if key in (b"s", b"S"):
                return "skip"
            if key in (b"q", b"Q", b"\x04", b""):
                return "stop"
    except KeyboardInterrupt:
        return "stop"
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def confirm_in_step(question: Confirmation) -> bool:
    """--step has a person at the terminal: a destructive command asks, as the interactive shell does."""
    print(question.statement(), file=sys.stderr)
    try:
        return question.answer_means_yes(input(question.question()))
    except EOFError:
        return False
