"""Query: `query C --limit all --format csv > file` over row collections: rows/s, CPU seconds, peak
and running RSS; side by side, run after run, a plain pymilvus script that exports the same rows
through its query_iterator to a CSV file (the budget: within 10% of it, start-up included); and
pymilvus's query_iterator in-process, nothing written, for scale. First the matrix of collection
shapes (export_shapes.py), each against pymilvus's iterator on the same data."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .common.procs import watch_run
from .common.report import Report, log, verdict
from .common.servers import Servers, pymilvus_client, quiet_pymilvus
from .common.shells import shell_argv
from .common.stats import Stat, fmt_mb, fmt_rate, fmt_seconds, spread
from .common.term import terminal_env

if TYPE_CHECKING:
    from .common.servers import LiteServer


# What a user would write to export a collection with pymilvus itself: its query_iterator at the
# largest batch, each page written as CSV as it comes (vectors as Python writes lists).
PYMILVUS_EXPORT = """
import csv, logging, os, sys
os.environ.setdefault("GRPC_VERBOSITY", "NONE")
from pymilvus import MilvusClient
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
address, name = sys.argv[1], sys.argv[2]
client = MilvusClient(uri="http://" + address, timeout=60)
fields = [f["name"] for f in client.describe_collection(name)["fields"]]
it = client.query_iterator(name, batch_size=16384, output_fields=fields, timeout=600)
out = csv.writer(sys.stdout, lineterminator="\\n")
out.writerow(fields)
while True:
    page = it.next()
    if not page:
        break
    out.writerows([[row[f] for f in fields] for row in page])
it.close()
"""


def ensure_rows(server: "LiteServer", name: str, rows: int) -> None:
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


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    from . import export_shapes  # the matrix of collection shapes, each against pymilvus's iterator

    export_shapes.run(report, args, servers, cache)
    sizes = [(f"rows_{n}", n) for n in args.query_rows]
    with servers.lite(cache / "lite-rows", ready_timeout=600) as server:
        for name, n in sizes:
            ensure_rows(server, name, n)
        peaks: dict[int, Stat] = {}
        for name, n in sizes:
            runs = args.query_runs if n <= 100_000 else max(1, args.query_runs - 1)
            log(f"query: {name}, {runs} run(s), each stopped after {args.query_limit:g} s at most")
            walls, peak, rate, cpu = Stat(), Stat(), Stat(), Stat()
            py_rate, py_cpu, py_peak = Stat(), Stat(), Stat()
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
                        cpu.add(run.cpu)
                        check_csv(report, out, n, name)
                    else:
                        capped.append((run.wall, written))
                        break  # one run stopped at the limit says enough
                    if args.query_direct:  # the same export by pymilvus, right after: the same load
                        with open(out, "w") as f:
                            base = watch_run([sys.executable, "-c", PYMILVUS_EXPORT, server.address, name],
                                             stdout=f, env=env, limit=args.query_limit)
                        if base.finished:
                            py_rate.add(n / base.wall)
                            py_cpu.add(base.cpu)
                            py_peak.add(base.peak_kib)
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
            if py_rate.n and rate.n:
                ratio = rate.median / py_rate.median
                report.row(f"… {n:,} rows: the same export by a pymilvus script (query_iterator, batch 16,384, "
                           "CSV to the file; whole process, run alternately with the shell): rows/s",
                           spread(py_rate, lambda v: fmt_rate(v, "rows/s")),
                           budget="shell within 10%", verdict=verdict(ratio >= 0.9, f"shell at {ratio:.0%} of it"))
                report.row(f"… {n:,} rows: CPU seconds (user + system), shell vs pymilvus script",
                           f"{spread(cpu, fmt_seconds)} vs {spread(py_cpu, fmt_seconds)}")
                report.row(f"… {n:,} rows: peak RSS of the pymilvus script", spread(py_peak, fmt_mb))
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

