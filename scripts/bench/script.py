"""Script: a 1,000-command script run with -f against a Milvus Lite; commands per second."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from .common.procs import timed_run
from .common.report import Report
from .common.servers import Servers, create_small, quiet_pymilvus
from .common.shells import has_command, shell_argv
from .common.stats import Stat, fmt_mb, fmt_rate, fmt_seconds, spread
from .common.term import terminal_env


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
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
        report.row(f"… commands per second, whole run (start, connect, {n:,} commands, exit)",
                   spread(rate, lambda v: fmt_rate(v, "cmd/s")), "no script mode")
        report.row("… commands per second beyond start-up (minus a 1-command run)",
                   spread(steady, lambda v: fmt_rate(v, "cmd/s")), "no script mode")
        report.row("… peak RSS of the script run", spread(peaks, fmt_mb))

