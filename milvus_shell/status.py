"""What the prompt and the bottom toolbar say: the active alias and where it points, the state of the
connections, and the syntax of the command being typed. Formatted text as (style, text) pairs."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Callable, Sequence

from .addresses import DEFAULT_PORT

if TYPE_CHECKING:
    from .line import LineModel
    from .table import CommandTable
    from .registry import ConnectionRegistry

Fragments = list[tuple[str, str]]

MAX_WHERE = 40  # characters of address/database shown in the prompt


def lost_kinds() -> frozenset[str]:
    """Transport failures only: a server's refusal is an answer (wording loads after the first prompt)."""
    from .wording import NO_ANSWER_KINDS  # noqa: PLC0415

    return NO_ANSWER_KINDS


class ConnectionHealth:
    """Aliases that stopped answering: a command failed with no answer from the server.

    A lost alias is re-checked in the background (``check``, a ping bounded by the call timeout)
    every ``interval`` seconds until it answers or is disconnected; ``on_change`` is told (the prompt
    redraws). This is the only network traffic the shell makes on its own, and only after a failure.
    """

    def __init__(
        self,
        check: Callable[[str], object] | None = None,
        is_live: Callable[[str], bool] = lambda alias: True,
        interval: float = 2.0,
    ) -> None:
        self.check = check
        self.is_live = is_live
        self.interval = interval
        self.on_change: Callable[[], None] = lambda: None
        self._lost: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def record(self, alias: str | None, error: BaseException | None) -> None:
        """After a command on ``alias``: a no-answer failure marks it lost, a success clears that."""
        if alias is None:
            return
        if error is None:
            self._clear(alias)
        elif getattr(error, "kind", None) in lost_kinds():
            with self._lock:
                if alias in self._lost:
                    return
                self._lost.add(alias)
            if self.check is not None:
                threading.Thread(target=self._watch, args=(alias,), name=f"recheck-{alias}", daemon=True).start()

    def is_lost(self, alias: str) -> bool:
        with self._lock:
            return alias in self._lost

    def close(self) -> None:
        self._stop.set()

    def _clear(self, alias: str) -> None:
        with self._lock:
            if alias not in self._lost:
                return
            self._lost.discard(alias)
        self.on_change()

    def _watch(self, alias: str) -> None:
        while self.is_lost(alias) and not self._stop.wait(self.interval):
            if not self.is_live(alias):
                self._clear(alias)
                return
            try:
                self.check(alias)  # type: ignore[misc]
            except Exception:  # noqa: BLE001 - still no answer; look again later
                continue
            self._clear(alias)


def short_where(address: str, database: str) -> str:
    """``localhost`` for localhost:19530, a Lite data folder by its name, ``/db`` unless default."""
    where = address
    for scheme in ("http://", "tcp://", "grpc://"):
        if where.startswith(scheme):
            where = where[len(scheme):]
    if where.endswith(f":{DEFAULT_PORT}"):
        where = where[: -len(f":{DEFAULT_PORT}")]
    if where.startswith("/"):
        where = os.path.basename(where.rstrip("/")) or where
    elif where.startswith("unix:"):
        where = "unix:" + os.path.basename(where[len("unix:"):])
    if database and database != "default":
        where += "/" + database
    if len(where) > MAX_WHERE:
        keep = MAX_WHERE - 1
        where = where[: keep - keep // 3] + "…" + where[-(keep // 3):]
    return where


def prompt_fragments(registry: "ConnectionRegistry", health: ConnectionHealth,
                     connecting: str | None = None, template: str = "") -> Fragments:
    """``milvus ALIAS@where> `` with the alias in the active-alias style, ``milvus ALIAS (connecting)> ``
    while the start's connection is made, or ``milvus (not connected)> ``. ``template`` (the prompt
    setting, with {alias} {host} {db}) replaces the first form."""
    if connecting:
        return [("class:prompt.program", "milvus "), ("class:prompt.alias", connecting),
                ("class:prompt.lost", " (connecting)"), ("", "> ")]
    active = registry.active
    view = registry.view(active) if active else None
    if view is None:
        return [("class:prompt.idle", "milvus (not connected)"), ("", "> ")]
    if template:
        return templated(template, view.alias, short_where(view.address, ""), view.database,
                         health.is_lost(view.alias))
    fragments = [
        ("class:prompt.program", "milvus "),
        ("class:prompt.alias", view.alias),
        ("class:prompt.where", "@" + short_where(view.address, view.database)),
    ]
    if health.is_lost(view.alias):
        fragments.append(("class:prompt.lost", " (lost)"))
    return fragments + [("", "> ")]


def templated(template: str, alias: str, host: str, db: str, lost: bool) -> Fragments:
    """The prompt setting's template filled in; an unknown {field} or a stray brace stays as typed."""
    import string  # noqa: PLC0415

    values = {"alias": ("class:prompt.alias", alias), "host": ("class:prompt.where", host),
              "db": ("class:prompt.where", db or "default")}
    fragments: Fragments = []
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return [("class:prompt.program", template)]
    for literal, name, spec, conversion in parts:
        if literal:
            fragments.append(("class:prompt.program", literal))
        if name is None:
            continue
        if name in values:
            fragments.append(values[name])
        else:
            fragments.append(("class:prompt.program", "{" + name + (f"!{conversion}" if conversion else "")
                              + (f":{spec}" if spec else "") + "}"))
    if lost:
        fragments.append(("class:prompt.lost", "(lost) "))
    return fragments


def state_fragments(registry: "ConnectionRegistry", health: ConnectionHealth) -> Fragments:
    live = len(registry.aliases(connected_only=True))
    count = f"{live} live alias{'es' if live != 1 else ''}"
    active = registry.active
    if active is None:
        return [("class:bottom-toolbar.state", f" not connected · {count} ")]
    if health.is_lost(active):
        return [("class:bottom-toolbar.state.lost", f" {active}: lost (no answer) "), ("", f"· {count} ")]
    view = registry.view(active)
    profile = f" (profile {view.profile})" if view is not None and view.profile else ""
    return [("class:bottom-toolbar.state.connected", f" {active}: connected{profile} · {count} ")]


def syntax_fragments(text: str, table: "CommandTable", width: int, lines: "LineModel | None" = None) -> Fragments:
    """The syntax of the command being typed, the parameter at the cursor marked, fitted to ``width``.
    ``lines`` is the prompt's line model (one made for this call when None)."""
    from .binder import Role  # noqa: PLC0415 - the toolbar comes after the first paint
    from .line import LineModel  # noqa: PLC0415

    here = (lines or LineModel(table)).understand(text).at_end
    if here is None or here.statement.command is None:
        return []
    command = here.statement.command
    current = here.current.param if here.current.role is not Role.COMMAND else None
    if here.current.role is Role.UNKNOWN_OPTION:  # an option being typed: mark it once it is unambiguous
        typed = here.current.token.value
        fits = [o for o in command.options if o.name.startswith(typed)]
        current = fits[0] if len(fits) == 1 else None
    parts = command.syntax_parts()
    marked = next((i for i, (param, _) in enumerate(parts) if param is not None and param is current), None)
    first = _first_shown(parts, marked, width)
    fragments: Fragments = [("", "… ")] if first > 0 else []
    used = 2 if first > 0 else 0
    for i, (_, part) in enumerate(parts[first:], first):
        if used + len(part) + 1 > width - 2 and (marked is None or i > marked):
            fragments.append(("", "…"))  # the rest does not fit
            break
        style = "class:bottom-toolbar.syntax.current" if i == marked else "class:bottom-toolbar.syntax"
        fragments += [(style, part), ("", " ")]
        used += len(part) + 1
    return fragments


def _first_shown(parts: Sequence[tuple[object, str]], marked: int | None, width: int) -> int:
    """The first part to show so that the marked one fits in ``width`` columns."""
    if marked is None:
        return 0
    used = sum(len(p) + 1 for _, p in parts[: marked + 1])
    first = 0
    while used > width - 2 and first < marked:
        used -= len(parts[first][1]) + 1
        first += 1
    return first


HINT = " Tab completes · ↑ and Ctrl-R search history · Ctrl-D leaves"


def toolbar_fragments(
    registry: "ConnectionRegistry", health: ConnectionHealth, table: "CommandTable", text: str, width: int,
    extra: Sequence[Callable[[], Fragments]] = (), lines: "LineModel | None" = None,
) -> Fragments:
    """State, live aliases, anything ``extra`` adds (a cache refreshing, say), then the syntax hint."""
    fragments = state_fragments(registry, health)
    for part in extra:
        fragments += part()
    used = sum(len(t) for _, t in fragments)
    syntax = syntax_fragments(text, table, max(width - used - 3, 20), lines) if text.strip() else []
    fragments += [("", "│ ")] + syntax if syntax else [("class:bottom-toolbar.hint", "│" + HINT)]
    return fragments
