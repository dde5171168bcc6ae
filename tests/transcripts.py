"""Executable transcripts: the sessions printed in the docs, read back and run against Milvus Lite.

The convention (README.md, "Transcripts in the docs", says it for writers):

- A fenced block whose info string is ``milvus-session`` is a transcript. Each line that starts with
  the prompt (``milvus ALIAS@WHERE> `` or ``milvus (not connected)> ``) is a command; the lines after
  it, up to the next command, are what the shell prints (stdout and stderr as a terminal shows them).
  A line ``$ milvus-shell ARGS`` starts a shell as the command line would (ADDRESS, --lite, -c).
- ``milvus-session no-run REASON`` marks a transcript that cannot run against Milvus Lite (a real
  Milvus with authentication, a remote host); the test counts these, so none is skipped by mistake.
- A fenced block ``python milvus-setup`` is set-up code the reader runs too (pymilvus, for what the
  shell cannot do yet); the test runs it, in order, with the doc's address pointed at the server.
- The blocks of one document run in order, in one shell, against one fresh, empty Milvus Lite.

Before comparing, both sides are normalised: round-trip and elapsed times, rows per second, clock
times (watch's header), versions of Milvus Lite, the server's address (the docs say
``localhost:19530``), the address where nothing listens (the docs say ``localhost:19531``; the test
runs a port it has just bound and closed, since a real Milvus 2.3 may listen on 19531), the home
directory (``/home/ada``), and runs of spaces and dashes (a longer path widens a table's column). The
shell runs in the project's top folder, so a doc's relative paths (``docs/data/books.jsonl``) work as
printed.
"""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

from milvus_shell.transcript import (FENCE, PROMPT, SESSION, SETUP, START, Block, Step,  # noqa: F401
                                     differences, normalise, read_blocks)

DOC_ADDRESS = "localhost:19530"  # where the docs' server is
DOC_REFUSED = "localhost:19531"  # where, in the docs, nothing listens ("connection refused")
DOC_HOME = "/home/ada"  # whose home the docs show

ROOT = Path(__file__).resolve().parents[1]  # the project's top folder
# Every Markdown file that may hold a transcript (commands.md is generated from the command table).
DOCS = sorted([ROOT / "README.md", *(p for p in (ROOT / "docs").glob("*.md") if p.name != "commands.md")])


def unmarked_prompts(path: Path) -> list[int]:
    """Lines that look like a shell session outside any milvus-session block (so no test runs them).

    A ``markdown`` block (a file shown as it is, such as a recording) is not looked into."""
    found, inside, ticks = [], None, ""
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(text)
        if fence and inside is None:
            inside, ticks = fence.group(3), fence.group(2)
            continue
        if inside is not None and text.strip() == ticks:
            inside = None
            continue
        if inside not in (SESSION, "markdown") and PROMPT.match(text.strip()) and text.strip().startswith("milvus "):
            if "> " in text.strip():
                found.append(n)
    return found


class Swap:
    """The test's real places written as the doc's: the server's address, the refused address (a
    ``localhost:PORT`` whose port the test has just bound and closed), the home directory."""

    def __init__(self, address: str, home: str, refused: str, doc_address: str = DOC_ADDRESS,
                 doc_home: str = DOC_HOME, doc_refused: str = DOC_REFUSED) -> None:
        self.address, self.home, self.refused = address, home, refused
        self.doc_address, self.doc_home, self.doc_refused = doc_address, doc_home, doc_refused

    def to_real(self, text: str) -> str:
        return (_swap(_swap(text, self.doc_refused, self.refused), self.doc_address, self.address)
                .replace(self.doc_home, self.home))

    def to_doc(self, text: str) -> str:
        return (_swap(_swap(text, self.refused, self.doc_refused), self.address, self.doc_address)
                .replace(self.home, self.doc_home))


def _swap(text: str, address: str, by: str) -> str:
    """``address`` replaced by ``by`` where its port ends (``localhost:1953`` is not in ``localhost:19531``)."""
    return re.sub(re.escape(address) + r"(?!\d)", lambda _: by, text)


# -- running -------------------------------------------------------------------------------------

class Runner:
    """Runs a document's blocks in one shell (a ``$ milvus-shell`` line starts a new one)."""

    def __init__(self, swap: Swap, width: int = 200) -> None:
        self.swap = swap
        self.width = width
        self.buffer = io.StringIO()
        self.shell = None
        self.problems: list[str] = []
        self.commands_run = 0
        self._start("")

    def _start(self, args: str) -> list[str]:
        import contextlib
        import os

        from milvus_shell import cli
        from milvus_shell.app import build_shell

        self.close()
        self.buffer.seek(0)
        self.buffer.truncate()
        parsed = cli.build_argparser().parse_args(shlex.split(self.swap.to_real(args)))
        with contextlib.redirect_stderr(self.buffer):  # as main() does: the config file's problems on stderr
            config = cli._read_config(parsed)
            start = cli._start_line(parsed, config)
        settings = cli.build_settings(parsed, config.settings, os.environ, False, False)
        self.shell = build_shell(settings, out=self.buffer, err=self.buffer, width=self.width, config=config)
        if start is not None and (not start.line or self.shell.run_line(start.line).ok):
            cli.run_script(self.shell, ((("", c) for c in parsed.command)))
        return self._taken()

    def _taken(self) -> list[str]:
        text = self.swap.to_doc(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()
        return text.splitlines()

    def prompt(self) -> str:
        """The prompt the interactive shell would draw now, written with the doc's address."""
        from milvus_shell.status import short_where

        registry = self.shell.ctx.registry
        view = registry.view(registry.active) if registry.active else None
        if view is None:
            return "milvus (not connected)"
        return f"milvus {view.alias}@{short_where(self.swap.to_doc(view.address), view.database)}"

    def run_block(self, block: Block) -> None:
        for step in block.steps:
            where = f"{block.path.name}:{step.line}"
            if step.prompt is None:
                actual = self._start(step.command)
            else:
                shown = self.swap.to_doc(self.prompt())
                if step.prompt != shown:
                    self.problems.append(f"{where}: the doc shows the prompt {step.prompt + '>'!r}, "
                                         f"the shell draws {shown + '>'!r}")
                self.shell.run_line(self.swap.to_real(step.command))
                actual = self._taken()
            self.commands_run += 1
            diff = differences(step.expected, actual, "the doc")
            if diff:
                self.problems.append(f"{where}: {step.command!r} printed otherwise:\n{diff}")

    def close(self) -> None:
        if self.shell is not None:
            self.shell.ctx.registry.close()
            self.shell = None
