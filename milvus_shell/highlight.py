"""A pygments lexer built from the command table, the style that colors it, and the masking of
secret values on screen.

Command words, options, values by kind, strings, numbers and alias names each get a token type; an
alias is ``Name.Alias.Active`` (the active one), ``.Known`` (another alias of the registry) or
``.Unknown`` (no such alias: the error style). A word still being typed at the end of the line is not
flagged as an error while it is the beginning of something valid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from prompt_toolkit.layout.utils import explode_text_fragments
from prompt_toolkit.layout.processors import Processor, Transformation, TransformationInput
from pygments.lexer import Lexer
from pygments.token import Comment, Error, Keyword, Name, Number, Punctuation, String, Text, Whitespace
from pygments.token import _TokenType

from .binder import Bound, Role, Word
from .commands.spec import Kind
from .kinds import style_of
from .line import LineModel
from .table import CommandTable

if TYPE_CHECKING:
    from .registry import ConnectionRegistry

ActiveAlias = Name.Alias.Active
KnownAlias = Name.Alias.Known
UnknownAlias = Name.Alias.Unknown

# How each style of the kinds table (kinds.py) looks.
STYLE_TOKENS: dict[str, _TokenType] = {
    "name": Name,
    "alias": Name,  # aliases are told apart by the registry (_alias_token)
    "number": Number,
    "constant": Name.Constant,
    "string": String,
    "keyword": Keyword,
}


class ShellLexer(Lexer):
    """Lexes milvus-shell lines by the command table; aliases are checked against ``registry``."""

    name = "milvus-shell"

    def __init__(
        self,
        table: CommandTable,
        registry: "ConnectionRegistry | None" = None,
        lines: LineModel | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.table = table
        self.registry = registry
        self.lines = lines or LineModel(table)

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        aliases = self._aliases()
        spans: list[tuple[int, int, _TokenType]] = []
        for words in self.lines.understand(text).bound:
            for word in words.words:
                at_end = word.token.end == len(text)
                spans.append((word.token.start, word.token.end, self._token(word, words, aliases, at_end)))
        position = 0
        for start, end, token in spans:
            yield from _gap(text, position, start)
            yield start, token, text[start:end]
            position = end
        yield from _gap(text, position, len(text))

    def _aliases(self) -> tuple[str | None, frozenset[str]]:
        if self.registry is None:
            return None, frozenset()
        return self.registry.active, frozenset(self.registry.aliases())

    def _token(
        self, word: Word, words: Bound, aliases: tuple[str | None, frozenset[str]], at_end: bool
    ) -> _TokenType:
        role, value = word.role, word.token.value
        if role in (Role.COMMAND, Role.COMMAND_PREFIX):
            return Keyword
        if role is Role.UNKNOWN_COMMAND:
            typed = [w.token.value for w in words.words if w.role is Role.COMMAND_PREFIX]
            return Text if at_end and self.table.begins(typed, value) else Error
        if role in (Role.OPTION, Role.END_OF_OPTIONS):
            return Name.Attribute
        if role is Role.UNKNOWN_OPTION:
            options = words.command.options if words.command else ()
            return Text if at_end and any(o.name.startswith(value) for o in options) else Error
        if role is Role.EXTRA:
            return Text if words.command is None else Error
        kind = word.kind
        if kind is Kind.ALIAS:
            return self._alias_token(word, aliases, at_end)
        if word.token.quoted:
            return String
        return STYLE_TOKENS[style_of(kind)] if kind is not None else Text

    def _alias_token(self, word: Word, aliases: tuple[str | None, frozenset[str]], at_end: bool) -> _TokenType:
        active, known = aliases
        value = word.token.value
        if value == active:
            return ActiveAlias
        if value in known:
            return KnownAlias
        if getattr(word.param, "accepts", "known") in ("new", "profile"):
            return Name  # a name the command is about to create, or a profile's
        if at_end and any(a.startswith(value) for a in known):
            return Text
        return UnknownAlias


def _gap(text: str, start: int, end: int) -> Iterator[tuple[int, _TokenType, str]]:
    """The text between words: spaces, ``;``, the ``=`` of ``--opt=value``, or a trailing comment."""
    i = start
    while i < end:
        ch = text[i]
        if ch == "#":
            yield i, Comment, text[i:end]
            return
        j = i + 1
        if ch.isspace():
            while j < end and text[j].isspace():
                j += 1
            yield i, Whitespace, text[i:j]
        else:
            yield i, Punctuation, ch
        i = j


class SecretMasker(Processor):
    """Input processor: the value of a secret option (``--password x``, ``--token=x``) is drawn as
    stars while it is typed, and stays so on the screen once entered."""

    def __init__(self, table: CommandTable, lines: LineModel | None = None) -> None:
        self.table = table
        self.lines = lines or LineModel(table)

    def apply_transformation(self, ti: TransformationInput) -> Transformation:
        spans = self.lines.understand(ti.document.text).secrets
        if not spans:
            return Transformation(ti.fragments)
        line_start = ti.document.translate_row_col_to_index(ti.lineno, 0)
        fragments = explode_text_fragments(ti.fragments)
        for start, end in spans:
            for column in range(max(start - line_start, 0), min(end - line_start, len(fragments))):
                fragment = fragments[column]
                fragments[column] = (fragment[0], "*", *fragment[2:])
        return Transformation(fragments)
