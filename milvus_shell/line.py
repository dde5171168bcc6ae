"""One line model: a line of text understood once, read by every part of the shell that needs it.

``LineModel.understand(text)`` gives a ``Line``: its statements (tokens), each bound by the one
binder, where its secrets lie, its masked form, and what is being typed at its end. The parser,
history, recording, ``--echo``, watch, the highlighter, the completer and the toolbar all read it,
so a line is bound once per distinct text (after Enter, and on each key press), not once per reader.
The model keeps the last few lines in a small LRU cache; it belongs to the shell's context
(``ShellContext.lines``), never to the module.

Masking lives here and only here (``Line.masked``, ``Line.redact_at``): every echo of a line
(history, ``--echo``, ``record``, watch's header and closing line, error messages) goes through it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import cached_property
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .binder import AtCursor, Bound
    from .commands.spec import Invocation
    from .table import CommandTable
    from .tokens import Statement

SECRET_MASK = "***"
# A line that starts with it is expected to fail (shell.py); the rest of the line is read as usual.
EXPECT_FAILURE = "!"
CACHE_SIZE = 32  # distinct lines kept: the text typed, its prefix before the cursor, a recalled line

# user:password@ at the start of a word, after a quote or after a scheme; group 2 is the password.
# Kept as text: re compiles (and caches) it on first use, not while the first prompt is being drawn.
_USERINFO = r"((?:^|[\s'\"]|://)[A-Za-z0-9._~-]+:)([^\s@/]+)@"


class Line:
    """One line of text as the shell understands it. Everything is worked out once, when first asked."""

    def __init__(self, text: str, table: "CommandTable") -> None:
        from .tokens import tokenize  # noqa: PLC0415 - the binder and its kinds: not before the first prompt

        self.text = text
        self.table = table
        self.statements: tuple[Statement, ...] = tuple(tokenize(_unmarked(text), partial=True))

    @cached_property
    def bound(self) -> tuple["Bound", ...]:
        """Every statement, bound (an unclosed quote tolerated)."""
        from . import binder  # noqa: PLC0415

        return tuple(binder.bind_line(self.text, self.table, statements=self.statements))

    def invocations(self) -> list["Invocation"]:
        """The line's commands, or its first ParseError (an unclosed quote, then each statement's)."""
        from .tokens import tokenize  # noqa: PLC0415

        tokenize(self.text)  # raises on an unclosed quote, as nothing else would
        invocations = []
        for stmt, bound in zip(self.statements, self.bound):
            if not stmt.tokens:
                continue
            raw = self.text[stmt.start:stmt.end]
            offset = stmt.start + len(raw) - len(raw.lstrip())
            invocations.append(bound.invocation(raw.strip(), offset))
        return invocations

    @cached_property
    def parses(self) -> bool:
        from .errors import ParseError  # noqa: PLC0415

        try:
            self.invocations()
        except ParseError:
            return False
        return True

    @cached_property
    def at_end(self) -> "AtCursor | None":
        """What is being typed at the end of the line (completion, toolbar); None inside a comment."""
        from . import binder  # noqa: PLC0415

        return binder.at_cursor(self.text, self.table, self.statements, self.bound)

    @cached_property
    def secrets(self) -> tuple[tuple[int, int], ...]:
        """Where secrets lie as sorted, merged (start, end) spans, on lines valid or not.

        Every value the binder gives a SECRET kind; and, for lines it cannot bind, every value after an
        option spelled like a secret option whatever the case, a typo (``--pasword``), quotes or a
        backslash (``'--token' x``, ``\\--token=x``), or a ``--`` in between (``--password -- x``); and
        the password of a ``user:password@`` in an address.
        """
        from .binder import Role  # noqa: PLC0415
        from .commands.spec import Kind  # noqa: PLC0415
        from .tokens import is_end_of_options, looks_like_option, split_option  # noqa: PLC0415

        spans: set[tuple[int, int]] = set()
        for stmt, bound in zip(self.statements, self.bound):
            for word in bound.words:
                if word.kind is Kind.SECRET and word.role in (Role.VALUE, Role.ARGUMENT):
                    spans.add((word.token.start, word.token.end))
            toks = stmt.tokens
            for j, tok in enumerate(toks):
                name, inline_tok = split_option(tok)
                if not _spelled_like_a_secret_option(name, self.table):
                    continue
                following = toks[j + 1:j + 3]
                if inline_tok is not None:
                    spans.add((inline_tok.start, inline_tok.end))
                elif following and is_end_of_options(following[0]) and len(following) > 1:
                    spans.add((following[1].start, following[1].end))
                elif following and not looks_like_option(following[0]):
                    spans.add((following[0].start, following[0].end))
        spans.update(m.span(2) for m in re.finditer(_USERINFO, self.text))
        return tuple(_merged(spans))

    @cached_property
    def masked(self) -> str:
        """The line with every secret replaced by ``***``: the one form in which a line is echoed."""
        return self.redact_at()[0]

    def redact_at(self, column: int = 1, message: str = "") -> tuple[str, int, str]:
        """The masked line, the 1-based ``column`` moved to where it now falls, and ``message`` with
        any secret value it quotes masked too (a parse error may quote a word: the secret itself)."""
        text = self.text
        for start, end in reversed(self.secrets):
            secret = text[start:end]
            if secret and secret != SECRET_MASK:
                for form in {secret, secret.strip("'\""), repr(secret.strip("'\""))[1:-1]}:
                    if len(form) >= 3 and form.strip("-"):
                        message = message.replace(form, SECRET_MASK)
            if column - 1 >= end:
                column += len(SECRET_MASK) - (end - start)
            elif column - 1 > start:
                column = start + 1
            text = text[:start] + SECRET_MASK + text[end:]
        return text, column, message


class LineModel:
    """Understands lines for one shell, keeping the last ``size`` in an LRU cache (by text).

    ``table`` may be a function that makes the command table: it is then made when the first line
    is understood, not before the first prompt."""

    def __init__(self, table: "CommandTable | Callable[[], CommandTable]", size: int = CACHE_SIZE) -> None:
        self._table_of: Callable[[], CommandTable] = table if callable(table) else (lambda: table)
        self._size = size
        self._lines: OrderedDict[str, Line] = OrderedDict()
        self._lock = threading.Lock()  # the completer may ask from its own thread

    @property
    def table(self) -> "CommandTable":
        return self._table_of()

    def understand(self, text: str) -> Line:
        with self._lock:
            line = self._lines.get(text)
            if line is not None:
                self._lines.move_to_end(text)
                return line
            line = Line(text, self.table)
            self._lines[text] = line
            if len(self._lines) > self._size:
                self._lines.popitem(last=False)
            return line

    def mask(self, text: str) -> str:
        """``text`` as it may be echoed: every secret masked."""
        return self.understand(text).masked


def _unmarked(text: str) -> str:
    """``text`` with the ``!`` of a line expected to fail read as a space: the words keep their places."""
    rest = text.lstrip()
    if not rest.startswith(EXPECT_FAILURE):
        return text
    at = len(text) - len(rest)
    return text[:at] + " " + text[at + len(EXPECT_FAILURE):]


def _spelled_like_a_secret_option(name: str, table: "CommandTable") -> bool:
    import difflib  # noqa: PLC0415 - not before the first prompt

    if not name.startswith("-") or len(name) < 3:
        return False
    low = name.lower()
    return low in table.secret_options or bool(difflib.get_close_matches(low, table.secret_options, n=1, cutoff=0.75))


def _merged(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
