"""Insert from a file: milvus-shell against pymilvus's own MilvusClient.insert of the same batches.

    python scripts/insert_bench.py [--rows 100000] [--dim 128] [--runs 3]

Starts a Milvus Lite server on a free port (tests/servers.py), writes a JSON-lines file of ROWS rows
(id, title, year, a DIM-dimension vector), and times whole processes, each into a fresh collection:

- shell:    python -m milvus_shell -c "connect b ADDRESS; insert bench --file F"
- pymilvus: a script that reads the same file line by line, json.loads each line, and calls
            MilvusClient.insert with batches cut the same way (5,000 rows or 16 MB of text)

Prints a Markdown table of medians (seconds, rows/s, the client process's CPU seconds) and the
shell's ratio to pymilvus. Wall time swings on a shared machine; client CPU is the steadier measure
of what the shell adds (the server's work is the same for both).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import LiteServer  # noqa: E402

COLLECTION = "bench"

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


def write_file(path: Path, rows: int, dim: int) -> None:
    rnd = random.Random(7)
    with open(path, "w") as f:
        for i in range(rows):
            row = {"id": i, "title": f"book number {i}", "year": 1900 + i % 120,
                   "vector": [round(rnd.random(), 6) for _ in range(dim)]}
            f.write(json.dumps(row) + "\n")


def fresh_collection(uri: str, dim: int) -> None:
    from pymilvus import DataType, MilvusClient  # noqa: PLC0415

    client = MilvusClient(uri=uri)
    if client.has_collection(COLLECTION):
        client.drop_collection(COLLECTION)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("title", DataType.VARCHAR, max_length=64)
    schema.add_field("year", DataType.INT32)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    client.create_collection(COLLECTION, schema=schema)
    client.close()


def count(uri: str) -> int:
    from pymilvus import MilvusClient  # noqa: PLC0415

    client = MilvusClient(uri=uri)
    client.flush(COLLECTION)
    n = client.get_collection_stats(COLLECTION)["row_count"]
    client.close()
    return int(n)


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the client process): CPU is steadier on a shared machine."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr or proc.stdout}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "rows.jsonl"
        write_file(data, args.rows, args.dim)
        size_mb = data.stat().st_size / 2**20
        with LiteServer(Path(tmp) / "lite") as server:
            uri = server.uri
            runs: dict[str, list[float]] = {"milvus-shell": [], "pymilvus": []}
            cpus: dict[str, list[float]] = {"milvus-shell": [], "pymilvus": []}
            commands = {
                "milvus-shell": [sys.executable, "-m", "milvus_shell", "--timeout", "60", "-c",
                                 f"connect b {server.address}; insert {COLLECTION} --file {data}"],
                "pymilvus": [sys.executable, "-c", PYMILVUS_SCRIPT, uri, COLLECTION, str(data)],
            }
            for _ in range(args.runs):
                for name, cmd in commands.items():  # alternate, so drift hits both alike
                    fresh_collection(uri, args.dim)
                    wall, cpu = timed(cmd)
                    runs[name].append(wall)
                    cpus[name].append(cpu)
                    got = count(uri)
                    if got != args.rows:
                        raise SystemExit(f"{name}: {got} rows in the collection, not {args.rows}")
    print(f"Insert of {args.rows:,} rows (dim {args.dim}, {size_mb:.0f} MB of JSON lines) into Milvus Lite, "
          f"whole process, median of {args.runs}:\n")
    print("| client | seconds | rows/s | client CPU s | runs (s) |")
    print("|---|---:|---:|---:|---|")
    medians, cpu_medians = {}, {}
    for name, times in runs.items():
        med = statistics.median(times)
        medians[name] = med
        cpu_medians[name] = statistics.median(cpus[name])
        print(f"| {name} | {med:.2f} | {args.rows / med:,.0f} | {cpu_medians[name]:.2f} | "
              f"{', '.join(f'{t:.2f}' for t in times)} |")
    ratio = medians["milvus-shell"] / medians["pymilvus"]
    cpu_ratio = cpu_medians["milvus-shell"] / cpu_medians["pymilvus"]
    print(f"\nmilvus-shell takes {ratio:.2f}x pymilvus's time ({(ratio - 1) * 100:+.1f}%), "
          f"{cpu_ratio:.2f}x its client CPU ({(cpu_ratio - 1) * 100:+.1f}%).")


if __name__ == "__main__":
    main()
