"""Completion: a keystroke that opens or narrows the completion menu, with many collections on the
server and a big history file, in a pseudo-terminal and in-process; the history suggestion's cost."""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .common.report import Report, log, verdict
from .common.servers import Servers, pymilvus_client, quiet_pymilvus
from .common.shells import (
    FLOOR_PROMPT, SHELL_PROMPT, floor_argv, history_path, interactive_shell, run_ok, shell_argv, wait_metadata,
    write_history,
)
from .common.stats import Stat, fmt_seconds, spread, spread_iqr
from .common.term import Term, terminal_env

if TYPE_CHECKING:
    from .common.servers import LiteServer


def ensure_collections(server: "LiteServer", names: "Names") -> None:
    """The collections coll_00000… (int64 id + 4-dim vector); creates only the missing ones."""
    quiet_pymilvus()
    from pymilvus import DataType, MilvusClient

    client = pymilvus_client(server.address)
    have = set(client.list_collections(timeout=60))
    wanted = names.all()
    missing = [name for name in wanted if name not in have]
    if missing:
        log(f"creating {len(missing):,} collections (once; kept in {server.db_dir})")
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
        began = time.perf_counter()
        for i, name in enumerate(missing, 1):
            client.create_collection(name, schema=schema, timeout=60)
            if i % 1000 == 0:
                log(f"  {i:,} / {len(missing):,} ({i / (time.perf_counter() - began):.0f}/s)")
        log(f"created {len(missing):,} collections in {time.perf_counter() - began:.0f} s")
    client.close()


@dataclass(frozen=True)
class Names:
    """The collections coll_00000… on the server: ``count`` of them, a power of ten (1,000 at least,
    so that a prefix's menu runs below the fold). ``base`` is what every name starts with, ``digits``
    how many digits vary: 10,000 → coll_0 + 4 digits."""

    count: int

    def __post_init__(self) -> None:
        if self.count < 1000 or self.count > 100_000 or 10 ** self.digits != self.count:
            raise ValueError(f"--collections must be 1000, 10000 or 100000, not {self.count:,}")

    @property
    def digits(self) -> int:
        return len(str(self.count)) - 1

    @property
    def base(self) -> str:
        return "coll_" + "0" * (5 - self.digits)

    def all(self) -> list[str]:
        return [f"coll_{i:05d}" for i in range(self.count)]


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    names = Names(args.collections)
    data = cache / f"lite-{names.count}-collections"
    with servers.lite(data, ready_timeout=300) as server, \
            tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        ensure_collections(server, names)
        completion_in_process(report, args, server, names, Path(home))
        completion_in_pty(report, args, server, names)


def history_source(count: int) -> list[str]:
    """What the shell's history file reader (history.read_entries) makes of a ``count``-entry file."""
    from milvus_shell.history import read_entries

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history"
        write_history(path, count)
        return read_entries(path)


def completion_in_process(report: Report, args: argparse.Namespace, server: "LiteServer", names: Names,
                          home: Path) -> None:
    """In-process completion timings, with the REPL's sources over a shell wired as the REPL's."""
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from milvus_shell import repl
    from milvus_shell.commands.spec import Kind
    from milvus_shell.completion import ShellCompleter

    with interactive_shell(home) as shell:
        began = time.perf_counter()
        run_ok(shell, f"connect bench {server.address}")
        wait_metadata(shell, 300)
        loaded = time.perf_counter() - began
        known = shell.ctx.metadata.names(None, Kind.COLLECTION)
        report.row(f"Metadata cache filled in the background after `connect` ({len(known):,} collections)",
                   fmt_seconds(loaded) + " (n=1)", budget="off the UI thread")
        entries = history_source(args.history)
        history = type("History", (), {"get_strings": staticmethod(lambda: entries)})()
        sources = repl.completion_sources(shell, history)
        if Kind.COLLECTION not in sources:
            raise RuntimeError(f"no collection value source among the REPL's: {', '.join(k.value for k in sources)}")
        completer = ShellCompleter(shell.ctx.table, sources, shell.ctx.lines)
        narrow = names.base + "1234"[:names.digits - 1]  # coll_0123: 10 names
        wide = names.base + "1"  # coll_01: a tenth of them
        cases = [(f"describe {narrow}", "10 matches"), (f"describe {wide}", f"{names.count // 10:,} matches"),
                 ("describe ", f"all {len(known):,}"), ("describe zzz", "no match")]
        for text, what in cases:
            stat = Stat()
            got = 0
            for _ in range(args.completion_calls):
                doc = Document(text, len(text))
                t0 = time.perf_counter()
                got = len(list(completer.get_completions(doc, CompleteEvent(completion_requested=True))))
                stat.add(time.perf_counter() - t0)
            ok = stat.median < 5e-3
            report.row(f"In-process `get_completions` for `{text}` ({what}; {got:,} completions)",
                       spread_iqr(stat, fmt_seconds), budget="a few ms",
                       verdict=verdict(ok, fmt_seconds(stat.median)))
        auto_suggest_cost(report, args, entries)


def auto_suggest_cost(report: Report, args: argparse.Namespace, entries: list[str]) -> None:
    """The history suggestion computed on every keystroke (on ThreadedAutoSuggest's thread, but
    holding the GIL the screen needs): the shell's own, and prompt_toolkit's for scale."""
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.document import Document

    from milvus_shell.history import RecentHistorySuggest

    buffer = type("Buf", (), {})()
    buffer.history = type("H", (), {"get_strings": staticmethod(lambda: entries)})()
    suggesters = [("the shell's `RecentHistorySuggest`", RecentHistorySuggest(), True),
                  ("prompt_toolkit's `AutoSuggestFromHistory`", AutoSuggestFromHistory(), False)]
    for label, suggest, budgeted in suggesters:
        stat = Stat()
        for _ in range(max(5, args.completion_calls // 10)):
            t0 = time.perf_counter()
            suggest.get_suggestion(buffer, Document("describe zz"))
            stat.add(time.perf_counter() - t0)
        what = f"History suggestion per keystroke, no match, {label} ({len(entries):,} entries loaded of {args.history:,} written)"
        if budgeted:
            report.row(what, spread(stat, fmt_seconds), budget="a few ms",
                       verdict=verdict(stat.median < 5e-3, fmt_seconds(stat.median)))
        else:
            report.row("… for scale: " + what, spread(stat, fmt_seconds))


def completion_in_pty(report: Report, args: argparse.Namespace, server: "LiteServer", names: Names) -> None:
    """Keystrokes in a real pty with the server's names known; time until the menu is drawn.

    Run twice: with the big history file and with none, to show what history costs per keystroke.
    The history's names (hist_…) never match the server's (coll_…), so history auto-suggest scans
    every entry on every keystroke: the worst case.
    """
    full = menu_latencies(server, names, args.history, args.keystrokes)
    empty = menu_latencies(server, names, 0, max(3, args.keystrokes // 2))
    where = f"{args.collections:,} collections"
    hist = f"{args.history:,}-entry history"
    for stats, label in ((full, hist), (empty, "empty history")):
        if stats["narrow"]:
            med = stats["narrow"].median
            report.row(f"pty: one key with the menu open (`describe {names.base}D` + `D`) → narrowed menu drawn "
                       f"({where}, {label})", spread(stats["narrow"], fmt_seconds), "no name completion",
                       "a few ms", verdict(med < 10e-3, fmt_seconds(med)))
        if stats["tab"]:
            med = stats["tab"].median
            report.row(f"pty: Tab after `describe {names.base}DD` → menu drawn ({where}, {label})",
                       spread(stats["tab"], fmt_seconds), "no name completion", "a few ms",
                       verdict(med < 10e-3, fmt_seconds(med)))
        med = stats["all"].median
        report.row(f"pty: the space after `describe` → menu of all {args.collections:,} names drawn ({label})",
                   spread(stats["all"], fmt_seconds), "no name completion", "a few ms",
                   verdict(med < 10e-3, fmt_seconds(med)))
        med = stats["echo"].median
        report.row(f"pty: a plain keystroke → echoed on screen ({label})", spread(stats["echo"], fmt_seconds),
                   budget="a few ms", verdict=verdict(med < 10e-3, fmt_seconds(med)))
    floor = echo_floor(max(3, args.keystrokes // 2))
    report.row("… for scale: a plain keystroke echoed by a bare prompt_toolkit `PromptSession().prompt()`",
               spread(floor, fmt_seconds))
    if not full["narrow"]:
        report.note("the menu does not open while typing, so the pty figures are for Tab")


def echo_floor(iterations: int) -> Stat:
    """Keystroke-to-echo of a bare prompt_toolkit prompt in the same pty: what any such shell pays."""
    stat = Stat()
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        term = Term(floor_argv(), terminal_env(Path(tmp)), cwd=tmp)
        try:
            term.wait(FLOOR_PROMPT, 30)
            term.drain(0.5)
            for _ in range(iterations):
                term.send("connections")
                term.wait_screen("connections", 10)
                term.drain(0.3)
                t0 = term.send("Z")
                stat.add(term.wait_screen("connectionsZ", 10) - t0)
                term.drain(0.3)
                term.send("\x15")  # Ctrl-U: drop the line
                term.drain(0.3)
        finally:
            term.close("\x03")
    return stat


def menu_latencies(server: "LiteServer", names: Names, history: int, iterations: int) -> dict[str, Stat]:
    """Each figure runs from writing the key to the pty until the screen (as a terminal would show
    it) holds text that only the new state has."""
    stats = {k: Stat() for k in ("narrow", "tab", "all", "echo")}
    log(f"completion in a pty: {iterations} rounds, history of {history:,} entries")
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        home = Path(tmp)
        if history:
            write_history(history_path(home), history)
        term = Term(shell_argv() + [server.address], terminal_env(home), cwd=tmp)

        def timed(stat: Stat, keys: str, shown: str) -> None:
            if term.on_screen(shown):  # would match at once: the screen was not as expected
                raise RuntimeError(f"{shown!r} is on screen before the key was sent:\n{term.screen.text()}")
            t0 = term.send(keys)
            stat.add(term.wait_screen(shown, 10) - t0)
            term.drain(0.3)

        try:
            term.wait(SHELL_PROMPT, 60)
            term.drain(0.5)
            while_typing = wait_for_names(term, names)
            base, k = names.base, names.digits
            rng = random.Random(3)
            for _ in range(iterations):
                d1 = rng.randrange(10)
                d2 = rng.randrange(5, 10)  # coll_0{d1}{d2}xx is below the visible part of coll_0{d1}'s menu
                if while_typing:
                    # the menu is open (coll_0D…): one more key narrows it
                    term.send(f"describe {base}{d1}")
                    term.wait_screen(rf"{base}{d1}\d{{{k - 1}}}", 10)
                    term.drain(0.3)
                    timed(stats["narrow"], str(d2), rf"{base}{d1}{d2}{'0' * (k - 3)}\d")
                else:
                    # Tab on a typed prefix
                    term.send(f"describe {base}{d1}{d2}")
                    term.wait_screen(f"{base}{d1}{d2}", 10)
                    term.drain(0.3)
                    timed(stats["tab"], "\t", rf"{base}{d1}{d2}\d{{{k - 2}}}")
                clear_line(term)
                # all names: the space after `describe` (plus Tab when the menu does not open by itself)
                term.send("describe")
                term.wait_screen("describe", 10)
                term.drain(0.3)
                timed(stats["all"], " " if while_typing else " \t", r"coll_0000\d")
                clear_line(term)
                # a plain keystroke, no menu: time to its echo
                term.send("connections")
                term.wait_screen("connections", 10)
                term.drain(0.3)
                timed(stats["echo"], "Z", "connectionsZ")
                clear_line(term)
        finally:
            term.close()
    return stats


def clear_line(term: Term) -> None:
    """Ctrl-C: the shell drops the line (and its menu); wait until the screen is still."""
    term.send("\x03")
    term.drain(0.4)


def wait_for_names(term: Term, names: Names, limit: float = 300) -> bool:
    """Wait until the shell completes collection names; True when the menu opens while typing."""
    deadline = time.monotonic() + limit
    last = names.base + "9" * (names.digits - 2)  # coll_099: the last hundred names
    before = names.base + "9" * (names.digits - 3) + "8"  # coll_098: the hundred before them
    while True:  # Tab until the menu lists collections: the names have arrived
        term.send(f"describe {last}")
        term.wait_screen(last, 10)
        term.drain(0.3)
        term.send("\t")
        try:
            term.wait_screen(rf"{last}\d\d", 3)
            clear_line(term)
            break
        except TimeoutError:
            clear_line(term)
            if time.monotonic() > deadline:
                raise
    term.send(f"describe {before}")
    try:
        term.wait_screen(rf"{before}\d\d", 2)
        return True
    except TimeoutError:
        return False
    finally:
        clear_line(term)

