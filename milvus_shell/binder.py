"""The one binder: gives every word of a statement its role and parameter, converts the values by
their kinds, and notes what is wrong, without ever raising.

The parser turns a bound statement into an Invocation (or its first error); the highlighter, the
completer and the toolbar read the roles of lines that are unfinished or wrong. So a line is
understood the same way everywhere.
"""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass, field
from typing import Any, Sequence

from .commands.spec import Command, Invocation, Kind, Option, Param, Positional
from .errors import ParseError
from .kinds import KindError, convert
from .table import CommandTable, command_words
from .tokens import Statement, Token, is_end_of_options, looks_like_option, split_option, tokenize, wholly_quoted


class Role(enum.Enum):
    COMMAND = "command"  # a word of the command's name
    COMMAND_PREFIX = "command prefix"  # leading words of a longer command name not yet complete
    UNKNOWN_COMMAND = "unknown command"
    OPTION = "option"
    UNKNOWN_OPTION = "unknown option"
    VALUE = "value"  # the value of an option
    ARGUMENT = "argument"  # a positional argument
    EXTRA = "extra"  # an argument more than the command takes, or a word after an unknown command
    END_OF_OPTIONS = "end of options"  # a lone --


@dataclass(frozen=True)
class Word:
    token: Token
    role: Role
    param: Param | None = None

    @property
    def kind(self) -> Kind | None:
        return self.param.kind if self.param is not None else None


@dataclass
class Bound:
    """One statement, bound: its command (None when the words name none), its words in order, the
    converted values, where each value lies in the line, and the errors in the order met."""

    command: Command | None
    words: tuple[Word, ...]
    args: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    errors: list[ParseError] = field(default_factory=list)

    def given(self) -> dict[str, Any]:
        """What was typed so far: positional name or option key -> text (a list for repeats)."""
        values: dict[str, Any] = {}
        for word in self.words:
            if word.role in (Role.ARGUMENT, Role.VALUE) and word.param is not None:
                if word.param.repeat:
                    values.setdefault(word.param.key, []).append(word.token.value)
                else:
                    values[word.param.key] = word.token.value
        return values

    def invocation(self, text: str, offset: int = 0) -> Invocation:
        """The Invocation of a valid statement, else its first error. ``text`` is the statement's
        text, found at ``offset`` in the line: the spans are made relative to it."""
        if self.errors:
            raise self.errors[0]
        assert self.command is not None
        spans = {k: tuple((a - offset, b - offset) for a, b in v) for k, v in self.spans.items()}
        return Invocation(self.command, self.args, self.options, text, spans)


def bind(tokens: Sequence[Token], table: CommandTable, text: str = "", line_end: int | None = None) -> Bound:
    """Bind one statement's tokens. ``text`` is the whole line (for values kept as typed)."""
    command, used = table.match(command_words(tokens))
    if command is None:
        return _without_command(tokens, table)
    end = line_end if line_end is not None else (tokens[-1].end if tokens else 0)
    return _Binding(command, tokens, used, text, end).run()


def _without_command(tokens: Sequence[Token], table: CommandTable) -> Bound:
    leading = command_words(tokens)
    k = 0
    while k < len(leading) and table.is_prefix(leading[: k + 1]):
        k += 1
    words = [Word(t, Role.COMMAND_PREFIX) for t in tokens[:k]]
    words += [Word(t, Role.UNKNOWN_COMMAND if i == 0 else Role.EXTRA) for i, t in enumerate(tokens[k:])]
    errors = [table.unknown_command(tokens)] if tokens else []
    return Bound(None, tuple(words), errors=errors)


class _Binding:
    """One pass over the words after a command's name, in the order a reader meets them."""

    def __init__(self, command: Command, tokens: Sequence[Token], used: int, text: str, line_end: int) -> None:
        self.command = command
        self.all_tokens = list(tokens)
        self.tokens = list(tokens[used:])
        self.text = text
        self.line_end = line_end
        self.bound = Bound(command, ())
        self.words: list[Word] = [Word(t, Role.COMMAND) for t in tokens[:used]]

    def fail(self, message: str, column: int, hint: str | None = None) -> None:
        self.bound.errors.append(ParseError(message, column, hint))

    def run(self) -> Bound:
        positional: list[Token] = []
        only_positionals = False
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            i += 1
            if not only_positionals and is_end_of_options(tok):
                only_positionals = True
                self.words.append(Word(tok, Role.END_OF_OPTIONS))
                continue
            if only_positionals or not looks_like_option(tok):
                positional.append(tok)
                self.words.append(Word(tok, Role.ARGUMENT))  # its parameter is settled below
                if self.command.rest_is_command and not _number_like(tok.value):
                    only_positionals = True  # the rest is the command given (watch 2 query x --limit 3)
                continue
            i = self._option(tok, i)
        self._positionals(positional)
        self.bound.words = tuple(self.words)
        return self.bound

    def _option(self, tok: Token, i: int) -> int:
        """Bind the option ``tok`` (and its value, from ``self.tokens[i]`` if it takes one); the next index."""
        name, inline = split_option(tok)
        opt = self.command.option(name)
        if opt is None:
            self.words.append(Word(tok, Role.UNKNOWN_OPTION))
            self.bound.errors.append(self._unknown_option(tok, name))
            return i
        options = self.bound.options
        if opt.key in options and not opt.repeat:
            self.fail(f"{name} is given twice", tok.column)
        if inline is not None:
            self.words.append(Word(Token(name, tok.start, inline.start - 1, raw=name), Role.OPTION, opt))
        else:
            self.words.append(Word(tok, Role.OPTION, opt))
        if opt.is_flag:
            if inline is not None:
                self.fail(f"{name} takes no value", tok.column)
            options[opt.key] = True
            return i
        value_tok = inline
        if value_tok is None and i < len(self.tokens) and not looks_like_option(self.tokens[i]):
            value_tok = self.tokens[i]
            i += 1
        if value_tok is not None and opt.kind is Kind.TEXT and not opt.repeat:
            return self._text_option(opt, name, value_tok, i)
        if value_tok is None:
            if opt.value_optional:
                options[opt.key] = None
            else:
                self.fail(f"{name} needs a value ({opt.value_meta()})", tok.end + 1)
            return i
        self.words.append(Word(value_tok, Role.VALUE, opt))
        value = self._convert(opt, value_tok, name)
        span = (value_tok.start, value_tok.end)
        if opt.repeat:
            options.setdefault(opt.key, []).append(value)
            self.bound.spans[opt.key] = self.bound.spans.get(opt.key, ()) + (span,)
        else:
            options[opt.key] = value
            self.bound.spans[opt.key] = (span,)
        return i

    def _text_option(self, opt: Option, name: str, first: Token, i: int) -> int:
        """A TEXT option (an expression, as --filter) takes the words up to the next option, as
        typed: ``--filter color == 'red' --limit 3`` (an unknown option there is still an error, not
        part of the expression). The next index."""
        taken = [first]
        while i < len(self.tokens) and not (looks_like_option(self.tokens[i]) or is_end_of_options(self.tokens[i])):
            taken.append(self.tokens[i])
            i += 1
        self.words += [Word(tok, Role.VALUE, opt) for tok in taken]
        if len(taken) == 1 and (wholly_quoted(first) or first.raw == "" or first is not self._token_at(first)):
            text = first.value  # one word, or --filter=value: as the tokenizer gave it
        else:
            text = self.text[taken[0].start:taken[-1].end] if self.text else " ".join(t.raw for t in taken)
        self.bound.options[opt.key] = self._convert(opt, Token(text, first.start, taken[-1].end), name)
        self.bound.spans[opt.key] = ((first.start, taken[-1].end),)
        return i

    def _token_at(self, tok: Token) -> Token | None:
        return next((t for t in self.tokens if t.start == tok.start), None)

    def _positionals(self, toks: list[Token]) -> None:
        cmd = self.command
        if cmd.precheck is not None:
            explained = cmd.precheck(toks)
            if explained is not None:
                self.bound.errors.append(explained)
        assigned, k = assign_positionals(cmd, toks)
        extra = toks[k:]
        split_json = [t for p in cmd.positionals if p.kind in _JSON_KINDS and not p.repeat
                      for t in [assigned.get(p.name)] if isinstance(t, Token) and _split_json(t)]
        if extra and split_json:
            extra = []  # the JSON's own error says to quote it
        if extra:
            self.fail(f"unexpected argument {extra[0].value!r}", extra[0].column, f"usage: {cmd.syntax()}")
        if cmd.rebind is not None:
            try:
                assigned = cmd.rebind(assigned)
            except Exception:  # noqa: BLE001 - a rebind rule may not expect every partial line
                pass
        param_of: dict[int, Positional] = {}
        for pos in cmd.positionals:
            got = assigned.get(pos.name)
            got_list = got if isinstance(got, list) else [] if got is None else [got]
            for tok in got_list:
                param_of[id(tok)] = pos
            if not got_list:
                if pos.required:
                    self.fail(f"{cmd.name} needs {pos.name}", self.line_end + 1, f"usage: {cmd.syntax()}")
                continue
            self.bound.spans[pos.name] = tuple((t.start, t.end) for t in got_list)
            what = cmd.name if len(cmd.positionals) == 1 else pos.name
            if pos.repeat and pos.kind is Kind.TEXT:
                self.bound.args[pos.name] = self._as_typed(got_list)
            elif pos.repeat:
                self.bound.args[pos.name] = [self._convert(pos, t, what) for t in got_list]
            else:
                self.bound.args[pos.name] = self._convert(pos, got_list[0], what)
        self.words = [
            Word(w.token, Role.ARGUMENT if id(w.token) in param_of else Role.EXTRA, param_of.get(id(w.token)))
            if w.role is Role.ARGUMENT else w
            for w in self.words
        ]

    def _as_typed(self, toks: list[Token]) -> str:
        """Free text exactly as typed (quotes kept, so ``title like 'A%'`` stays a string literal);
        one wholly quoted word stands for its content. Runs split by options are joined by a space."""
        if len(toks) == 1 and wholly_quoted(toks[0]):
            return toks[0].value
        index = {id(t): n for n, t in enumerate(self.all_tokens)}
        runs: list[list[Token]] = []
        for tok in toks:
            if runs and index[id(tok)] == index[id(runs[-1][-1])] + 1:
                runs[-1].append(tok)
            else:
                runs.append([tok])
        source = self.text
        return " ".join(source[run[0].start:run[-1].end] if source else " ".join(t.raw for t in run) for run in runs)

    def _convert(self, param: Param, tok: Token, what: str) -> Any:
        try:
            return convert(param, tok.value, what)
        except KindError as exc:
            hint = exc.hint
            if param.kind in _JSON_KINDS and _split_json(tok):
                shown = self.text[:tok.start].strip() if self.text else f"{self.command.name} ..."
                close = "}" if tok.value.startswith("{") else "]"
                self.fail(f"{what} was split into words at its spaces, so it is not one JSON value", tok.column,
                          f"quote the JSON: {shown} '{tok.value[0]}…{close}'")
                return None
            self.fail(exc.message, tok.column, hint)
            return None

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


_JSON_KINDS = (Kind.JSON, Kind.VECTORS, Kind.QUERY_VECTOR)


def _split_json(tok: Token) -> bool:
    """A word that opens more JSON brackets than it closes: JSON typed unquoted, split at a space."""
    text = tok.value
    if not text.startswith(("{", "[")) or wholly_quoted(tok):
        return False
    return text.count("{") + text.count("[") > text.count("}") + text.count("]")


def _number_like(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


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


@dataclass(frozen=True)
class AtCursor:
    """The statement around the cursor and the word being typed (empty when the cursor follows a space)."""

    statement: Bound  # includes ``current``, as its last word
    current: Word
    before: tuple[Token, ...]  # the statement's tokens before the current word

    @property
    def replace_from(self) -> int:
        """Offset in the text where the current word's raw text begins (after ``=`` in ``--opt=value``)."""
        return self.current.token.start

    def options_closed(self) -> bool:
        """Whether a lone ``--`` before the cursor ended the options."""
        return any(w.role is Role.END_OF_OPTIONS for w in self.statement.words[:-1])

    def given_before(self) -> dict[str, Any]:
        """The values typed before the current word."""
        return Bound(self.statement.command, self.statement.words[:-1]).given()


def at_cursor(text: str, table: CommandTable, statements: Sequence[Statement] | None = None,
              bounds: Sequence[Bound] | None = None) -> AtCursor | None:
    """What is being typed at the end of ``text`` (the text before the cursor); None inside a comment.

    ``statements`` and ``bounds`` are the line's own, when already worked out (line.py): a line that
    ends in a word is then not bound again."""
    statements = statements if statements is not None else tokenize(text, partial=True)
    last = statements[-1]
    if last.end < len(text):  # the rest of the line is a comment
        return None
    tokens = last.tokens
    if tokens and tokens[-1].end == len(text):
        before, current = tokens[:-1], tokens[-1]
        statement = bounds[-1] if bounds is not None else bind(tokens, table, text)
    else:
        before, current = tokens, Token("", len(text), len(text))
        statement = bind(tuple(before) + (current,), table, text)
    return AtCursor(statement, statement.words[-1], tuple(before))


def bind_line(text: str, table: CommandTable, partial: bool = True,
              statements: Sequence[Statement] | None = None) -> list[Bound]:
    """Every statement of ``text``, bound (``partial`` tolerates an unclosed quote); ``statements``
    are its tokens when already split."""
    statements = statements if statements is not None else tokenize(text, partial=partial)
    return [bind(stmt.tokens, table, text, stmt.end) for stmt in statements]
