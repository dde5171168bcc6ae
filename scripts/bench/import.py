"""Import: `milvus-shell -c "connect …; import C FILE --wait"` (a server-side import job: the server reads
the file from its own storage) against `milvus-shell -c "connect …; insert C --file F"` (every row
streamed through the client) of the same rows, on Milvus 2.3.5 standalone with local storage (Milvus
Lite has no import jobs). Wall time of the whole process, each into a fresh collection, taking turns.

The rows are the insert section's (id, title, year, a 128-dimension vector): JSON lines for insert,
the same rows as one JSON document ``{"rows": [...]}`` under the server's storage root for import.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from .common.procs import watch_run
from .common.report import Report, log, verdict
from .common.servers import Servers, _lite_server_class, quiet_pymilvus
from .common.shells import shell_argv
from .common.stats import Stat, fmt_rate, fmt_seconds, spread
from .common.term import terminal_env
from .insert import COLLECTION, DIM, LIMIT, ensure_file, fresh_collection, row_count

BUDGET = "server-side import jobs faster than streaming the same rows"


def _milvus(servers: Servers, data_dir: Path, cache: Path):
    """A Milvus 2.3.5 standalone (tests/servers.py's launcher, loaded as the Lite one is)."""
    _lite_server_class()
    launcher = sys.modules["_bench_lite_launcher"].MilvusStandalone
    server = launcher(data_dir, bin_cache=cache / "milvus-bin", ready_timeout=300)
    servers.started.append(server)
    server.start()
    log(f"Milvus 2.3.5 up on {server.address} (pid {server.pid}) in {server.started_in:.1f} s")
    return server


def _rows_document(lines: Path, into: Path) -> Path:
    """The JSON-lines file as the row-based JSON an import job reads: {"rows": [...]}."""
    into.parent.mkdir(parents=True, exist_ok=True)
    with open(lines, encoding="utf-8") as src, open(into, "w", encoding="utf-8") as out:
        out.write('{"rows": [')
        for i, line in enumerate(src):
            out.write(("," if i else "") + line.strip())
        out.write("]}")
    return into


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    quiet_pymilvus()
    rows = args.insert_rows
    lines = ensure_file(cache, rows)
    with tempfile.TemporaryDirectory(prefix="bench-milvus-") as tmp:
        server = _milvus(servers, Path(tmp) / "server", cache)
        try:
            document = _rows_document(lines, server.data_dir / "data" / "bench-import" / "rows.json")
            size_mb = document.stat().st_size / 2**20
            env = terminal_env(Path(tmp) / "home")
            connect = f"connect b {server.address}"
            commands = {
                "import": shell_argv() + ["--timeout", "60", "-c", f"{connect}; import {COLLECTION} {document} --wait"],
                "insert": shell_argv() + ["--timeout", "60", "-c", f"{connect}; insert {COLLECTION} --file {lines}"],
            }
            walls = {name: Stat() for name in commands}
            log(f"import: {rows:,} rows (dim {DIM}, {size_mb:.0f} MB of JSON), {args.insert_runs} round(s)")
            for _ in range(args.insert_runs):
                for name, argv in commands.items():  # alternate, so drift hits both alike
                    fresh_collection(server.address)
                    done = watch_run(argv, stdout=subprocess.DEVNULL, env=env, limit=LIMIT)
                    if not done.finished:
                        raise RuntimeError(f"{name}: {rows:,} rows stopped at the {LIMIT:g} s limit")
                    got = row_count(server.address)
                    if got != rows:
                        raise RuntimeError(f"{name}: {got:,} rows in the collection afterwards, not {rows:,}")
                    walls[name].add(done.wall)
                    log(f"  {name}: {done.wall:.2f} s, {rows / done.wall:,.0f} rows/s")
        finally:
            server.stop()
    rate = {name: Stat([rows / w for w in walls[name].values]) for name in walls}
    label = f"{rows:,} rows, dim {DIM}, Milvus 2.3.5 standalone"
    report.row(f"`milvus-shell -c 'connect …; import C FILE --wait'`, {label}: rows/s (whole process)",
               spread(rate["import"], lambda v: fmt_rate(v, "rows/s")))
    report.row("… `insert C --file F` of the same rows (JSON lines): rows/s (whole process)",
               spread(rate["insert"], lambda v: fmt_rate(v, "rows/s")))
    report.row("… wall time: import / insert",
               f"{spread(walls['import'], fmt_seconds)} / {spread(walls['insert'], fmt_seconds)}")
    speedup = walls["insert"].median / walls["import"].median
    report.row("**Import job vs streaming insert** (insert ÷ import wall time, medians)", f"{speedup:.2f}×",
               budget=BUDGET, verdict=verdict(speedup > 1, f"import {speedup:.2f}× as fast"))
