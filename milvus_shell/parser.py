"""Pure parsing: a line of text becomes Invocations, or a ParseError naming the column.

Words come from tokens.py, their meaning from the one binder (binder.py), the line level (several
``;``-separated statements, where secrets lie, the masked form) from the line model (line.py). These
functions understand a line afresh; the shell reads its own cached model (``ShellContext.lines``).
"""

from __future__ import annotations

from .commands.spec import Invocation
from .line import SECRET_MASK, Line
from .table import CommandTable

__all__ = ["SECRET_MASK", "parse_line", "redact", "redact_at", "secret_spans"]


def parse_line(text: str, table: CommandTable) -> list[Invocation]:
    """Parse a whole line (possibly several ``;``-separated commands)."""
    return Line(text, table).invocations()


def secret_spans(text: str, table: CommandTable) -> list[tuple[int, int]]:
    """Where secrets lie in ``text`` as sorted (start, end) spans (see Line.secrets)."""
    return list(Line(text, table).secrets)


def redact(text: str, table: CommandTable) -> str:
    """``text`` with every secret (see secret_spans) replaced by ``***``."""
    return Line(text, table).masked


def redact_at(text: str, table: CommandTable, column: int = 1, message: str = "") -> tuple[str, int, str]:
    """``text`` redacted, the 1-based ``column`` moved to where it now falls, and ``message`` with
    any secret value it quotes masked too."""
    return Line(text, table).redact_at(column, message)
