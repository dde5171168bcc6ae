"""Search: the shell's cost on `search` (one dense vector; a hybrid of two) against pymilvus's own
MilvusClient.search / hybrid_search of the same requests on the same collection, in-process (per call,
paired by round) and as whole processes (`milvus-shell ADDRESS -c "search ..."` against a pymilvus
script that connects and makes the same call)."""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from .common.procs import timed_run
from .common.report import Report, log, verdict
from .common.servers import Servers, pymilvus_client, quiet_pymilvus
from .common.shells import run_ok, script_shell, shell_argv
from .common.stats import Stat, fmt_seconds, spread
from .common.term import terminal_env

NAME = "bench_search"
DIM = 8
ROWS = 1_000
LIMIT = 10

DIRECT_PROGRAM = """
import json, sys
from pymilvus import AnnSearchRequest, MilvusClient, RRFRanker
address, name, q1, q2, hybrid = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5]
client = MilvusClient(uri=f"http://{address}", dedicated=True)
if hybrid == "1":
    reqs = [AnnSearchRequest([q1], "dense", {"metric_type": "L2", "params": {}}, 10),
            AnnSearchRequest([q2], "dense2", {"metric_type": "IP", "params": {}}, 10)]
    hits = client.hybrid_search(name, reqs, RRFRanker(), limit=10, output_fields=["title"], timeout=10)
else:
    hits = client.search(name, data=[q1], anns_field="dense", limit=10, output_fields=["title"],
                         search_params={"metric_type": "L2", "params": {}}, timeout=10)
for h in hits[0]:
    print(h["id"], h["distance"], h["entity"]["title"])
"""


def create(address: str) -> None:
    from pymilvus import DataType, MilvusClient

    client = pymilvus_client(address)
    if client.has_collection(NAME):
        client.drop_collection(NAME)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("title", DataType.VARCHAR, max_length=64)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("dense2", DataType.FLOAT_VECTOR, dim=DIM)
    index = client.prepare_index_params()
    index.add_index("dense", index_type="FLAT", metric_type="L2")
    index.add_index("dense2", index_type="FLAT", metric_type="IP")
    client.create_collection(NAME, schema=schema, index_params=index, consistency_level="Strong")
    rng = random.Random(1)
    for start in range(0, ROWS, 500):
        client.insert(NAME, [{"id": i, "title": f"row {i}", "dense": [rng.random() for _ in range(DIM)],
                              "dense2": [rng.random() for _ in range(DIM)]} for i in range(start, start + 500)])
    client.close()


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    quiet_pymilvus()
    from pymilvus import AnnSearchRequest, RRFRanker

    rng = random.Random(2)
    q1 = [round(rng.random(), 4) for _ in range(DIM)]
    q2 = [round(rng.random(), 4) for _ in range(DIM)]
    dense_line = f"search {NAME} --vector 'dense={json.dumps(q1)}' --limit {LIMIT} --fields title"
    hybrid_line = (f"search {NAME} --vector 'dense={json.dumps(q1)}' --vector 'dense2={json.dumps(q2)}' "
                   f"--limit {LIMIT} --fields title")
    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp, servers.lite(Path(tmp) / "server") as server, \
            contextlib.ExitStack() as stack:
        address = server.address
        create(address)
        shell = script_shell()
        stack.callback(shell.ctx.registry.close)
        run_ok(shell, f"connect default {address}")
        client = pymilvus_client(address, timeout=10)
        stack.callback(client.close)

        def direct_dense() -> None:
            client.search(NAME, data=[q1], anns_field="dense", limit=LIMIT, output_fields=["title"],
                          search_params={"metric_type": "L2", "params": {}}, timeout=10)

        def direct_hybrid() -> None:
            reqs = [AnnSearchRequest([q1], "dense", {"metric_type": "L2", "params": {}}, LIMIT),
                    AnnSearchRequest([q2], "dense2", {"metric_type": "IP", "params": {}}, LIMIT)]
            client.hybrid_search(NAME, reqs, RRFRanker(), limit=LIMIT, output_fields=["title"], timeout=10)

        def direct_describe() -> None:  # what the shell asks besides the search: the schema and the indexes
            client.describe_collection(NAME, timeout=10)
            for index in client.list_indexes(NAME, timeout=10):
                client.describe_index(NAME, index, timeout=10)

        def via_shell(line: str) -> Callable[[], None]:
            run_line = shell.run_line
            return lambda: run_line(line)

        cases: list[tuple[str, Callable[[], None]]] = [
            ("shell dense", via_shell(dense_line)), ("direct dense", direct_dense),
            ("shell hybrid", via_shell(hybrid_line)), ("direct hybrid", direct_hybrid),
            ("direct describe", direct_describe),
        ]
        n = max(20, min(args.iterations // 3, 200))
        log(f"search: {args.rounds} rounds × {n} calls of each of {len(cases)} cases")
        for _, fn in cases:
            fn()
        per_call = {name: Stat() for name, _ in cases}
        for _ in range(args.rounds):
            for name, fn in cases:
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                per_call[name].add((time.perf_counter() - t0) / n)

        def paired(a: str, b: str) -> Stat:
            return Stat([x - y for x, y in zip(per_call[a].values, per_call[b].values)])

        us = lambda v: f"{v * 1e6:.0f} µs"  # noqa: E731
        for kind, what in (("dense", f"one {DIM}-dim vector, FLAT L2, {ROWS:,} rows, limit {LIMIT}"),
                           ("hybrid", "two vector fields fused by RRF")):
            report.row(f"`search` ({what}) via Shell.run_line, per call, {args.rounds}×{n}",
                       spread(per_call[f"shell {kind}"], us))
            report.row(f"… pymilvus's own {'search' if kind == 'dense' else 'hybrid_search'}, per call",
                       spread(per_call[f"direct {kind}"], us))
            over = paired(f"shell {kind}", f"direct {kind}")
            report.row(f"**Shell overhead on `search` ({kind})**: shell − direct, paired by round (the schema "
                       "and indexes are kept a few seconds: a fresh describe at most once a round)",
                       spread(over, us), budget="< 1 ms", verdict=verdict(over.median < 1e-3, f"{over.median * 1e6:.0f} µs"))
        report.row("… what a fresh schema costs when the kept one has expired (describe_collection + "
                   "list_indexes + describe_index ×2), per call", spread(per_call["direct describe"], us))

        # whole processes: the shell's -c against a pymilvus script doing the same
        for kind, line in (("dense", dense_line), ("hybrid", hybrid_line)):
            ours, theirs = Stat(), Stat()
            direct = [sys.executable, "-c", DIRECT_PROGRAM, address, NAME, json.dumps(q1), json.dumps(q2),
                      "1" if kind == "hybrid" else "0"]
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
                    env = terminal_env(Path(home))
                    wall, _, _ = timed_run(shell_argv() + [address, "-c", line], env=env)
                    ours.add(wall)
                    wall, _, _ = timed_run(direct, env=env)
                    theirs.add(wall)
            ratio = ours.median / theirs.median
            report.row(f"`milvus-shell ADDRESS -c \"search …\"` ({kind}): whole process", spread(ours, fmt_seconds))
            report.row(f"… a pymilvus script: MilvusClient + {'hybrid_search' if kind == 'hybrid' else 'search'}, "
                       "whole process", spread(theirs, fmt_seconds), budget="within 10%",
                       verdict=verdict(ratio <= 1.10, f"{ratio:.2f}×"))
