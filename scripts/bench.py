#!/usr/bin/env python3
"""Benchmark milvus-shell (and, where it can do the same thing, the official milvus_cli).

Measures, each several times, reporting the median and the spread:

  startup     time from process start to the first prompt on screen in a pseudo-terminal, and peak
              memory (VmHWM) at that moment and once the background warm-up has finished;
              the same for milvus_cli 1.2.1, installed into its own virtual environment
  overhead    `connect` to a local Milvus Lite, and the shell's cost on a small command: the
              command through Shell.run_line minus the same calls made directly with pymilvus
  completion  a keystroke that opens the completion menu, with 10,000 collections on the server and
              200,000 entries in the history file: in a pseudo-terminal, and in-process
  script      a 1,000-command script run with -f: commands per second
  query       `query C --limit all --format csv > file` on 1,000,000 and 100,000 rows: rows/s, peak RSS

Servers are Milvus Lite processes on free loopback ports (tests/servers.py), stopped by their own pid.
Data sets (10,000 collections, the row collections) are built once under the cache directory and
reused. Not part of the test suite.

    python scripts/bench.py                               # everything, print the table
    python scripts/bench.py --quick                       # fewer runs
    python scripts/bench.py --write docs/performance.md   # and rewrite the doc
    python scripts/bench.py --only startup,overhead       # some sections
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]

from benchkit import (  # noqa: E402
    Stat, Term, fmt_mb, fmt_rate, fmt_seconds, git_revision, machine, package_versions, proc_status, spread,
    spread_iqr, terminal_env, timed_run, wait_until_settled, watch_run,
)
from servers import LiteServer  # noqa: E402

SECTIONS = ("startup", "overhead", "completion", "script", "query")
MILVUS_CLI_VERSION = "1.2.1"
SHELL_PROMPT = r"(?:^|[\r\n])milvus [^\r\n]*> ?"  # `milvus (not connected)> `, `milvus ALIAS@where> `
CLI_PROMPT = r"milvus_cli > "
GRPC_OPTIONS = {"grpc.use_local_subchannel_pool": 1}  # what the shell's backend passes too


def shell_argv() -> list[str]:
    exe = Path(sys.executable).parent / "milvus-shell"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "milvus_shell"]


# -- the report ------------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    shell: str
    cli: str = ""
    budget: str = ""
    verdict: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # extra paragraphs for the doc (e.g. import profile)
    loads: list[str] = field(default_factory=list)  # 1-minute load average as each section began

    def row(self, *args: Any, **kwargs: Any) -> None:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        print(f"  | {row.what} | {row.shell} | {row.cli} | {row.budget} | {row.verdict}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def table(self) -> str:
        lines = [
            f"| Measure | milvus-shell | milvus_cli {MILVUS_CLI_VERSION} | Budget | Verdict |",
            "|---|---|---|---|---|",
        ]
        for r in self.rows:
            lines.append(f"| {r.what} | {r.shell} | {r.cli or '–'} | {r.budget or '–'} | {r.verdict or '–'} |")
        return "\n".join(lines)


def load_average() -> float:
    return os.getloadavg()[0]


def wait_idle(limit: float) -> float:
    """Wait (up to ``limit`` s) until the 1-minute load average is below 1; the load average then."""
    deadline = time.monotonic() + limit
    load = load_average()
    if load >= 1.0 and limit > 0:
        log(f"waiting up to {limit:.0f} s for the machine to quieten (load average {load:.2f})")
    while load >= 1.0 and time.monotonic() < deadline:
        time.sleep(5)
        load = load_average()
    return load


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def verdict(ok: bool, text: str) -> str:
    return ("met: " if ok else "**MISSED**: ") + text


# -- servers ---------------------------------------------------------------------------------------


class Servers:
    """Every server the bench starts, so that all of them are stopped whatever happens."""

    def __init__(self) -> None:
        self.started: list[LiteServer] = []

    @contextlib.contextmanager
    def lite(self, data_dir: Path, ready_timeout: float = 120.0) -> Iterator[LiteServer]:
        server = LiteServer(data_dir, ready_timeout=ready_timeout)
        self.started.append(server)
        began = time.perf_counter()
        server.start()
        log(f"Milvus Lite up on {server.address} (pid {server.pid}) in {time.perf_counter() - began:.1f} s, "
            f"data {server.db_dir}")
        try:
            yield server
        finally:
            server.stop()
            log(f"Milvus Lite on {server.address} stopped")

    def stop_all(self) -> None:
        for server in self.started:
            with contextlib.suppress(Exception):
                server.stop()


def create_small(address: str) -> None:
    """One small collection, not loaded: `show collections` then costs three cheap calls
    (list_collections, get_load_state, get_collection_stats)."""
    from pymilvus import DataType, MilvusClient

    client = pymilvus_client(address)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection("small", schema=schema)
    client.close()


def pymilvus_client(address: str, timeout: float = 60.0):
    from pymilvus import MilvusClient

    return MilvusClient(uri=f"http://{address}", timeout=timeout, dedicated=True, grpc_options=dict(GRPC_OPTIONS))


def quiet_pymilvus() -> None:
    import logging

    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    for name in ("pymilvus", "milvus_lite", "grpc"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# -- in-process shell ------------------------------------------------------------------------------


def make_shell(timeout: float = 10.0, interactive: bool = False):
    """A Shell wired as cli.main wires it (for scripts, or ``interactive``), writing to /dev/null.

    Interactive: the metadata cache is kept up to date and each handler runs on the REPL's
    cancellable worker thread, as in repl.run."""
    from milvus_shell.commands import build_table
    from milvus_shell.context import ShellContext
    from milvus_shell.output import Renderer
    from milvus_shell.registry import ConnectionRegistry
    from milvus_shell.settings import Settings
    from milvus_shell.shell import Shell

    settings = Settings(timeout=timeout, format="table", color=False, interactive=interactive)
    registry = ConnectionRegistry(timeout=timeout)
    ctx = ShellContext(registry=registry, settings=settings, table=build_table())
    sink = open(os.devnull, "w")
    shell = Shell(ctx, Renderer(sink, sink, color=False))
    if interactive:
        runner = interactive_runner()
        if runner is not None:
            shell.runner = lambda inv, call: runner(call)
    return shell


def run_ok(shell: Any, line: str) -> None:
    outcome = shell.run_line(line)
    if not outcome.ok:
        raise RuntimeError(f"milvus-shell failed on {line!r}")


def wait_metadata(shell: Any, timeout: float = 120.0) -> None:
    cache = getattr(shell.ctx, "metadata", None)
    if cache is not None and hasattr(cache, "wait"):
        cache.wait(timeout)


def has_command(name: str) -> bool:
    try:
        from milvus_shell.commands import build_table

        return build_table().get(name) is not None
    except Exception:  # noqa: BLE001
        return False


# -- 1. startup ------------------------------------------------------------------------------------


@dataclass
class Startup:
    first_prompt: Stat = field(default_factory=Stat)
    hwm_at_prompt: Stat = field(default_factory=Stat)
    hwm_after: Stat = field(default_factory=Stat)
    errors: list[str] = field(default_factory=list)


@dataclass
class Program:
    """A program whose first prompt is timed."""

    name: str
    argv: list[str]
    prompt: str
    settle: bool = True  # also read peak memory once the program has gone quiet
    prepare_home: Callable[[Path], None] | None = None
    timeout: float = 60.0


def measure_startups(programs: list[Program], runs: int) -> dict[str, Startup]:
    """Spawn each program in a pty ``runs`` times, round-robin so that every program meets the same
    conditions; one unrecorded round first warms the disk cache."""
    results = {p.name: Startup() for p in programs}
    for i in range(runs + 1):
        for program in programs:
            startup_once(program, results[program.name], record=i > 0)
    return results


def startup_once(program: Program, result: Startup, record: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        home = Path(tmp)
        env = terminal_env(home)
        if program.prepare_home:
            program.prepare_home(home)
        term = Term(program.argv, env, cwd=tmp)
        try:
            seen = term.wait(program.prompt, program.timeout)
            at_prompt = proc_status(term.pid)  # read at once: before the warm-up has gone far
            after = wait_until_settled(term.pid) if program.settle else {}
        except (TimeoutError, EOFError) as exc:
            result.errors.append(str(exc))
            term.close()
            return
        term.close()
    if not record:
        return
    result.first_prompt.add(seen - term.started)
    result.hwm_at_prompt.add(at_prompt.get("VmHWM", 0))
    if after:
        result.hwm_after.add(after.get("VmHWM", 0))


def measure_startup(argv: list[str], prompt: str, runs: int, *, settle: bool = True,
                    prepare_home: Callable[[Path], None] | None = None, timeout: float = 60.0) -> Startup:
    """One program alone (see measure_startups)."""
    return measure_startups([Program("p", argv, prompt, settle, prepare_home, timeout)], runs)["p"]


def ensure_milvus_cli(cache: Path) -> tuple[Path | None, str]:
    """milvus_cli in its own virtual environment under the cache dir; (path, "") or (None, why not)."""
    venv = cache / "milvus_cli-venv"
    exe = venv / "bin" / "milvus_cli"
    marker = venv / f".installed-{MILVUS_CLI_VERSION}"
    if exe.exists() and marker.exists():
        return exe, ""
    log(f"installing milvus-cli=={MILVUS_CLI_VERSION} into {venv} (once)")
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    try:
        subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        f"milvus-cli=={MILVUS_CLI_VERSION}"], check=True, capture_output=True, timeout=1200)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"could not install milvus-cli=={MILVUS_CLI_VERSION}: {exc} {detail.decode(errors='replace')[-500:]}"
    if not exe.exists():
        return None, f"milvus-cli=={MILVUS_CLI_VERSION} installed but has no {exe}"
    marker.write_text("ok\n")
    return exe, ""


def write_history(path: Path, count: int, seed: int = 7) -> None:
    """``count`` entries in prompt_toolkit's FileHistory format (what history.py reads)."""
    rng = random.Random(seed)
    # Names unlike the bench server's (coll_…): auto-suggest then scans the whole history (worst case).
    verbs = ["describe hist_{:05d}", "query hist_{:05d} 'id > 10' --limit 5", "ping", "connections",
             "show collections", "search hist_{:05d} --vector '[0.1, 0.2, 0.3, 0.4]' --limit 3",
             "use default", "count hist_{:05d}", "show indexes hist_{:05d}", "connect prod 10.0.0.{:d}:19530"]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(count):
            verb = rng.choice(verbs)
            line = verb.format(rng.randrange(10_000) if "{:05d}" in verb else rng.randrange(256))
            f.write(f"\n# 2026-01-01 00:00:00.000000\n+{line}\n")
    os.chmod(path, 0o600)


def history_path(home: Path) -> Path:
    return home / ".local/state/milvus-shell/history"


def section_startup(report: Report, args: argparse.Namespace, cache: Path) -> None:
    runs = args.runs
    programs = [Program("shell", shell_argv(), SHELL_PROMPT)]
    why_no_cli = "skipped (--no-milvus-cli)"
    if not args.no_milvus_cli:
        exe, why_no_cli = ensure_milvus_cli(cache)
        if exe is not None:
            programs.append(Program("cli", [str(exe)], CLI_PROMPT, timeout=120))
    programs.append(Program("floor", [sys.executable, "-c", "from prompt_toolkit import PromptSession; "
                                      "PromptSession().prompt('floor> ')"], r"floor> ?", settle=False))
    programs.append(Program("history", shell_argv(), SHELL_PROMPT, settle=False,
                            prepare_home=lambda home: write_history(history_path(home), args.history)))
    log(f"startup: {', '.join(p.name for p in programs)}, {runs} rounds (round-robin)")
    results = measure_startups(programs, runs)
    shell, floor, with_history = results["shell"], results["floor"], results["history"]
    cli = results.get("cli")
    if cli is not None and not cli.first_prompt:
        why_no_cli = "milvus_cli did not show its prompt: " + "; ".join(cli.errors[:2])
        cli = None
    for name, result in results.items():
        for e in result.errors:
            report.note(f"{name} startup run failed: {e}")
    if not shell.first_prompt:
        report.row("First prompt on screen (pty)", "did not start", budget="≤ 0.25 s", verdict="**FAILED**")
        return
    cli_cell = spread(cli.first_prompt, fmt_seconds) if cli else why_no_cli
    med = shell.first_prompt.median
    checks = [med <= 0.25]
    text = f"{fmt_seconds(med)} vs 0.25 s"
    if cli:
        ratio = med / cli.first_prompt.median
        checks.append(ratio <= 0.5)
        text += f"; {ratio:.0%} of milvus_cli's"
    report.row("First prompt on screen (pty), process start → prompt drawn", spread(shell.first_prompt, fmt_seconds),
               cli_cell, "≤ 0.25 s and ≤ ½ of milvus_cli's", verdict(all(checks), text))
    if floor.first_prompt:
        report.row("… for scale: a bare prompt_toolkit `PromptSession().prompt()` in the same pty (the floor)",
                   spread(floor.first_prompt, fmt_seconds))
    if with_history.first_prompt:
        med = with_history.first_prompt.median
        report.row(f"First prompt with a {args.history:,}-entry history file", spread(with_history.first_prompt, fmt_seconds),
                   budget="≤ 0.25 s", verdict=verdict(med <= 0.25, f"{fmt_seconds(med)}"))
    report.row("Peak RSS (VmHWM) at the first prompt", spread(shell.hwm_at_prompt, fmt_mb),
               spread(cli.hwm_at_prompt, fmt_mb) if cli else "–")
    report.row("Peak RSS once warm-up is done (pymilvus imported in the background)",
               spread(shell.hwm_after, fmt_mb), spread(cli.hwm_after, fmt_mb) if cli else "–")
    import_profile(report)


def import_profile(report: Report) -> None:
    """python -X importtime of the interactive start, cut when the prompt is drawn: the biggest costs."""
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        log_path = Path(tmp) / "importtime.txt"
        argv = ["/bin/sh", "-c", f"exec {shlex.quote(sys.executable)} -X importtime -m milvus_shell 2>{shlex.quote(str(log_path))}"]
        term = Term(argv, terminal_env(Path(tmp)), cwd=tmp)
        try:
            seen = term.wait(SHELL_PROMPT, 60) - term.started
            text = log_path.read_text()
        finally:
            term.close()
    entries = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:"):].split("|")
        try:
            own, total = int(parts[0]), int(parts[1])
        except ValueError:
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        entries.append((own, total, depth, name.strip()))
    total_us = sum(own for own, *_ in entries)
    by_package: dict[str, int] = {}
    for own, _, _, name in entries:
        root = name.split(".")[0]
        group = root if root in ("milvus_shell", "prompt_toolkit", "pygments", "wcwidth", "asyncio") else (
            "site (incl. the editable-install finder)" if root in ("site", "_virtualenv") or "editable" in root
            else "other stdlib and encodings")
        by_package[group] = by_package.get(group, 0) + own
    ours = sorted(((own, name) for own, _, _, name in entries if name.startswith("milvus_shell")), reverse=True)
    known = ("milvus_shell", "prompt_toolkit", "pygments", "wcwidth", "asyncio", "site", "__editable")
    others = sorted(((own, name) for own, _, _, name in entries if not name.startswith(known)), reverse=True)
    lines = [f"`python -X importtime -m milvus_shell`, cut when the prompt was drawn ({fmt_seconds(seen)} with "
             f"importtime's own overhead): {len(entries)} modules, {total_us / 1e3:.0f} ms of imports "
             "(self time, summed by package):", ""]
    lines += [f"- {group}: {us / 1e3:.0f} ms" for group, us in sorted(by_package.items(), key=lambda kv: -kv[1])]
    lines += ["", "milvus_shell's own modules by self time: "
              + ", ".join(f"`{name}` {own / 1e3:.1f} ms" for own, name in ours[:8])]
    lines += ["", "The biggest of the rest: " + ", ".join(f"`{name}` {own / 1e3:.1f} ms" for own, name in others[:8])]
    heavy = [name for *_, name in entries if name.split(".")[0] in ("pymilvus", "grpc", "pandas", "numpy")]
    lines += ["", "pymilvus / grpc / pandas / numpy imported before the first prompt: "
              + (f"**yes** ({len(heavy)} modules, e.g. {', '.join(heavy[:4])})" if heavy else "none")]
    report.details.append("\n".join(lines))


# -- 3. connect and per-command overhead -----------------------------------------------------------


def section_overhead(report: Report, args: argparse.Namespace, servers: Servers) -> None:
    quiet_pymilvus()
    from pymilvus.grpc_gen import milvus_pb2

    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp, servers.lite(Path(tmp)) as server:
        address = server.address
        create_small(address)

        # connect: the shell's command vs. a dedicated MilvusClient + one get_server_version
        shell = make_shell()
        run_ok(shell, f"connect warm {address}")  # the first connect also imports pymilvus
        wait_metadata(shell)
        connects, direct_connects = Stat(), Stat()
        for i in range(args.connects):
            t0 = time.perf_counter()
            run_ok(shell, f"connect c {address}")
            connects.add(time.perf_counter() - t0)
            wait_metadata(shell)
            run_ok(shell, "disconnect c")
            t0 = time.perf_counter()
            client = pymilvus_client(address, timeout=10)
            client.get_server_version(timeout=10)
            direct_connects.add(time.perf_counter() - t0)
            client.close()
        report.row("`connect` to a local Milvus Lite (in-process, backend already imported)",
                   spread(connects, fmt_seconds))
        report.row("… the same done directly: MilvusClient(dedicated) + get_server_version",
                   spread(direct_connects, fmt_seconds))
        cold = Stat()
        for _ in range(max(3, args.runs // 2)):
            with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
                wall, _, _ = timed_run(shell_argv() + ["-c", f"connect {address}"], env=terminal_env(Path(home)))
            cold.add(wall)
        report.row("`milvus-shell -c 'connect ADDRESS'`: whole process (imports pymilvus)", spread(cold, fmt_seconds))
        with_address = measure_startup(shell_argv() + [address], SHELL_PROMPT, max(3, args.runs // 2), settle=False)
        if with_address.first_prompt:
            report.row("First prompt when started with an ADDRESS (connects before the prompt, so pymilvus is "
                       "imported first)", spread(with_address.first_prompt, fmt_seconds))
        for e in with_address.errors:
            report.note(f"milvus-shell ADDRESS startup failed: {e}")

        # per-command overhead: ping through the shell vs. the same two calls made directly
        run_ok(shell, f"use warm")
        client = pymilvus_client(address, timeout=10)
        stub = client._get_connection()._stub  # noqa: SLF001 - CheckHealth has no public wrapper (the shell does the same)

        def direct_version() -> None:
            client.get_server_version(timeout=10)

        def direct_ping() -> None:
            client.get_server_version(timeout=10)
            stub.CheckHealth(milvus_pb2.CheckHealthRequest(), timeout=10)

        def via_shell(line: str) -> Callable[[], None]:
            run_line = shell.run_line
            return lambda: run_line(line)

        cases: list[tuple[str, Callable[[], None]]] = [
            ("shell ping", via_shell("ping")),
            ("direct ping", direct_ping),
            ("direct version", direct_version),
            ("shell connections", via_shell("connections")),
        ]
        ishell = make_shell(interactive=True)
        run_ok(ishell, f"connect warm {address}")
        wait_metadata(ishell)
        cases.append(("shell ping interactive", lambda: ishell.run_line("ping")))
        per_call = {name: Stat() for name, _ in cases}
        n = args.iterations
        log(f"overhead: {args.rounds} rounds × {n} calls of each of {len(cases)} cases")
        for fn in (f for _, f in cases):  # warm every path once
            fn()
        for _ in range(args.rounds):
            for name, fn in cases:
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                per_call[name].add((time.perf_counter() - t0) / n)
        client.close()
        shell.ctx.registry.close()
        ishell.ctx.registry.close()

        def paired(a: str, b: str) -> Stat:
            return Stat([x - y for x, y in zip(per_call[a].values, per_call[b].values)])

        us = lambda v: f"{v * 1e6:.0f} µs"  # noqa: E731
        report.row(f"`ping` via Shell.run_line (get_server_version + CheckHealth), per call, {args.rounds}×{n}",
                   spread(per_call["shell ping"], us))
        report.row("… the same two calls made directly with pymilvus, per call", spread(per_call["direct ping"], us))
        report.row("… one get_server_version alone (the loopback round trip), per call",
                   spread(per_call["direct version"], us))
        over = paired("shell ping", "direct ping")
        report.row("**Shell overhead on `ping`** (shell − direct, paired by round)", spread(over, us),
                   budget="< 1 ms", verdict=verdict(over.median < 1e-3, f"{over.median * 1e6:.0f} µs"))
        if "shell ping interactive" in per_call:
            over_i = paired("shell ping interactive", "direct ping")
            report.row("Shell overhead on `ping`, interactive wiring (handler on the REPL's cancellable worker thread, "
                       "metadata cache kept)",
                       spread(over_i, us), budget="< 1 ms", verdict=verdict(over_i.median < 1e-3, f"{over_i.median * 1e6:.0f} µs"))
        report.row("`connections` (no server call: parse + handler + render), per call",
                   spread(per_call["shell connections"], us), budget="< 1 ms",
                   verdict=verdict(per_call["shell connections"].median < 1e-3, f"{per_call['shell connections'].median * 1e6:.0f} µs"))


def interactive_runner():
    try:
        from milvus_shell.cancellable import CancellableRunner
    except ImportError:
        return None
    return CancellableRunner()


# -- 5. a 1,000-command script ---------------------------------------------------------------------


def section_script(report: Report, args: argparse.Namespace, servers: Servers) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp, servers.lite(Path(tmp) / "server") as server:
        quiet_pymilvus()
        create_small(server.address)
        server_cmd = "show collections" if has_command("show collections") else "ping"
        mix = ["ping", "connections", "use default", server_cmd]
        script = Path(tmp) / "bench.milvus"
        script.write_text("\n".join(mix[i % len(mix)] for i in range(args.script_commands)) + "\n")
        one = Path(tmp) / "one.milvus"
        one.write_text("ping\n")
        home = Path(tmp) / "home"
        env = terminal_env(home)
        argv = shell_argv() + [server.address]
        walls, peaks, base = Stat(), Stat(), Stat()
        for i in range(args.runs + 1):
            wall1, _, _ = timed_run(argv + ["-f", str(one)], env=env)
            wall, peak, _ = timed_run(argv + ["-f", str(script)], env=env)
            if i == 0:
                continue
            walls.add(wall)
            peaks.add(peak)
            base.add(wall1)
        n = args.script_commands
        rate = Stat([n / w for w in walls.values])
        steady = Stat([(n - 1) / (w - b) for w, b in zip(walls.values, base.values)])
        report.row(f"{n:,}-command script with -f (mix: {', '.join(mix)}): whole run", spread(walls, fmt_seconds),
                   "no script mode")
        report.row("… commands per second, whole run (start, connect, 1,000 commands, exit)",
                   spread(rate, lambda v: fmt_rate(v, "cmd/s")), "no script mode")
        report.row("… commands per second beyond start-up (minus a 1-command run)",
                   spread(steady, lambda v: fmt_rate(v, "cmd/s")), "no script mode")
        report.row("… peak RSS of the script run", spread(peaks, fmt_mb))


# -- 4. completion ---------------------------------------------------------------------------------


def ensure_collections(server: LiteServer, count: int) -> None:
    """``count`` collections coll_00000… (int64 id + 4-dim vector); creates only the missing ones."""
    quiet_pymilvus()
    from pymilvus import DataType, MilvusClient

    client = pymilvus_client(server.address)
    have = set(client.list_collections(timeout=60))
    wanted = [f"coll_{i:05d}" for i in range(count)]
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


def section_completion(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    count = args.collections
    data = cache / f"lite-{count}-collections"
    with servers.lite(data, ready_timeout=300) as server:
        ensure_collections(server, count)
        if completion_in_process(report, args, server):
            completion_in_pty(report, args, server)
        else:
            report.row("pty: Tab after `describe coll_0DD` → menu drawn", "not measured: the shell does not "
                       "complete collection names yet", "no name completion", "a few ms")


def history_source(count: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history"
        write_history(path, count)
        try:
            from milvus_shell.history import read_entries

            return read_entries(path)
        except ImportError:
            return []


def completion_in_process(report: Report, args: argparse.Namespace, server: LiteServer) -> bool:
    """In-process completion timings; False when the shell has no collection-name completion yet."""
    try:
        from prompt_toolkit.completion import CompleteEvent
        from prompt_toolkit.document import Document

        from milvus_shell import repl
        from milvus_shell.commands.spec import Kind
    except ImportError as exc:
        report.row("Completion, in-process", f"not measured: {exc}")
        return False
    shell = make_shell(interactive=True)
    try:
        began = time.perf_counter()
        run_ok(shell, f"connect bench {server.address}")
        wait_metadata(shell, 300)
        loaded = time.perf_counter() - began
        cache = shell.ctx.metadata
        names = cache.names(None, Kind.COLLECTION) if cache is not None else ()
        report.row(f"Metadata cache filled in the background after `connect` ({len(names):,} collections)",
                   fmt_seconds(loaded) + " (n=1)", budget="off the UI thread")
        entries = history_source(args.history)
        history = type("History", (), {"get_strings": staticmethod(lambda: entries)})()
        sources = repl.completion_sources(shell, history) if hasattr(repl, "completion_sources") else {}
        if Kind.COLLECTION not in sources:
            report.row("Completion of collection names, in-process", "not measured: no collection source yet")
            return False
        from milvus_shell.completion import ShellCompleter

        completer = ShellCompleter(shell.ctx.table, sources)
        cases = [("describe coll_0123", "10 matches"), ("describe coll_01", "1,000 matches"),
                 ("describe ", f"all {len(names):,}"), ("describe zzz", "no match")]
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
        return True
    finally:
        shell.ctx.registry.close()


def auto_suggest_cost(report: Report, args: argparse.Namespace, entries: list[str]) -> None:
    """The history suggestion computed on every keystroke (on ThreadedAutoSuggest's thread, but
    holding the GIL the screen needs): the shell's own, and prompt_toolkit's for scale."""
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.document import Document

    buffer = type("Buf", (), {})()
    buffer.history = type("H", (), {"get_strings": staticmethod(lambda: entries)})()
    suggesters = []
    try:
        from milvus_shell.history import RecentHistorySuggest

        suggesters.append(("the shell's `RecentHistorySuggest`", RecentHistorySuggest(), True))
    except ImportError:
        pass
    suggesters.append(("prompt_toolkit's `AutoSuggestFromHistory`", AutoSuggestFromHistory(), not suggesters))
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


def completion_in_pty(report: Report, args: argparse.Namespace, server: LiteServer) -> None:
    """Keystrokes in a real pty with the server's 10,000 names known; time until the menu is drawn.

    Run twice: with the big history file and with none, to show what history costs per keystroke.
    The history's names (hist_…) never match the server's (coll_…), so history auto-suggest scans
    every entry on every keystroke: the worst case.
    """
    full = menu_latencies(server, args.history, args.keystrokes)
    empty = menu_latencies(server, 0, max(3, args.keystrokes // 2))
    where = f"{args.collections:,} collections"
    hist = f"{args.history:,}-entry history"
    for stats, label in ((full, hist), (empty, "empty history")):
        if stats["narrow"]:
            med = stats["narrow"].median
            report.row(f"pty: one key with the menu open (`describe coll_0D` + `D`) → narrowed menu drawn "
                       f"({where}, {label})", spread(stats["narrow"], fmt_seconds), "no name completion",
                       "a few ms", verdict(med < 10e-3, fmt_seconds(med)))
        if stats["tab"]:
            med = stats["tab"].median
            report.row(f"pty: Tab after `describe coll_0DD` → menu drawn ({where}, {label})",
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
        term = Term([sys.executable, "-c", "from prompt_toolkit import PromptSession; PromptSession().prompt('floor> ')"],
                    terminal_env(Path(tmp)), cwd=tmp)
        try:
            term.wait(r"floor> ?", 30)
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


def menu_latencies(server: LiteServer, history: int, iterations: int) -> dict[str, Stat]:
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
            while_typing = wait_for_names(term)
            rng = random.Random(3)
            for _ in range(iterations):
                d1 = rng.randrange(10)
                d2 = rng.randrange(5, 10)  # coll_0{d1}{d2}xx is below the visible part of coll_0{d1}'s menu
                if while_typing:
                    # the menu is open (coll_0D…): one more key narrows it
                    term.send(f"describe coll_0{d1}")
                    term.wait_screen(rf"coll_0{d1}\d{{3}}", 10)
                    term.drain(0.3)
                    timed(stats["narrow"], str(d2), rf"coll_0{d1}{d2}0\d")
                else:
                    # Tab on a typed prefix
                    term.send(f"describe coll_0{d1}{d2}")
                    term.wait_screen(f"coll_0{d1}{d2}", 10)
                    term.drain(0.3)
                    timed(stats["tab"], "\t", rf"coll_0{d1}{d2}\d\d")
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


def wait_for_names(term: Term, limit: float = 300) -> bool:
    """Wait until the shell completes collection names; True when the menu opens while typing."""
    deadline = time.monotonic() + limit
    while True:  # Tab until the menu lists collections: the names have arrived
        term.send("describe coll_099")
        term.wait_screen("coll_099", 10)
        term.drain(0.3)
        term.send("\t")
        try:
            term.wait_screen(r"coll_099\d\d", 3)
            clear_line(term)
            break
        except TimeoutError:
            clear_line(term)
            if time.monotonic() > deadline:
                raise
    term.send("describe coll_098")
    try:
        term.wait_screen(r"coll_098\d\d", 2)
        return True
    except TimeoutError:
        return False
    finally:
        clear_line(term)


# -- 6. query --limit all --------------------------------------------------------------------------


def ensure_rows(server: LiteServer, name: str, rows: int) -> None:
    """Collection ``name``: int64 id, a short varchar, a 4-dim float vector; ``rows`` rows, loaded."""
    quiet_pymilvus()
    from pymilvus import DataType, MilvusClient

    client = pymilvus_client(server.address, timeout=600)
    if client.has_collection(name, timeout=60):
        stats = client.get_collection_stats(name, timeout=60)
        if int(stats.get("row_count", 0)) == rows:
            client.load_collection(name, timeout=600)
            client.close()
            return
        client.drop_collection(name, timeout=60)
    log(f"creating collection {name} with {rows:,} rows (once; kept in {server.db_dir})")
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("tag", DataType.VARCHAR, max_length=16)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    index = client.prepare_index_params()
    index.add_index("vec", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index, timeout=60)
    rng = random.Random(11)
    began = time.perf_counter()
    batch = 20_000
    for start in range(0, rows, batch):
        chunk = [{"id": i, "tag": f"t{i % 997}", "vec": [rng.random() for _ in range(4)]}
                 for i in range(start, min(start + batch, rows))]
        client.insert(name, chunk, timeout=600)
    client.flush(name, timeout=600)
    client.load_collection(name, timeout=600)
    log(f"inserted {rows:,} rows in {time.perf_counter() - began:.0f} s")
    client.close()


def section_query(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    if not has_command("query"):
        report.row("`query C --limit all --format csv > file`, 1,000,000 rows",
                   "**placeholder: `query` does not exist yet (issue 4)**", "–", "rows/s; memory bounded")
        return
    sizes = [(f"rows_{n}", n) for n in args.query_rows]
    with servers.lite(cache / "lite-rows", ready_timeout=600) as server:
        for name, n in sizes:
            ensure_rows(server, name, n)
        peaks: dict[int, Stat] = {}
        for name, n in sizes:
            runs = args.query_runs if n <= 100_000 else max(1, args.query_runs - 1)
            log(f"query: {name}, {runs} run(s), each stopped after {args.query_limit:g} s at most")
            walls, peak, rate = Stat(), Stat(), Stat()
            capped: list[tuple[float, int]] = []
            rss_curve: list[tuple[float, int, int]] = []
            with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
                out = Path(tmp) / "out.csv"
                env = terminal_env(Path(tmp) / "home")
                for _ in range(runs):
                    counter = LineCounter(out)
                    with open(out, "w") as f:
                        run = watch_run(shell_argv() + [server.address, "-c", f"query {name} --limit all --format csv"],
                                        stdout=f, env=env, limit=args.query_limit, progress=counter)
                    written = counter() - 1  # the header
                    peak.add(run.peak_kib)
                    rate.add(written / run.wall)
                    rss_curve = run.samples
                    if run.finished:
                        walls.add(run.wall)
                        check_csv(report, out, n, name)
                    else:
                        capped.append((run.wall, written))
                        break  # one run stopped at the limit says enough
            peaks[n] = peak
            label = f"`query {name} --limit all --format csv > file`, {n:,} rows"
            if capped:
                wall, written = capped[0]
                report.row(f"{label}: rows/s (whole process)", spread(rate, lambda v: fmt_rate(v, "rows/s")),
                           "no streaming export", "bounded memory",
                           f"**did not finish**: stopped after {wall:.0f} s with {written:,} of {n:,} rows written")
            else:
                report.row(f"{label}: rows/s (whole process)", spread(rate, lambda v: fmt_rate(v, "rows/s")),
                           "no streaming export", "bounded memory")
            report.row(f"… {n:,} rows: wall time / peak RSS",
                       f"{spread(walls, fmt_seconds) if walls else 'stopped at the limit'} / {spread(peak, fmt_mb)}")
            if len(rss_curve) >= 4:
                live = [x for x in rss_curve if x[2] and x[1] > n // 100]
                if len(live) >= 2:
                    first, last = live[0], live[-1]
                    report.row(f"… {n:,} rows: RSS while streaming, at {first[1]:,} rows → at {last[1]:,} rows",
                               f"{fmt_mb(first[2])} → {fmt_mb(last[2])}")
                end_t, end_rows = rss_curve[-1][0], rss_curve[-1][1]
                mid = min(rss_curve, key=lambda x: abs(x[0] - end_t / 2))
                if 0 < mid[0] < end_t:
                    report.row(f"… {n:,} rows: pace in the first half of the run → in the second half",
                               f"{fmt_rate(mid[1] / mid[0], 'rows/s')} → "
                               f"{fmt_rate((end_rows - mid[1]) / (end_t - mid[0]), 'rows/s')}")
        if args.query_direct:
            batch = args.query_batch
            for name, n in sizes:
                cap = min(n, 200_000)
                log(f"query: the server's own pace, pymilvus query_iterator over {name}, batch {batch:,}, {cap:,} rows")
                rate = Stat()
                for _ in range(max(1, args.query_runs - 1)):
                    got, wall = iterate_direct(server.address, name, batch, cap)
                    rate.add(got / wall)
                part = f"the first {cap:,} of {n:,} rows" if cap < n else f"{n:,} rows"
                report.row(f"… for scale: pymilvus `query_iterator` alone on {name} (batch {batch:,}, {part}, "
                           "nothing written)", spread(rate, lambda v: fmt_rate(v, "rows/s")))
        if len(peaks) >= 2:
            small, big = min(peaks), max(peaks)
            grow = peaks[big].median - peaks[small].median
            ok = grow < 0.2 * peaks[small].median
            report.row(f"Peak RSS growth from {small:,} to {big:,} rows", f"{grow / 1024:+.0f} MB",
                       budget="bounded (not growing with rows)", verdict=verdict(ok, f"{grow / 1024:+.0f} MB"))


class LineCounter:
    """Lines in a growing file, reading only what was added since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.lines = 0

    def __call__(self) -> int:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                while chunk := f.read(1 << 20):
                    self.lines += chunk.count(b"\n")
                    self.offset += len(chunk)
        except OSError:
            pass
        return self.lines


def iterate_direct(address: str, name: str, batch: int, cap: int) -> tuple[int, float]:
    """Rows (``cap`` at most) through pymilvus's query_iterator, nothing written: (rows, seconds)."""
    client = pymilvus_client(address, timeout=600)
    try:
        t0 = time.perf_counter()
        it = client.query_iterator(name, batch_size=batch, output_fields=["id", "tag", "vec"], timeout=600)
        got = 0
        while got < cap:
            page = it.next()
            if not page:
                break
            got += len(page)
        it.close()
        return got, time.perf_counter() - t0
    finally:
        client.close()


def check_csv(report: Report, path: Path, rows: int, name: str) -> None:
    """The file should hold a header and ``rows`` lines; say so when it holds something else."""
    with open(path, "rb") as f:
        first = f.readline()
        lines = 1 + sum(1 for _ in f) if first else 0
    if lines == rows + 1:
        return
    note = f"`milvus-shell ADDRESS -c 'query … --limit all --format csv' > file` wrote {lines - rows - 1:+,} line(s) beyond the header and the rows"
    if lines == rows + 2 and not first.startswith(b"id"):
        shown = first.decode(errors="replace").strip().split(" (")[0]
        note += f"; the extra first line is the connect message `{shown} (…)`, written to stdout, into the CSV"
    if note not in report.notes:
        report.note(note)


# -- the doc ---------------------------------------------------------------------------------------


def write_doc(path: Path, report: Report, info: dict[str, str], command: str, args: argparse.Namespace,
              elapsed: float) -> None:
    versions = package_versions(["prompt_toolkit", "pymilvus", "grpcio", "milvus-lite", "pexpect"])
    lines = [
        "# Performance",
        "",
        "Measured by `scripts/bench.py` (public tools only: `time.perf_counter`, pexpect in a pseudo-terminal,",
        "`/proc/PID/status` VmHWM, `/usr/bin/time`). Every figure is the **median**, with the spread",
        "(min–max, or the interquartile range for many samples) and the number of runs. Budgets come from",
        "[design.md](../../shared/design.md) and issue 5. Servers are Milvus Lite processes the script starts on",
        "free loopback ports; data sets are built once under the cache directory and reused.",
        "",
        "Reproduce:",
        "",
        f"    {command}",
        "",
        "## Results",
        "",
        report.table(),
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- RAM: {info['ram']}",
        f"- OS: {info['os']}",
        f"- Python: {info['python']}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        f"- milvus-shell: git {git_revision(ROOT)}",
        f"- Date: {info['date']}; the whole run took {elapsed / 60:.1f} min"
        + (" (--quick)" if args.quick else ""),
        "- 1-minute load average as each section began (other work on the machine shows here): "
        + ", ".join(report.loads),
        "",
        "## How each figure is taken",
        "",
        "- **First prompt**: `pexpect.spawn` of the `milvus-shell` console script (resp. `milvus_cli`, the",
        "  bare prompt_toolkit floor) in a 120×40 pty with `PROMPT_TOOLKIT_NO_CPR=1`, a fresh temporary",
        "  `HOME` and XDG directories; the clock runs from just before the spawn to the moment the prompt",
        "  text (escape sequences stripped) is read from the pty. The programs take turns, round after",
        "  round, after one unrecorded round that warms the disk cache. Peak RSS is the process's `VmHWM`",
        "  read right then, and again once VmHWM and the thread count have been still for 1 s (the",
        "  shell imports pymilvus on a background thread after the first paint).",
        "- **Overhead**: in-process, a `Shell` wired as `cli.main` wires it for scripts (output to /dev/null),",
        "  and one wired as the REPL runs commands (handler on `CancellableRunner`'s worker thread,",
        "  `interactive=True`).",
        "  `ping` makes two server calls (get_server_version + CheckHealth); the direct figure makes the same two",
        "  calls on a dedicated `MilvusClient` to the same server. Rounds alternate shell and direct so drift",
        "  hits both; the overhead is the per-round difference.",
        f"- **Completion**: a Milvus Lite holding {args.collections:,} collections (`coll_00000`…), the shell",
        f"  started with its address and a {args.history:,}-entry history file whose names (`hist_…`) never",
        "  match, so history auto-suggest scans every entry on each key (the worst case). In the pty a",
        "  prefix is typed, the screen left to settle 0.3 s, then one key is sent and the clock stops",
        "  when a menu entry that only the new menu holds is drawn (`coll_0DD0x`, below the fold of the",
        "  previous menu). In-process: `ShellCompleter.get_completions(Document(...), CompleteEvent())` with",
        "  the REPL's sources (`repl.completion_sources`), once the metadata cache has been filled.",
        "- **\"A few ms\"** is read as under 5 ms for in-process calls and under 10 ms in the pty, where a",
        "  bare prompt_toolkit prompt already needs ~3 ms to echo a key (its row in the table).",
        "- **Script**: `milvus-shell ADDRESS -f FILE` under `/usr/bin/time` (peak RSS), output to /dev/null;",
        "  the 1-command run is the same command line with a one-line file.",
        "- **Query**: `milvus-shell ADDRESS -c 'query C --limit all --format csv' > file`; while it runs the",
        "  file's lines and the process's VmRSS are sampled every 2 s; peak RSS is `ru_maxrss` from",
        "  `os.wait4`. A run is stopped (SIGINT, by its pid) after a time limit and then says so. The",
        "  CSV's line count is checked. Collection: int64 id, a short VarChar, a 4-dim FloatVector (FLAT",
        "  index, loaded).",
        "",
    ]
    if report.details:
        lines += ["## What the first prompt costs", ""]
        for d in report.details:
            lines += [d, ""]
    if report.notes:
        lines += ["## Notes from this run", ""] + [f"- {n}" for n in report.notes] + [""]
    kept = ""
    if path.exists():
        old = path.read_text()
        if KEEP_MARKER in old:
            kept = old[old.index(KEEP_MARKER) + len(KEEP_MARKER):].lstrip("\n")
    lines += [KEEP_MARKER, "", kept.rstrip("\n") or "## Analysis\n\n(to be written by hand)", ""]
    path.write_text("\n".join(lines))
    log(f"wrote {path}")


KEEP_MARKER = "<!-- Everything below this line is written by hand; scripts/bench.py keeps it when it rewrites the file. -->"


# -- main ------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer runs and iterations (a rough look)")
    p.add_argument("--write", metavar="FILE", help="rewrite FILE (docs/performance.md) with the results")
    p.add_argument("--only", metavar="LIST", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    p.add_argument("--cache-dir", default=str(Path.home() / ".cache" / "milvus-shell-bench"),
                   help="where milvus_cli's venv and the reusable data sets live")
    p.add_argument("--no-milvus-cli", action="store_true", help="do not install or run milvus_cli")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="before each section, wait up to SECONDS for the 1-minute load average to drop below 1")
    p.add_argument("--collections", type=int, default=10_000)
    p.add_argument("--history", type=int, default=200_000)
    p.add_argument("--query-rows", default="100000,1000000", help="row counts for the query section")
    p.add_argument("--no-query-direct", dest="query_direct", action="store_false",
                   help="skip the pymilvus query_iterator baseline")
    p.add_argument("--query-batch", type=int, default=16_384, help="a second batch size for the pymilvus baseline")
    p.add_argument("--query-limit", type=float, metavar="SECONDS",
                   help="stop a query run after this long (default 300, --quick 120)")
    args = p.parse_args(argv)
    args.sections = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")
    args.query_rows = sorted(int(x) for x in args.query_rows.split(","))
    if args.quick:
        args.runs, args.connects, args.rounds, args.iterations = 4, 10, 3, 300
        args.completion_calls, args.keystrokes, args.script_commands, args.query_runs = 50, 5, 1000, 1
        args.query_limit = args.query_limit or 120
    else:
        args.runs, args.connects, args.rounds, args.iterations = 10, 30, 5, 1000
        args.completion_calls, args.keystrokes, args.script_commands, args.query_runs = 200, 15, 1000, 3
        args.query_limit = args.query_limit or 300
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cache = Path(args.cache_dir).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    command = "python scripts/bench.py" + (" --quick" if args.quick else "") + (
        f" --wait-idle {args.wait_idle:g}" if args.wait_idle else "") + (
        f" --only {','.join(args.sections)}" if args.only else "") + (f" --write {args.write}" if args.write else "")
    info = machine()
    log(f"bench: {', '.join(args.sections)} on {info['cpu']} ×{info['cores']}, {info['ram']}")
    report = Report()
    servers = Servers()
    began = time.perf_counter()
    failed = False
    try:
        for section in args.sections:
            load = wait_idle(args.wait_idle)
            report.loads.append(f"{section} {load:.2f}")
            log(f"== {section} (load average {load:.2f})")
            try:
                if section == "startup":
                    section_startup(report, args, cache)
                elif section == "overhead":
                    section_overhead(report, args, servers)
                elif section == "completion":
                    section_completion(report, args, servers, cache)
                elif section == "script":
                    section_script(report, args, servers)
                elif section == "query":
                    section_query(report, args, servers, cache)
            except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others
                failed = True
                traceback.print_exc()
                report.row(f"section `{section}`", f"**failed**: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        servers.stop_all()
    elapsed = time.perf_counter() - began
    print()
    print(report.table())
    for n in report.notes:
        print(f"- {n}")
    for d in report.details:
        print()
        print(d)
    if args.write:
        write_doc(Path(args.write), report, info, command, args, elapsed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
