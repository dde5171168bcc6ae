"""Words of a line: POSIX-style quoting, ``;`` between statements, ``#`` comments. Pure.

Quoting follows a POSIX shell: '...' is literal, "..." allows \\ escapes, a backslash outside quotes
escapes the next character. An unquoted ``;`` separates commands, an unquoted ``#`` at the start of a
word begins a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ParseError


@dataclass(frozen=True)
class Token:
    """A word: its value after quote removal, where it lies, and its text as typed (``raw``)."""

    value: str
    start: int
    end: int
    quoted: bool = False
    raw: str = ""

    @property
    def column(self) -> int:
        return self.start + 1


@dataclass(frozen=True)
class Statement:
    """The tokens of one command and where its text lies in the line."""

    tokens: tuple[Token, ...]
    start: int
    end: int


def tokenize(text: str, partial: bool = False) -> list[Statement]:
    """Split a line into statements of tokens. ``partial`` tolerates an unclosed quote (completion)."""
    statements: list[Statement] = []
    tokens: list[Token] = []
    stmt_start = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == ";":
            statements.append(Statement(tuple(tokens), stmt_start, i))
            tokens, stmt_start = [], i + 1
            i += 1
            continue
        if ch == "#":
            break
        start, buf, quoted = i, [], False
        while i < n and not text[i].isspace() and text[i] != ";":
            ch = text[i]
            if ch == "\\":
                if i + 1 < n:
                    buf.append(text[i + 1])
                    i += 2
                else:
                    i += 1
                continue
            if ch in "'\"":
                quoted = True
                close = _closing_quote(text, i)
                if close < 0:
                    if not partial:
                        raise ParseError(f"unclosed {ch} quote", i + 1, f"add the closing {ch}")
                    buf.append(_unescape(text[i + 1:], ch))
                    i = n
                    break
                buf.append(_unescape(text[i + 1:close], ch))
                i = close + 1
                continue
            buf.append(ch)
            i += 1
        tokens.append(Token("".join(buf), start, i, quoted, text[start:i]))
    end = i if i < n and text[i] == "#" else n
    statements.append(Statement(tuple(tokens), stmt_start, end))
    return [s for s in statements if s.tokens or s is statements[-1] and partial]


def looks_like_option(tok: Token) -> bool:
    """An option is typed with bare leading dashes: ``--token="a b"`` is one, ``'--token'`` is not."""
    return tok.raw.startswith("--") and tok.raw != "--"


def is_end_of_options(tok: Token) -> bool:
    return tok.raw == "--"


def split_option(tok: Token) -> tuple[str, Token | None]:
    """``--name=value`` -> (``--name``, the value's token); ``--name`` -> (``--name``, None)."""
    name, eq, inline = tok.value.partition("=")
    if not eq:
        return name, None
    cut = tok.raw.find("=")
    cut = cut if cut >= 0 else len(name)
    return name, Token(inline, tok.start + cut + 1, tok.end, tok.quoted, tok.raw[cut + 1:])


def _closing_quote(text: str, open_at: int) -> int:
    quote = text[open_at]
    j = open_at + 1
    while j < len(text):
        if quote == '"' and text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return j
        j += 1
    return -1


def _unescape(body: str, quote: str) -> str:
    if quote == "'":
        return body
    return re.sub(r'\\([\\"$`])', r"\1", body)


def wholly_quoted(tok: Token) -> bool:
    """Whether the word is one quoted string from its first character to its last (``'a b'``)."""
    raw = tok.raw
    return bool(raw) and raw[0] in "'\"" and _closing_quote(raw, 0) == len(raw) - 1
