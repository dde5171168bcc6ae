"""The transcript format: ``milvus-session`` blocks of Markdown, as the docs print sessions and as
``record FILE`` writes them. One reader and one normaliser, for ``-f FILE.md --check`` and the docs' tests.

A fenced block whose info string is ``milvus-session`` is a transcript. Each line that starts with the
prompt (``milvus ALIAS@WHERE> `` or ``milvus (not connected)> ``) is a command; the lines after it, up
to the next command, are what the shell printed. A line ``$ milvus-shell ARGS`` starts a shell as the
command line would. ``milvus-session no-run REASON`` marks a transcript that cannot be run here; a
``python milvus-setup`` block is set-up code.

Before two outputs are compared both are normalised: round-trip and elapsed times, rows per second,
clock times, versions of Milvus Lite, and runs of spaces and dashes (a longer value widens a column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PROMPT = re.compile(r"^(milvus (?:\(not connected\)|\S+?))(?: \(lost\))?> ?(.*)$")
START = re.compile(r"^\$ milvus-shell(?: (.*))?$")
FENCE = re.compile(r"^( *)(`{3,})([^`\s]*)(?:[ \t]+(.*))?$")  # indented inside a list item too
SESSION, SETUP = "milvus-session", "milvus-setup"


@dataclass
class Step:
    """One command (or ``$ milvus-shell`` start) and the output printed for it."""

    line: int  # 1-based line in the document
    prompt: str | None  # the prompt as printed, None for a start line
    command: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    path: Path
    line: int  # of the opening fence
    kind: str  # "run", "no-run" or "setup"
    reason: str = ""
    steps: list[Step] = field(default_factory=list)
    code: str = ""  # a setup block's source

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


class TranscriptError(ValueError):
    """A Markdown file whose transcript blocks cannot be read (a stray line, an unknown marker)."""


def read_blocks(path: Path, text: str | None = None) -> list[Block]:
    """The transcript and set-up blocks of a Markdown file (or of its ``text``), in order."""
    blocks: list[Block] = []
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        indent, ticks, lang, rest = fence.group(1), fence.group(2), fence.group(3), (fence.group(4) or "").strip()
        end = i + 1
        while end < len(lines) and lines[end].strip() != ticks:
            end += 1
        body = [text[len(indent):] if text.startswith(indent) else text.lstrip() for text in lines[i + 1:end]]
        if lang == SESSION:
            kind, reason = ("no-run", rest[len("no-run"):].strip()) if rest.startswith("no-run") else ("run", "")
            if rest and kind == "run":
                raise TranscriptError(f"{path.name}:{i + 1}: unknown transcript marker {rest!r} (only no-run REASON)")
            blocks.append(Block(path, i + 1, kind, reason, steps=_steps(body, i + 2)))
        elif lang == "python" and rest == SETUP:
            blocks.append(Block(path, i + 1, "setup", code="\n".join(body) + "\n"))
        i = end + 1
    return blocks


def _steps(body: list[str], first_line: int) -> list[Step]:
    steps: list[Step] = []
    for n, text in enumerate(body, first_line):
        start, prompt = START.match(text), PROMPT.match(text)
        if start:
            steps.append(Step(n, None, start.group(1) or ""))
        elif prompt:
            steps.append(Step(n, prompt.group(1), prompt.group(2)))
        elif steps:
            steps[-1].expected.append(text)
        elif text.strip():
            raise TranscriptError(f"line {n}: a transcript starts with a prompt or `$ milvus-shell`, not {text!r}")
    return steps


def looks_like_markdown(name: str, first_line: str = "") -> bool:
    """Whether a script is a Markdown session (``-f class.md``) rather than lines of commands."""
    return name.lower().endswith((".md", ".markdown")) or first_line.startswith("# milvus-shell session")


# -- normalising ---------------------------------------------------------------------------------

_RULES = [
    (re.compile(r"in \d+(?:\.\d+)? ms round trip"), "in N ms round trip"),
    (re.compile(r"(round trip ms:\s+)\d+(?:\.\d+)?"), r"\1N"),
    (re.compile(r"\bin \d+(?:\.\d+)? s\b"), "in N s"),
    (re.compile(r"\btime: \d+(?:\.\d+)? s\b"), "time: N s"),
    (re.compile(r"\b\d[\d,]*(?:\.\d+)? rows/s\b"), "N rows/s"),
    (re.compile(r"\b\d\d:\d\d:\d\d\b"), "HH:MM:SS"),  # watch's clock
    (re.compile(r"(milvus_lite-|Milvus Lite )\d+(?:\.\d+)+"), r"\1VERSION"),
    (re.compile(r" {2,}"), " "),
    (re.compile(r"-{2,}"), "--"),
]


def normalise(lines: list[str]) -> list[str]:
    """The lines with what changes from run to run written the same way; trailing blanks dropped."""
    out = []
    for text in lines:
        for pattern, repl in _RULES:
            text = pattern.sub(repl, text)
        out.append(text.rstrip())
    while out and not out[-1]:
        out.pop()
    return out


def differences(expected: list[str], actual: list[str], label: str = "the recording") -> str:
    """A unified diff of the two outputs after normalising; "" when they are the same."""
    import difflib  # noqa: PLC0415 - only when there is something to compare

    want, got = normalise(expected), normalise(actual)
    if want == got:
        return ""
    return "\n".join(difflib.unified_diff(want, got, label, "the shell", lineterm="", n=1))
