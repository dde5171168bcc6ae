"""Overhead: `connect` to a local Milvus Lite, and the shell's cost on a small command (the command
through Shell.run_line minus the same calls made directly with pymilvus), in the script wiring and
in the REPL's."""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Callable

from .common.procs import timed_run
from .common.report import Report, log, verdict
from .common.servers import Servers, create_small, pymilvus_client, quiet_pymilvus
from .common.shells import interactive_shell, run_ok, script_shell, shell_argv, wait_metadata
from .common.stats import Stat, fmt_seconds, spread
from .common.term import terminal_env


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    quiet_pymilvus()
    from pymilvus.grpc_gen import milvus_pb2

    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp, servers.lite(Path(tmp) / "server") as server, \
            contextlib.ExitStack() as stack:
        address = server.address
        create_small(address)

        # connect: the shell's command vs. a dedicated MilvusClient + one get_server_version
        shell = script_shell()
        stack.callback(shell.ctx.registry.close)
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
        # The first prompt when started with an ADDRESS or a profile is timed in the startup section.

        # per-command overhead: ping through the shell vs. the same two calls made directly
        run_ok(shell, "use warm")
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
        ishell = stack.enter_context(interactive_shell(Path(tmp) / "home"))
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
            report.row("Shell overhead on `ping`, interactive wiring (`repl.interactive_shell`: handler on the REPL's cancellable worker thread, "
                       "metadata cache kept)",
                       spread(over_i, us), budget="< 1 ms", verdict=verdict(over_i.median < 1e-3, f"{over_i.median * 1e6:.0f} µs"))
        report.row("`connections` (no server call: parse + handler + render), per call",
                   spread(per_call["shell connections"], us), budget="< 1 ms",
                   verdict=verdict(per_call["shell connections"].median < 1e-3, f"{per_call['shell connections'].median * 1e6:.0f} µs"))

