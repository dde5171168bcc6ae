"""The export matrix: `query C --limit all --format csv > file` for each collection shape (the quick
way with a dynamic field, VarChar(64), VarChar(65535) with short and long values, JSON, arrays,
sparse vectors, 1,536-dim float vectors) against a pymilvus script exporting the same rows through its
query_iterator; whole processes, run alternately, the same data; each shape's ratio reported."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from .common.procs import watch_run
from .common.report import Report, log, verdict
from .common.servers import Servers, pymilvus_client, quiet_pymilvus
from .common.shells import shell_argv
from .common.stats import Stat, fmt_mb, fmt_seconds, spread
from .common.term import terminal_env

# What a user would write to export any collection with pymilvus: its query_iterator at the largest
# batch, every field (the dynamic keys too), each page written as CSV as it comes.
PYMILVUS_EXPORT = """
import csv, logging, os, sys
os.environ.setdefault("GRPC_VERBOSITY", "NONE")
from pymilvus import MilvusClient
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
address, name = sys.argv[1], sys.argv[2]
client = MilvusClient(uri="http://" + address, timeout=60)
it = client.query_iterator(name, batch_size=16384, output_fields=["*"], timeout=600)
out = csv.writer(sys.stdout, lineterminator="\\n")
fields = None
while True:
    page = it.next()
    if not page:
        break
    if fields is None:
        fields = list(page[0].keys())
        out.writerow(fields)
    out.writerows([[row.get(f) for f in fields] for row in page])
it.close()
"""


def _fields(dt: Any, extra: Callable[[Any], None]) -> Any:
    from pymilvus import MilvusClient

    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", dt.INT64, is_primary=True)
    extra(schema)
    return schema


def _shapes(quick: bool) -> dict[str, dict[str, Any]]:
    """name → rows, schema builder (None: the quick way), vector field, index, row maker."""
    from pymilvus import DataType as dt

    rnd = random.Random(7)
    vec4 = lambda s: s.add_field("vec", dt.FLOAT_VECTOR, dim=4)  # noqa: E731
    n = 20_000 if quick else 60_000
    long_text = "".join(rnd.choice("abcdefghij ") for _ in range(2000))
    return {
        "quick (dynamic field)": dict(rows=n, schema=None, vector="vector", row=lambda i: {
            "id": i, "vector": [rnd.random() for _ in range(4)], "color": f"c{i % 97}"}),
        "VarChar(64)": dict(rows=n, schema=lambda s: (s.add_field("text", dt.VARCHAR, max_length=64), vec4(s)),
                            row=lambda i: {"id": i, "text": f"t{i % 997}", "vec": [rnd.random() for _ in range(4)]}),
        "VarChar(65535), short values": dict(
            rows=n, schema=lambda s: (s.add_field("text", dt.VARCHAR, max_length=65535), vec4(s)),
            row=lambda i: {"id": i, "text": f"t{i % 997}", "vec": [rnd.random() for _ in range(4)]}),
        "VarChar(65535), 2,000-char values": dict(
            rows=n // 4, schema=lambda s: (s.add_field("text", dt.VARCHAR, max_length=65535), vec4(s)),
            row=lambda i: {"id": i, "text": long_text[i % 100:] + str(i), "vec": [rnd.random() for _ in range(4)]}),
        "JSON": dict(rows=n, schema=lambda s: (s.add_field("meta", dt.JSON), vec4(s)),
                     row=lambda i: {"id": i, "meta": {"k": i, "tag": f"t{i % 13}", "ok": i % 2 == 0},
                                    "vec": [rnd.random() for _ in range(4)]}),
        "Array(Int64, 16)": dict(
            rows=n, schema=lambda s: (s.add_field("tags", dt.ARRAY, element_type=dt.INT64, max_capacity=16), vec4(s)),
            row=lambda i: {"id": i, "tags": [i % 7, i % 11, i % 13], "vec": [rnd.random() for _ in range(4)]}),
        "sparse vectors": dict(
            rows=n, schema=lambda s: s.add_field("sparse", dt.SPARSE_FLOAT_VECTOR), vector="sparse",
            index=("SPARSE_INVERTED_INDEX", "IP"),
            row=lambda i: {"id": i, "sparse": {rnd.randrange(10_000): rnd.random() for _ in range(8)}}),
        "FloatVector(1536)": dict(
            rows=n // 10 if quick else n // 4, schema=lambda s: s.add_field("vec", dt.FLOAT_VECTOR, dim=1536),
            row=lambda i: {"id": i, "vec": [rnd.random() for _ in range(1536)]}),
    }


def _collection_name(shape: str) -> str:
    return "shape_" + "".join(c if c.isalnum() else "_" for c in shape.lower()).strip("_")


def ensure_shape(address: str, name: str, spec: dict[str, Any]) -> None:
    """Collection ``name`` with ``spec["rows"]`` rows of its shape, loaded (built once, kept)."""
    quiet_pymilvus()
    from pymilvus import DataType

    client = pymilvus_client(address, timeout=600)
    try:
        rows = spec["rows"]
        if client.has_collection(name, timeout=60):
            if int(client.get_collection_stats(name, timeout=60).get("row_count", 0)) == rows:
                client.load_collection(name, timeout=600)
                return
            client.drop_collection(name, timeout=60)
        log(f"export shapes: creating {name} with {rows:,} rows (once)")
        if spec["schema"] is None:
            client.create_collection(name, dimension=4, timeout=60)
        else:
            schema = _fields(DataType, spec["schema"])
            index = client.prepare_index_params()
            kind, metric = spec.get("index", ("FLAT", "L2"))
            index.add_index(spec.get("vector", "vec"), index_type=kind, metric_type=metric)
            client.create_collection(name, schema=schema, index_params=index, timeout=60)
        make = spec["row"]
        step = 2_000 if rows <= 20_000 else 5_000
        for start in range(0, rows, step):
            client.insert(name, [make(i) for i in range(start, min(rows, start + step))], timeout=600)
        client.flush(name, timeout=600)
        client.load_collection(name, timeout=600)
    finally:
        client.close()


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    quiet_pymilvus()
    shapes = _shapes(args.quick)
    runs = 2 if args.quick else 3
    with servers.lite(cache / "lite-shapes", ready_timeout=600) as server:
        for shape, spec in shapes.items():
            ensure_shape(server.address, _collection_name(shape), spec)
        with tempfile.TemporaryDirectory(prefix="bench-shapes-") as tmp:
            out = Path(tmp) / "out.csv"
            env = terminal_env(Path(tmp) / "home")
            for shape, spec in shapes.items():
                name, rows = _collection_name(shape), spec["rows"]
                log(f"export shapes: {shape} ({name}), {rows:,} rows, {runs} alternating run(s) each")
                shell, anchor, shell_peak, anchor_peak = Stat(), Stat(), Stat(), Stat()
                failed = ""
                for _ in range(runs):
                    with open(out, "w") as f:
                        got = watch_run(shell_argv() + [server.address, "-c", f"query {name} --limit all --format csv"],
                                        stdout=f, env=env, limit=args.query_limit)
                    lines = _lines(out)
                    if not got.finished or got.status != 0 or lines != rows + 1:
                        failed = f"shell run ended with status {got.status}, {lines - 1:,} of {rows:,} rows written"
                        break
                    shell.add(got.wall)
                    shell_peak.add(got.peak_kib)
                    with open(out, "w") as f:
                        base = watch_run([sys.executable, "-c", PYMILVUS_EXPORT, server.address, name],
                                         stdout=f, env=env, limit=args.query_limit)
                    if base.finished and base.status == 0:
                        anchor.add(base.wall)
                        anchor_peak.add(base.peak_kib)
                label = f"Export, {shape}, {rows:,} rows: shell / pymilvus query_iterator script (whole processes)"
                if failed or not anchor:
                    report.row(label, f"**failed**: {failed or 'the pymilvus script did not finish'}")
                    continue
                ratio = shell.median / anchor.median
                report.row(label, f"{ratio:.2f}× ({spread(shell, fmt_seconds)} vs {spread(anchor, fmt_seconds)}; "
                           f"peak RSS {fmt_mb(shell_peak.median)} vs {fmt_mb(anchor_peak.median)})",
                           budget="≤ 1.1×", verdict=verdict(ratio <= 1.1, f"{ratio:.2f}×"))


def _lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


if __name__ == "__main__":  # a direct look: python -m scripts.bench.export_shapes ADDRESS
    began = time.perf_counter()
    for shape, spec in _shapes(True).items():
        ensure_shape(sys.argv[1], _collection_name(shape), spec)
    log(f"built in {time.perf_counter() - began:.0f} s")
