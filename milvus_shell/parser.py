"""Pure parsing: a line of text becomes Invocations, or a ParseError naming the column.

Quoting follows a POSIX shell: '...' is literal, "..." allows \\ escapes, a backslash outside quotes
escapes the next character. An unquoted ``;`` separates commands, an unquoted ``#`` at the start of a
word begins a comment.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .addresses import parse_address
from .commands.spec import Command, Invocation, Kind
from .errors import ParseError, UsageError

ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
SECRET_MASK = "***"


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


def assign_positionals(command: Command, toks: Sequence[Token]) -> tuple[dict[str, Any], int]:
    """Positional name -> its token (a list for a repeated one), in order; and how many were used."""
    bound: dict[str, Any] = {}
    k = 0
    for pos in command.positionals:
        if pos.repeat:
            bound[pos.name] = list(toks[k:])
            k = len(toks)
        elif k < len(toks):
            bound[pos.name] = toks[k]
            k += 1
    return bound, k


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


class CommandTable:
    """The commands, looked up by their (possibly multi-word) names."""

    def __init__(self, commands: Iterable[Command]) -> None:
        self.commands: tuple[Command, ...] = tuple(commands)
        self._by_name = {c.name: c for c in self.commands}
        self.secret_options = frozenset(
            o.name for c in self.commands for o in c.options if o.kind is Kind.SECRET
        )

    def get(self, name: str) -> Command | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return [c.name for c in self.commands]

    def match(self, words: Sequence[str]) -> tuple[Command | None, int]:
        """The longest command whose words start ``words``, and how many words it took."""
        best: tuple[Command | None, int] = (None, 0)
        for cmd in self.commands:
            w = cmd.words
            if len(w) <= len(words) and tuple(x.lower() for x in words[: len(w)]) == w:
                if len(w) > best[1]:
                    best = (cmd, len(w))
        return best


def parse_line(text: str, table: CommandTable) -> list[Invocation]:
    """Parse a whole line (possibly several ``;``-separated commands)."""
    return [parse_statement(text, stmt, table) for stmt in tokenize(text)]


def parse_statement(text: str, stmt: Statement, table: CommandTable) -> Invocation:
    tokens = stmt.tokens
    words: list[str] = []
    for tok in tokens[:3]:
        if tok.quoted:
            break
        words.append(tok.value)
    command, used = table.match(words)
    if command is None:
        raise _unknown_command(tokens, table)
    binder = _Binder(command, tokens[used:], stmt.end)
    args, options = binder.bind()
    return Invocation(command=command, args=args, options=options, text=text[stmt.start:stmt.end].strip())


def _unknown_command(tokens: Sequence[Token], table: CommandTable) -> ParseError:
    first = tokens[0]
    word = first.value.lower()
    groups = [n for n in table.names() if n.split()[0] == word]
    if groups:
        shown = " ".join(t.value for t in tokens[:2])
        return ParseError(
            f"unknown command {shown!r}", first.column, "did you mean " + " or ".join(sorted(groups)) + "?"
        )
    firsts = sorted({n.split()[0] for n in table.names()})
    close = difflib.get_close_matches(word, firsts, n=1, cutoff=0.6)
    hint = ("did you mean " + " or ".join(close) + "?") if close else "type help for the list of commands"
    return ParseError(f"unknown command {first.value!r}", first.column, hint)


class _Binder:
    """Binds the tokens after a command's name to its positionals and options."""

    def __init__(self, command: Command, tokens: Sequence[Token], line_end: int) -> None:
        self.command = command
        self.tokens = list(tokens)
        self.line_end = line_end

    def bind(self) -> tuple[dict[str, Any], dict[str, Any]]:
        cmd = self.command
        options: dict[str, Any] = {}
        positional_tokens: list[Token] = []
        only_positionals = False
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            i += 1
            if not only_positionals and is_end_of_options(tok):
                only_positionals = True
                continue
            if only_positionals or not looks_like_option(tok):
                positional_tokens.append(tok)
                continue
            name, inline_tok = split_option(tok)
            opt = cmd.option(name)
            if opt is None:
                raise self._unknown_option(tok, name)
            if opt.key in options and not opt.repeat:
                raise ParseError(f"{name} is given twice", tok.column)
            if opt.is_flag:
                if inline_tok is not None:
                    raise ParseError(f"{name} takes no value", tok.column)
                options[opt.key] = True
                continue
            value_tok = inline_tok
            if value_tok is None and i < len(self.tokens) and not looks_like_option(self.tokens[i]):
                value_tok = self.tokens[i]
                i += 1
            if value_tok is None:
                if opt.value_optional:
                    options[opt.key] = None
                    continue
                meta = opt.metavar or opt.kind.value.upper()
                raise ParseError(f"{name} needs a value ({meta})", tok.end + 1)
            value = self._convert(opt.kind, value_tok, name, opt.choices)
            if opt.repeat:
                options.setdefault(opt.key, []).append(value)
            else:
                options[opt.key] = value
        args = self._bind_positionals(positional_tokens)
        return args, options

    def _bind_positionals(self, toks: list[Token]) -> dict[str, Any]:
        cmd = self.command
        bound, k = assign_positionals(cmd, toks)
        if k < len(toks):
            extra = toks[k]
            raise ParseError(
                f"unexpected argument {extra.value!r}", extra.column, f"usage: {cmd.syntax()}"
            )
        if cmd.rebind is not None:
            bound = cmd.rebind(bound)
        result: dict[str, Any] = {}
        for pos in cmd.positionals:
            got = bound.get(pos.name)
            if got is None or got == []:
                if pos.required:
                    raise ParseError(
                        f"{cmd.name} needs {pos.name}", self.line_end + 1, f"usage: {cmd.syntax()}"
                    )
                continue
            if pos.repeat:
                result[pos.name] = [self._convert(pos.kind, t, pos.name) for t in got]
            else:
                result[pos.name] = self._convert(pos.kind, got, pos.name)
        return result

    def _convert(self, kind: Kind | None, tok: Token, what: str, choices: tuple[str, ...] = ()) -> Any:
        value = tok.value
        if kind is Kind.ALIAS and not ALIAS_RE.match(value):
            raise ParseError(
                f"{value!r} is not a valid alias",
                tok.column,
                "an alias is letters, digits, '_' and '-', starting with a letter",
            )
        if kind is Kind.NUMBER:
            try:
                number = float(value)
            except ValueError:
                number = -1.0
            if not number > 0 or number != number or number == float("inf"):
                raise ParseError(f"{what} needs a positive number, not {value!r}", tok.column)
            return number
        if kind is Kind.CHOICE and value not in choices:
            raise ParseError(
                f"{what} must be one of {', '.join(choices)}, not {value!r}", tok.column
            )
        if kind is Kind.ADDRESS:
            try:
                parse_address(value)
            except UsageError as exc:
                raise ParseError(exc.message, tok.column, exc.hint) from None
        if kind is Kind.SECRET and value == "":
            raise ParseError(f"{what} is empty", tok.column)
        return value

    def _unknown_option(self, tok: Token, name: str) -> ParseError:
        names = [o.name for o in self.command.options]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        if close:
            hint = f"did you mean {close[0]}?"
        elif names:
            hint = f"{self.command.name} takes " + ", ".join(names)
        else:
            hint = f"{self.command.name} takes no options"
        return ParseError(f"unknown option {name!r} for {self.command.name}", tok.column, hint)


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
