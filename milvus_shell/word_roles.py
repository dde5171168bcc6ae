"""What each word of a line is (command word, option, option value, argument), by the command table.

The parser answers "is this line valid?"; this module answers "what is this word?" for lines that are
unfinished or wrong, the way the completer, the highlighter and the toolbar need it. It binds words
exactly as the parser does (options, ``--``, a command's ``rebind`` rule) but never raises.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Sequence, Union

from .commands.spec import Command, Kind, Option, Positional
from .parser import (
    CommandTable, Token, assign_positionals, is_end_of_options, looks_like_option, split_option, tokenize,
)

MAX_COMMAND_WORDS = 3  # the parser looks at most this many words for a command name

Param = Union[Positional, Option]


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


@dataclass(frozen=True)
class StatementWords:
    """One statement's words in order; ``command`` is None when the words name no command."""

    command: Command | None
    words: tuple[Word, ...]

    def values(self) -> dict[str, Any]:
        """What was given so far: positional name or option key -> text (a list for repeats)."""
        given: dict[str, Any] = {}
        for word in self.words:
            if word.role in (Role.ARGUMENT, Role.VALUE) and word.param is not None:
                key = word.param.name if isinstance(word.param, Positional) else word.param.key
                if word.param.repeat:
                    given.setdefault(key, []).append(word.token.value)
                else:
                    given[key] = word.token.value
        return given


def command_words(tokens: Sequence[Token]) -> list[str]:
    """The leading unquoted words that may make up a command name."""
    words = []
    for tok in tokens[:MAX_COMMAND_WORDS]:
        if tok.quoted:
            break
        words.append(tok.value)
    return words


def is_command_prefix(words: Sequence[str], table: CommandTable) -> bool:
    """Whether ``words`` are the leading words of some longer command name (``show`` of ``show collections``)."""
    k = len(words)
    low = tuple(w.lower() for w in words)
    return any(len(c.words) > k and c.words[:k] == low for c in table.commands)


def classify(tokens: Sequence[Token], table: CommandTable) -> StatementWords:
    """The role of every token of one statement."""
    command, used = table.match(command_words(tokens))
    if command is None:
        return StatementWords(None, tuple(_without_command(tokens, table)))
    words = [Word(tok, Role.COMMAND) for tok in tokens[:used]]
    words += _bind(command, tokens[used:])
    return StatementWords(command, tuple(words))


def _without_command(tokens: Sequence[Token], table: CommandTable) -> list[Word]:
    leading = command_words(tokens)
    k = 0
    while k < len(leading) and is_command_prefix(leading[: k + 1], table):
        k += 1
    words = [Word(t, Role.COMMAND_PREFIX) for t in tokens[:k]]
    return words + [Word(t, Role.UNKNOWN_COMMAND if i == 0 else Role.EXTRA) for i, t in enumerate(tokens[k:])]


def _bind(command: Command, tokens: Sequence[Token]) -> list[Word]:
    """Options and their values as the parser binds them; positionals by order (and ``rebind``)."""
    words: list[Word] = []
    positional: list[Token] = []
    only_positionals = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if not only_positionals and is_end_of_options(tok):
            only_positionals = True
            words.append(Word(tok, Role.END_OF_OPTIONS))
            continue
        if only_positionals or not looks_like_option(tok):
            positional.append(tok)
            words.append(Word(tok, Role.ARGUMENT))  # its parameter is filled in below
            continue
        name, inline = split_option(tok)
        option = command.option(name)
        if option is None:
            words.append(Word(tok, Role.UNKNOWN_OPTION))
            continue
        if inline is not None:
            words.append(Word(Token(name, tok.start, inline.start - 1, raw=name), Role.OPTION, option))
            if not option.is_flag:
                words.append(Word(inline, Role.VALUE, option))
            continue
        words.append(Word(tok, Role.OPTION, option))
        if not option.is_flag and i < len(tokens) and not looks_like_option(tokens[i]):
            words.append(Word(tokens[i], Role.VALUE, option))
            i += 1
    params = _positional_params(command, positional)
    return [
        Word(w.token, Role.ARGUMENT if id(w.token) in params else Role.EXTRA, params.get(id(w.token)))
        if w.role is Role.ARGUMENT else w
        for w in words
    ]


def _positional_params(command: Command, tokens: list[Token]) -> dict[int, Positional]:
    """id(token) -> the positional it binds to, after the command's ``rebind`` rule."""
    bound, _ = assign_positionals(command, tokens)
    if command.rebind is not None:
        try:
            bound = command.rebind(bound)
        except Exception:  # noqa: BLE001 - a rebind rule written for whole lines may not like a partial one
            pass
    by_name = {p.name: p for p in command.positionals}
    params: dict[int, Positional] = {}
    for name, value in bound.items():
        pos = by_name.get(name)
        if pos is None:
            continue
        for tok in value if isinstance(value, list) else [value]:
            params[id(tok)] = pos
    return params


@dataclass(frozen=True)
class AtCursor:
    """The statement around the cursor and the word being typed (empty when the cursor follows a space)."""

    statement: StatementWords  # includes ``current``, as its last word
    current: Word
    before: tuple[Token, ...]  # the statement's tokens before the current word

    @property
    def replace_from(self) -> int:
        """Offset in the text where the current word's raw text begins (after ``=`` in ``--opt=value``)."""
        return self.current.token.start

    def options_closed(self) -> bool:
        """Whether a lone ``--`` before the cursor ended the options."""
        return any(w.role is Role.END_OF_OPTIONS for w in self.statement.words[:-1])


def at_cursor(text: str, table: CommandTable) -> AtCursor | None:
    """What is being typed at the end of ``text`` (the text before the cursor); None inside a comment."""
    statements = tokenize(text, partial=True)
    last = statements[-1]
    if last.end < len(text):  # the rest of the line is a comment
        return None
    tokens = last.tokens
    if tokens and tokens[-1].end == len(text):
        before, current = tokens[:-1], tokens[-1]
    else:
        before, current = tokens, Token("", len(text), len(text))
    statement = classify(tuple(before) + (current,), table)
    return AtCursor(statement, statement.words[-1], tuple(before))
