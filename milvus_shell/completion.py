"""Completion derived from the command table, with values from pluggable in-memory sources.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence, Union

from prompt_toolkit.completion import CompleteEvent, Completion, Completer
from prompt_toolkit.document import Document

from .binder import Role, bind_line
from .commands.spec import Command, Kind, Option, Param
from .line import LineModel
from .table import MAX_COMMAND_WORDS, CommandTable

if TYPE_CHECKING:
    from .registry import ConnectionRegistry

MAX_PATHS = 1000  # entries listed from one directory
MAX_COMPLETIONS = 1000  # values offered at once: a longer menu helps no one, typing more narrows it
HISTORY_SCANNED = 5000  # recent history lines mined for addresses


@dataclass(frozen=True)
class Candidate:
    text: str
    meta: str = ""


@dataclass(frozen=True)
class Slot:
    """The word being completed: its command and parameter, what is typed so far, what else was given."""

    command: Command | None
    param: Param | None
    word: str  # typed so far, unquoted
    given: Mapping[str, Any]  # the statement's other values: positional name / option key -> text (list if repeated)

    @property
    def kind(self) -> Kind | None:
        return self.param.kind if self.param is not None else None

    @property
    def accepts(self) -> str:
        """Which values fit: "known" (existing ones), "live" (connected aliases only) or "new" (any)."""
        return getattr(self.param, "accepts", "known")

    def given_for_param(self) -> list[str]:
        """Values already given for this (repeatable) parameter, so they are not offered twice."""
        if self.param is None:
            return []
        value = self.given.get(self.param.key)
        return value if isinstance(value, list) else []


ValueSource = Callable[[Slot], Iterable[Union[Candidate, str]]]


class ShellCompleter(Completer):
    """Command names, the typed command's options, and values by kind from ``sources``."""

    def __init__(self, table: CommandTable, sources: Mapping[Kind, ValueSource] | None = None,
                 lines: LineModel | None = None) -> None:
        self.table = table
        self.sources: dict[Kind, ValueSource] = dict(sources or {})
        self.lines = lines or LineModel(table)  # the prompt's own, shared with the highlighter and toolbar

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor
        here = self.lines.understand(text).at_end
        if here is None:
            return
        current = here.current
        raw = text[here.replace_from:]
        start = here.replace_from - len(text)
        word = current.token.value
        yield from self._command_words(here.before, word, raw, start)
        command = here.statement.command
        if command is None or current.role is Role.COMMAND:
            return
        if not current.token.quoted and word.startswith("-"):
            if not here.options_closed():
                yield from self._options(command, here.statement.words[:-1], word, start)
            return
        if current.role in (Role.ARGUMENT, Role.VALUE):
            slot = Slot(command, current.param, word, here.given_before())
            yield from self._values(slot, raw, start)
        offer_options = word == "" and not here.options_closed() and (
            current.role is not Role.VALUE or getattr(current.param, "value_optional", False)
            or _more_of_an_expression(here.statement.words)
        )
        if offer_options:
            yield from self._options(command, here.statement.words[:-1], word, start)

    def _command_words(self, before: Sequence[Any], word: str, raw: str, start: int) -> Iterator[Completion]:
        """The next word of every command name that the words so far begin."""
        if len(before) >= MAX_COMMAND_WORDS or any(t.quoted for t in before) or raw[:1] in ("'", '"'):
            return
        for nxt in self.table.next_words([t.value for t in before], word):
            yield Completion(nxt.word, start, display_meta=nxt.summary)

    def _options(self, command: Command, earlier: Sequence[Any], word: str, start: int) -> Iterator[Completion]:
        used = {w.param.name for w in earlier if w.role is Role.OPTION and w.param is not None}
        for opt in command.options:
            if opt.name.startswith(word) and (opt.repeat or opt.name not in used):
                yield Completion(opt.name, start, display_meta=opt.help)

    def _values(self, slot: Slot, raw: str, start: int) -> Iterator[Completion]:
        source = self.sources.get(slot.kind) if slot.kind is not None else None
        if source is None:
            return
        quote = raw[:1] if raw[:1] in ("'", '"') else ""
        shown = matching(source(slot), slot.word, substring=slot.kind is not Kind.PATH, limit=MAX_COMPLETIONS)
        for cand in shown:
            yield Completion(quote_word(cand.text, quote), start, display=cand.text, display_meta=cand.meta)


def matching(candidates: Iterable[Candidate | str], word: str, substring: bool = True,
             limit: int | None = None) -> list[Candidate]:
    """Candidates that start with ``word`` (case-insensitively), then, once two characters are typed,
    those that merely contain it; each once, at most ``limit`` of them."""
    low = word.lower()
    look_inside = substring and len(low) > 1
    starts: dict[str, Candidate | str] = {}
    contains: dict[str, Candidate | str] = {}
    for cand in candidates:
        text = cand if isinstance(cand, str) else cand.text
        folded = text.lower()
        if folded.startswith(low):
            starts.setdefault(text, cand)
            if limit is not None and len(starts) >= limit:
                break
        elif look_inside and low in folded:
            contains.setdefault(text, cand)
    chosen = list(starts.values()) + [c for t, c in contains.items() if t not in starts]
    return [c if isinstance(c, Candidate) else Candidate(c) for c in chosen[:limit]]


_NEEDS_QUOTES = set(" \t\n'\"\\;#$`")


def quote_word(text: str, quote: str = "") -> str:
    """``text`` as one word of the shell's syntax; keeps the quote the user opened, if any."""
    if not quote and text and not (_NEEDS_QUOTES & set(text)):
        return text
    if quote == '"' or (not quote and "'" in text):
        return '"' + "".join("\\" + c if c in '\\"$`' else c for c in text) + '"'
    if "'" in text:
        return "'" + text.replace("'", "'\"'\"'") + "'"
    return f"'{text}'"


# -- value sources ----------------------------------------------------------------------------------

def default_sources(
    registry: "ConnectionRegistry", table: CommandTable, history: Callable[[], Sequence[str]] = tuple,
    profiles: Callable[[], Mapping[str, Any]] = dict,
) -> dict[Kind, ValueSource]:
    """The sources that need no server: aliases (and profile names), addresses, paths, choices (the
    formats among them), command names and on/off. Server names come from the metadata cache's."""
    return {
        Kind.ALIAS: alias_source(registry, profiles),
        Kind.PROFILE: profile_source(profiles),
        Kind.ADDRESS: address_source(registry, table, history),
        Kind.PATH: path_source,
        Kind.CHOICE: choice_source,
        Kind.COMMAND: command_source(table),
        Kind.SWITCH: lambda slot: ("on", "off"),
    }


def alias_source(registry: "ConnectionRegistry", profiles: Callable[[], Mapping[str, Any]] = dict) -> ValueSource:
    """Known aliases, connected ones first; only those where the parameter accepts "live" ones.
    Where a new alias goes (connect), also the config file's profiles."""
    def candidates(slot: Slot) -> Iterator[Candidate]:
        given = set(slot.given_for_param())
        seen = set(given)
        for view in sorted(registry.views(), key=lambda v: not v.connected):
            if (slot.accepts == "live" and not view.connected) or view.alias in given:
                continue
            state = "active" if view.active else view.state
            seen.add(view.alias)
            yield Candidate(view.alias, f"{state} · {view.address}" + (f" · profile {view.profile}"
                                                                        if view.profile else ""))
        if slot.accepts == "new":
            yield from _profiles(profiles, seen)

    return candidates


def profile_source(profiles: Callable[[], Mapping[str, Any]] = dict) -> ValueSource:
    """The config file's profiles, each with where it connects."""
    return lambda slot: _profiles(profiles, set(slot.given_for_param()))


def _profiles(profiles: Callable[[], Mapping[str, Any]], skip: set[str]) -> Iterator[Candidate]:
    for name, profile in profiles().items():
        if name not in skip:
            yield Candidate(name, f"profile · {profile.address or profile.lite or 'default address'}")


def address_source(
    registry: "ConnectionRegistry", table: CommandTable, history: Callable[[], Sequence[str]]
) -> ValueSource:
    """Addresses of the known aliases, then those typed in recent commands (newest first)."""
    found_in: dict[str, tuple[str, ...]] = {}  # history line -> the addresses in it (lines do not change)
    recent: list[tuple[int, str, tuple[str, ...]]] = []  # (history length, newest line, addresses) seen last

    def addresses_in(line: str) -> tuple[str, ...]:
        found = found_in.get(line)
        if found is None:
            found = tuple(
                w.token.value
                for bound in bind_line(line, table)
                for w in bound.words
                if w.kind is Kind.ADDRESS and w.role in (Role.ARGUMENT, Role.VALUE)
            )
            found_in[line] = found
        return found

    def from_history() -> tuple[str, ...]:
        lines = history()
        key = (len(lines), lines[-1] if lines else "")
        if recent and recent[0][:2] == key:
            return recent[0][2]
        addresses = tuple(dict.fromkeys(a for line in reversed(lines[-HISTORY_SCANNED:]) for a in addresses_in(line)))
        recent[:] = [(*key, addresses)]
        return addresses

    def candidates(slot: Slot) -> Iterator[Candidate]:
        for view in registry.views():
            yield Candidate(view.address, f"address of {view.alias}")
        for address in from_history():
            yield Candidate(address, "from history")

    return candidates


def path_source(slot: Slot) -> Iterator[Candidate]:
    """Entries of the directory typed so far; directories only where the parameter names a DIR."""
    dirs_only = isinstance(slot.param, Option) and slot.param.metavar == "DIR"
    head, tail = os.path.split(slot.word)
    folder = os.path.expanduser(head) if head else "."
    try:
        with os.scandir(folder) as entries:
            listed = []
            for entry in entries:
                if not entry.name.startswith(tail) or (entry.name.startswith(".") and not tail.startswith(".")):
                    continue
                is_dir = entry.is_dir()
                if dirs_only and not is_dir:
                    continue
                listed.append((entry.name, is_dir))
                if len(listed) >= MAX_PATHS:
                    break
    except OSError:
        return
    for name, is_dir in sorted(listed):
        yield Candidate(os.path.join(head, name) + ("/" if is_dir else ""), "directory" if is_dir else "")


def choice_source(slot: Slot) -> Iterator[Candidate]:
    yield from (Candidate(c) for c in getattr(slot.param, "choices", ()))


def command_source(table: CommandTable) -> ValueSource:
    """For ``help COMMAND``: the next word of the command names the words so far begin."""
    def candidates(slot: Slot) -> Iterator[Candidate]:
        for nxt in table.next_words(slot.given_for_param()):
            yield Candidate(nxt.word, nxt.summary if nxt.command is not None else "")

    return candidates


def _more_of_an_expression(words: Sequence[Any]) -> bool:
    """Whether the word being typed goes on an expression option's value (``--filter a == 1 ``): the
    next option may come now."""
    if len(words) < 2:
        return False
    before, current = words[-2], words[-1]
    return before.role is Role.VALUE and before.param is current.param and current.param.kind is Kind.TEXT
