"""Pure parsing: a line of text becomes Invocations, or a ParseError naming the column.

Words come from tokens.py, their meaning from the one binder (binder.py); this module adds the line
level: several ``;``-separated statements, and the masking of secrets in a line that is shown or kept.
"""

from __future__ import annotations

import re

from .binder import bind
from .commands.spec import Invocation
from .table import CommandTable
from .tokens import looks_like_option, split_option, tokenize

SECRET_MASK = "***"


def parse_line(text: str, table: CommandTable) -> list[Invocation]:
    """Parse a whole line (possibly several ``;``-separated commands)."""
    invocations = []
    for stmt in tokenize(text):
        raw = text[stmt.start:stmt.end]
        offset = stmt.start + len(raw) - len(raw.lstrip())
        invocations.append(bind(stmt.tokens, table, text, stmt.end).invocation(raw.strip(), offset))
    return invocations


def secret_spans(text: str, table: CommandTable) -> list[tuple[int, int]]:
    """Where the values of secret options lie in ``text`` as (start, end), on lines valid or not.

    Besides what the parser binds (``--password x``, ``--token="a b"``), spellings it takes for
    arguments (``'--token' x``, ``\\--token=x``) count too: they must not be kept or shown either.
    """
    spans: list[tuple[int, int]] = []
    for stmt in tokenize(text, partial=True):
        toks = stmt.tokens
        for j, tok in enumerate(toks):
            name, inline_tok = split_option(tok)
            if name not in table.secret_options:
                continue
            if inline_tok is not None:
                spans.append((inline_tok.start, inline_tok.end))
            elif j + 1 < len(toks) and not looks_like_option(toks[j + 1]):
                spans.append((toks[j + 1].start, toks[j + 1].end))
    return spans


def redact(text: str, table: CommandTable) -> str:
    """``text`` with every secret replaced by ``***``: secret option values, and the password of a
    ``user:password@`` inside an address (which connect refuses, but a history must not keep)."""
    for start, end in reversed(secret_spans(text, table)):
        text = text[:start] + SECRET_MASK + text[end:]
    return _USERINFO_RE.sub(lambda m: m.group(1) + SECRET_MASK + "@", text)


_USERINFO_RE = re.compile(r"((?:^|[\s'\"]|://)[A-Za-z0-9._~-]+:)[^\s@/]+@")
