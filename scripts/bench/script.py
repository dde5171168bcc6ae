"""Script: one question asked by a script (`-c "connect ADDRESS; count C"`, and a search) against a
plain pymilvus script asking the same, whole processes run alternately; then a 1,000-command script
run with -f against a Milvus Lite: commands per second."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from .common.procs import timed_run
from .common.report import Report, verdict
from .common.servers import Servers, create_small, pymilvus_client, quiet_pymilvus
from .common.shells import has_command, shell_argv
from .common.stats import Stat, fmt_mb, fmt_rate, fmt_seconds, spread
from .common.term import terminal_env


def run(report: Report, args: argparse.Namespace, servers: Servers, cache: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp, servers.lite(Path(tmp) / "server") as server:
        quiet_pymilvus()
        create_small(server.address)
        one_question(report, args, server.address, Path(tmp))
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



# What a user would write to ask pymilvus one question (the anchor of the shell's -c).
PYMILVUS_COUNT = """
import logging, os, sys
os.environ.setdefault("GRPC_VERBOSITY", "NONE")
from pymilvus import MilvusClient
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
client = MilvusClient(uri="http://" + sys.argv[1], timeout=10)
print(client.query(sys.argv[2], filter="", output_fields=["count(*)"], timeout=10)[0]["count(*)"])
"""
PYMILVUS_SEARCH = """
import logging, os, sys
os.environ.setdefault("GRPC_VERBOSITY", "NONE")
from pymilvus import MilvusClient
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
client = MilvusClient(uri="http://" + sys.argv[1], timeout=10)
for hit in client.search(sys.argv[2], data=[[0.1, 0.2, 0.3, 0.4]], limit=3, output_fields=["tag"], timeout=10)[0]:
    print(hit["id"], hit["distance"], hit["entity"].get("tag"))
"""
QUESTION = "questions"


def one_question(report: Report, args: argparse.Namespace, address: str, tmp: Path) -> None:
    """``-c "connect ADDRESS; count C"`` and ``-c "connect ADDRESS; search C ..."`` against the same
    question from a plain pymilvus script, whole processes, alternately."""
    import sys  # noqa: PLC0415

    client = pymilvus_client(address)
    client.create_collection(QUESTION, dimension=4, timeout=60)  # the quick way: indexed and loaded
    client.insert(QUESTION, [{"id": i, "vector": [i / 100, 0.2, 0.3, 0.4], "tag": f"t{i}"} for i in range(100)],
                  timeout=60)
    client.close()
    env = terminal_env(tmp / "home-questions")
    cases = {
        "count": (shell_argv() + ["-c", f"connect {address}; count {QUESTION}"],
                  [sys.executable, "-c", PYMILVUS_COUNT, address, QUESTION]),
        "search": (shell_argv() + ["-c", f"connect {address}; search {QUESTION} --vector [0.1,0.2,0.3,0.4] "
                                         "--limit 3 --fields tag"],
                   [sys.executable, "-c", PYMILVUS_SEARCH, address, QUESTION]),
    }
    for name, (shell, plain) in cases.items():
        ours, theirs = Stat(), Stat()
        for i in range(args.runs + 1):
            wall, _, _ = timed_run(shell, env=env)
            base, _, _ = timed_run(plain, env=env)
            if i:  # the first round warms the disk cache
                ours.add(wall)
                theirs.add(base)
        ratio = ours.median / theirs.median
        report.row(f"`milvus-shell -c \"connect ADDRESS; {name} …\"` / a plain pymilvus script asking the same "
                   "(whole processes, alternately)",
                   f"{ratio:.2f}× ({spread(ours, fmt_seconds)} vs {spread(theirs, fmt_seconds)})",
                   budget="≤ 1.0×", verdict=verdict(ratio <= 1.0, f"{ratio:.2f}×"))
