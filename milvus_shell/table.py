"""The command table: every command, looked up by its (possibly multi-word) name. The one place
where command names are matched, so the parser, completer, highlighter and help agree."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from .commands.spec import Command, Kind
from .errors import ParseError
from .tokens import Token

MAX_COMMAND_WORDS = 3  # a command name has at most this many words


@dataclass(frozen=True)
class NextWord:
    """A word that may follow the words typed so far, and the command it completes (None: a group)."""

    word: str
    command: Command | None
    summary: str


class CommandTable:
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
        low = tuple(w.lower() for w in words[:MAX_COMMAND_WORDS])
        best: tuple[Command | None, int] = (None, 0)
        for cmd in self.commands:
            k = len(cmd.words)
            if k <= len(low) and low[:k] == cmd.words and k > best[1]:
                best = (cmd, k)
        return best

    def under(self, words: Sequence[str]) -> list[Command]:
        """Commands whose names start with ``words`` and go on further (``show`` -> show databases, ...)."""
        low = tuple(w.lower() for w in words)
        k = len(low)
        return [c for c in self.commands if len(c.words) > k and c.words[:k] == low]

    def next_words(self, typed: Sequence[str], partial: str = "") -> Iterator[NextWord]:
        """Each distinct word that may come after ``typed`` and starts with ``partial``."""
        k = len(typed)
        seen: set[str] = set()
        for cmd in self.under(typed):
            word = cmd.words[k]
            if word in seen or not word.startswith(partial.lower()):
                continue
            seen.add(word)
            whole = len(cmd.words) == k + 1
            yield NextWord(word, cmd if whole else None, cmd.summary if whole else self._group_meta(cmd.words[:k + 1]))

    def _group_meta(self, words: Sequence[str]) -> str:
        """What a command word that begins several commands leads to: "create: alias, collection, …"."""
        after = sorted({c.words[len(words)] for c in self.under(words) if len(c.words) > len(words)})
        return f"{' '.join(words)}: {', '.join(after)}"

    def is_prefix(self, words: Sequence[str]) -> bool:
        return bool(self.under(words))

    def begins(self, typed: Sequence[str], partial: str) -> bool:
        """Whether ``partial`` may still grow into the next word of a command after ``typed``."""
        return any(True for _ in self.next_words(typed, partial))

    def unknown_command(self, tokens: Sequence[Token]) -> ParseError:
        first = tokens[0]
        word = first.value.lower()
        groups = sorted(c.name for c in self.under([word]))
        if groups:
            shown = " ".join(t.value for t in tokens[:2])
            close = difflib.get_close_matches(shown.lower(), groups, n=2, cutoff=0.8) if len(tokens) > 1 else []
            return ParseError(f"unknown command {shown!r}", first.column,
                              "did you mean " + " or ".join(close or groups) + "?")
        rest = [t.value.lower() for t in tokens[1:MAX_COMMAND_WORDS]]
        same_rest = sorted(c.name for c in self.commands
                           if len(c.words) > 1 and rest[:len(c.words) - 1] == [w.lower() for w in c.words[1:]])
        if same_rest:  # list collections -> show collections
            shown = " ".join(t.value for t in tokens[:len(same_rest[0].split())])
            return ParseError(f"unknown command {shown!r}", first.column,
                              "did you mean " + " or ".join(same_rest) + "?")
        firsts = sorted({c.words[0] for c in self.commands})
        close = difflib.get_close_matches(word, firsts, n=1, cutoff=0.6)
        hint = ("did you mean " + " or ".join(close) + "?") if close else "type help for the list of commands"
        return ParseError(f"unknown command {first.value!r}", first.column, hint)


def command_words(tokens: Sequence[Token]) -> list[str]:
    """The leading unquoted words that may make up a command name."""
    words = []
    for tok in tokens[:MAX_COMMAND_WORDS]:
        if tok.quoted:
            break
        words.append(tok.value)
    return words
