"""Pure parsing: a line of text becomes Invocations, or a ParseError naming the column.

Words come from tokens.py, their meaning from the one binder (binder.py); this module adds the line
level: several ``;``-separated statements, and the masking of secrets in a line that is shown or kept.
"""

from __future__ import annotations

import difflib
import re

from .binder import Role, bind
from .commands.spec import Invocation, Kind
from .table import CommandTable
from .tokens import is_end_of_options, looks_like_option, split_option, tokenize

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
    """Where secrets lie in ``text`` as sorted (start, end) spans, on lines valid or not.

    Every value the binder gives a SECRET kind; and, for lines it cannot bind, every value after an
    option spelled like a secret option whatever the case, a typo (``--pasword``), quotes or a
    backslash (``'--token' x``, ``\\--token=x``), or a ``--`` in between (``--password -- x``); and
    the password of a ``user:password@`` in an address.
    """
    spans: set[tuple[int, int]] = set()
    for stmt in tokenize(text, partial=True):
        for word in bind(stmt.tokens, table, text, stmt.end).words:
            if word.kind is Kind.SECRET and word.role in (Role.VALUE, Role.ARGUMENT):
                spans.add((word.token.start, word.token.end))
        toks = stmt.tokens
        for j, tok in enumerate(toks):
            name, inline_tok = split_option(tok)
            if not _spelled_like_a_secret_option(name, table):
                continue
            following = toks[j + 1:j + 3]
            if inline_tok is not None:
                spans.add((inline_tok.start, inline_tok.end))
            elif following and is_end_of_options(following[0]) and len(following) > 1:
                spans.add((following[1].start, following[1].end))
            elif following and not looks_like_option(following[0]):
                spans.add((following[0].start, following[0].end))
    spans.update(m.span(2) for m in _USERINFO_RE.finditer(text))
    return _merged(spans)


def _spelled_like_a_secret_option(name: str, table: CommandTable) -> bool:
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


def redact(text: str, table: CommandTable) -> str:
    """``text`` with every secret (see secret_spans) replaced by ``***``."""
    return redact_at(text, table)[0]


def redact_at(text: str, table: CommandTable, column: int = 1, message: str = "") -> tuple[str, int, str]:
    """``text`` redacted, the 1-based ``column`` moved to where it now falls, and ``message`` with
    any secret value it quotes masked too (a parse error may quote a word: the secret itself)."""
    for start, end in reversed(secret_spans(text, table)):
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


# user:password@ at the start of a word, after a quote or after a scheme; group 2 is the password.
_USERINFO_RE = re.compile(r"((?:^|[\s'\"]|://)[A-Za-z0-9._~-]+:)([^\s@/]+)@")
