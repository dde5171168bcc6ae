"""Insert: `milvus-shell -c "connect …; insert C --file F"` from a JSON-lines file, against pymilvus's
own MilvusClient.insert of the same batches: rows/s and the client process's CPU seconds.

Both are whole processes, each into a fresh collection, taking turns round after round so that drift
hits both alike. The pymilvus script reads the same file line by line, json.loads each line, and
calls MilvusClient.insert with batches cut as the shell cuts them (5,000 rows or 16 MB of text).
Wall time swings on a shared machine; the client's CPU is the steadier measure of what the shell
adds (the server's work is the same for both).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from .common.procs import watch_run
from .common.report import Report, log, verdict
from .common.servers import Servers, pymilvus_client, quiet_pymilvus
from .common.shells import shell_argv
from .common.stats import Stat, fmt_mb, fmt_rate, fmt_seconds, spread
from .common.term import terminal_env

COLLECTION = "bench"
DIM = 128
BUDGET = "within 10% of pymilvus's insert of the same batches"
LIMIT = 600.0  # seconds: one insert process running longer fails the section

PYMILVUS_SCRIPT = r"""
import json, logging, sys
from pymilvus import MilvusClient
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
uri, name, path = sys.argv[1:4]
client = MilvusClient(uri=uri, dedicated=True)
batch, size, total = [], 0, 0
with open(path, "rb") as f:
    for line in f:
        if batch and (len(batch) >= 5000 or size + len(line) > 16 * 1024 * 1024):
            client.insert(name, batch, timeout=60)
            total += len(batch)
            batch, size = [], 0
        batch.append(json.loads(line))
        size += len(line)
if batch:
    client.insert(name, batch, timeout=60)
    total += len(batch)
client.close()
print(total)
"""


def ensure_file(cache: Path, rows: int, dim: int = DIM) -> Path:
    """A JSON-lines file of ``rows`` rows (id, title, year, a ``dim``-dimension vector), written once
    under the cache directory and reused."""
    path = cache / f"insert-{rows}x{dim}.jsonl"
    if path.exists():
        return path
    log(f"writing {path} ({rows:,} rows, once)")
    rnd = random.Random(7)
    part = path.with_suffix(".part")
    with open(part, "w") as f:
        for i in range(rows):
            row = {"id": i, "title": f"book number {i}", "year": 1900 + i % 120,
                   "vector": [round(rnd.random(), 6) for _ in range(dim)]}
            f.write(json.dumps(row) + "\n")
    os.replace(part, path)
    return path


def fresh_collection(address: str, dim: int = DIM) -> None:
    from pymilvus import DataType, MilvusClient

    client = pymilvus_client(address)
    if client.has_collection(COLLECTION):
        client.drop_collection(COLLECTION)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("title", DataType.VARCHAR, max_length=64)
    schema.add_field("year", DataType.INT32)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    client.create_collection(COLLECTION, schema=schema)
    client.close()


def row_count(address: str) -> int:
    client = pymilvus_client(address, timeout=120)
    client.flush(COLLECTION)
    n = client.get_collection_stats(COLLECTION)["row_count"]
    client.close()
    return int(n)


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    quiet_pymilvus()
    rows = args.insert_rows
    data = ensure_file(cache, rows)
    size_mb = data.stat().st_size / 2**20
    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp, servers.lite(Path(tmp) / "server") as server:
        env = terminal_env(Path(tmp) / "home")
        commands = {
            "shell": shell_argv() + ["--timeout", "60", "-c",
                                     f"connect b {server.address}; insert {COLLECTION} --file {data}"],
            "pymilvus": [sys.executable, "-c", PYMILVUS_SCRIPT, f"http://{server.address}", COLLECTION, str(data)],
        }
        walls = {name: Stat() for name in commands}
        cpus = {name: Stat() for name in commands}
        peaks = {name: Stat() for name in commands}
        log(f"insert: {rows:,} rows (dim {DIM}, {size_mb:.0f} MB), {args.insert_runs} round(s) of shell and pymilvus")
        for _ in range(args.insert_runs):
            for name, argv in commands.items():  # alternate, so drift hits both alike
                fresh_collection(server.address)
                done = watch_run(argv, stdout=subprocess.DEVNULL, env=env, limit=LIMIT)
                if not done.finished:
                    raise RuntimeError(f"{name}: insert of {rows:,} rows stopped at the {LIMIT:g} s limit")
                got = row_count(server.address)
                if got != rows:
                    raise RuntimeError(f"{name}: {got:,} rows in the collection after the insert, not {rows:,}")
                walls[name].add(done.wall)
                cpus[name].add(done.cpu)
                peaks[name].add(done.peak_kib)
                log(f"  {name}: {done.wall:.2f} s, {rows / done.wall:,.0f} rows/s, client CPU {done.cpu:.2f} s")
    rate = {name: Stat([rows / w for w in walls[name].values]) for name in commands}
    cpu_s = lambda v: f"{v:.2f} s"  # noqa: E731
    label = f"{rows:,} rows, dim {DIM}, {size_mb:.0f} MB of JSON lines"
    report.row(f"`milvus-shell -c 'connect …; insert C --file F'`, {label}: rows/s (whole process)",
               spread(rate["shell"], lambda v: fmt_rate(v, "rows/s")))
    report.row("… wall time / client CPU / peak RSS",
               f"{spread(walls['shell'], fmt_seconds)} / {spread(cpus['shell'], cpu_s)} / {spread(peaks['shell'], fmt_mb)}")
    report.row("… for scale: pymilvus `MilvusClient.insert` of the same batches (5,000 rows or 16 MB) from the same "
               "file: rows/s (whole process)", spread(rate["pymilvus"], lambda v: fmt_rate(v, "rows/s")))
    report.row("… pymilvus: wall time / client CPU / peak RSS",
               f"{spread(walls['pymilvus'], fmt_seconds)} / {spread(cpus['pymilvus'], cpu_s)} / "
               f"{spread(peaks['pymilvus'], fmt_mb)}")
    wall_ratio = walls["shell"].median / walls["pymilvus"].median
    cpu_ratio = cpus["shell"].median / cpus["pymilvus"].median
    report.row("**File insert vs pymilvus** (shell ÷ pymilvus, medians): wall time / client CPU",
               f"{wall_ratio:.2f}× / {cpu_ratio:.2f}×", budget=BUDGET,
               verdict=verdict(wall_ratio <= 1.10,
                               f"{(wall_ratio - 1) * 100:+.1f}% wall time ({(cpu_ratio - 1) * 100:+.1f}% client CPU)"))
