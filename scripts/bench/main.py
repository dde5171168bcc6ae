"""The bench's command line: which sections run, how many times, at what sizes; the report at the end."""

from __future__ import annotations

import argparse
import compileall
import importlib
import sys
import time
import traceback
from pathlib import Path

from . import SECTIONS, __doc__ as DESCRIPTION
from .common.doc import ENTRY_POINT, write_doc
from .common.machine import machine, wait_idle
from .common.report import Report, log
from .common.servers import ROOT, Servers

# Sizes that, when changed, belong in the "Reproduce" command of the doc: (dest, flag, default).
SIZES = (("collections", "--collections", 10_000), ("history", "--history", 200_000),
         ("query_rows_text", "--query-rows", "100000,1000000"), ("script_commands", "--script-commands", 1000),
         ("insert_rows_given", "--insert-rows", None), ("startup_rounds", "--startup-rounds", 20))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog=ENTRY_POINT, description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer runs and iterations (a rough look)")
    p.add_argument("--write", metavar="FILE", help="rewrite FILE (docs/performance.md) with the results")
    p.add_argument("--only", metavar="LIST", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    p.add_argument("--cache-dir", default=str(Path.home() / ".cache" / "milvus-shell-bench"),
                   help="where milvus_cli's venv and the reusable data sets live")
    p.add_argument("--no-milvus-cli", action="store_true", help="do not install or run milvus_cli")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="before each section, wait up to SECONDS for the 1-minute load average to drop below 1")
    p.add_argument("--runs", type=int, metavar="N",
                   help="rounds of each whole-process measure (default 10, --quick 4; the insert section: 3)")
    p.add_argument("--collections", type=int, default=10_000,
                   help="collections on the completion server: 1000, 10000 or 100000 (default 10000)")
    p.add_argument("--history", type=int, default=200_000, help="entries in the big history file")
    p.add_argument("--startup-rounds", type=int, default=20, metavar="N",
                   help="rounds of the startup section, each starting every program once (its ratios are "
                   "the median of the rounds' ratios; a start takes ~0.3 s, so many rounds are cheap)")
    p.add_argument("--script-commands", type=int, default=1000, metavar="N", help="commands in the script section's file")
    p.add_argument("--query-rows", dest="query_rows_text", default="100000,1000000",
                   help="row counts for the query section")
    p.add_argument("--no-query-direct", dest="query_direct", action="store_false",
                   help="skip the pymilvus query_iterator baseline")
    p.add_argument("--query-batch", type=int, default=16_384, help="a second batch size for the pymilvus baseline")
    p.add_argument("--query-limit", type=float, metavar="SECONDS",
                   help="stop a query run after this long (default 300, --quick 120)")
    p.add_argument("--insert-rows", dest="insert_rows_given", type=int, metavar="N",
                   help="rows in the insert section's file (default 100000, --quick 20000)")
    args = p.parse_args(argv)
    args.sections = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")
    try:
        args.query_rows = sorted(int(x) for x in args.query_rows_text.split(","))
    except ValueError:
        p.error(f"--query-rows: comma-separated row counts, not {args.query_rows_text!r}")
    args.query_limit_given = args.query_limit
    if args.quick:
        runs, args.connects, args.rounds, args.iterations = 4, 10, 3, 300
        args.completion_calls, args.keystrokes, args.query_runs = 50, 5, 1
        args.query_limit = args.query_limit or 120
    else:
        runs, args.connects, args.rounds, args.iterations = 10, 30, 5, 1000
        args.completion_calls, args.keystrokes, args.query_runs = 200, 15, 3
        args.query_limit = args.query_limit or 300
    args.runs_given, args.runs = args.runs, args.runs or runs
    args.insert_runs = args.runs_given or 3  # whole inserts of 100,000 rows take ~20 s each: a median of 3
    args.insert_rows = args.insert_rows_given if args.insert_rows_given is not None else (20_000 if args.quick else 100_000)
    if args.insert_rows < 1:
        p.error("--insert-rows: at least 1")
    return args


def reproduce_command(args: argparse.Namespace) -> str:
    """The command line that gives this run again (for the doc)."""
    parts = [ENTRY_POINT]
    if args.quick:
        parts.append("--quick")
    if args.wait_idle:
        parts.append(f"--wait-idle {args.wait_idle:g}")
    if args.no_milvus_cli:
        parts.append("--no-milvus-cli")
    if args.runs_given:
        parts.append(f"--runs {args.runs_given}")
    if args.only:
        parts.append(f"--only {','.join(args.sections)}")
    if args.query_limit_given:
        parts.append(f"--query-limit {args.query_limit_given:g}")
    for dest, flag, default in SIZES:
        if getattr(args, dest) != default:
            parts.append(f"{flag} {getattr(args, dest)}")
    if args.write:
        parts.append(f"--write {args.write}")
    return " ".join(parts)


def code_under_test() -> Path:
    """Where the milvus_shell package that the bench's shells (in-process and console script) run lives."""
    import milvus_shell

    return Path(milvus_shell.__file__).resolve().parent


def compile_as_installed(package: Path, report: Report) -> None:
    """Byte-compile the package under test, as `pip install` does: a checkout run with
    PYTHONDONTWRITEBYTECODE (or a read-only one) would otherwise compile every module from source at
    each start, ~0.1 s the installed shell and the anchors (their packages compiled at install) never pay."""
    compileall.compile_dir(str(package), quiet=1)
    report.note(f"the package under test was byte-compiled first ({package}), as an installation is")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cache = Path(args.cache_dir).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    info = machine()
    log(f"bench: {', '.join(args.sections)} on {info['cpu']} ×{info['cores']}, {info['ram']}")
    report = Report()
    servers = Servers()
    measured = code_under_test()
    if not measured.is_relative_to(ROOT):
        report.note(f"the milvus_shell measured is {measured}, not this checkout's ({ROOT}): "
                    "set PYTHONPATH to the checkout (or install it) to measure this code")
    compile_as_installed(measured, report)
    began = time.perf_counter()
    failed = False
    try:
        for section in args.sections:
            load = wait_idle(args.wait_idle)
            report.loads.append(f"{section} {load:.2f}")
            log(f"== {section} (load average {load:.2f})")
            section_began = time.perf_counter()
            try:
                module = importlib.import_module(f"{__package__}.{section}")
                module.run(report, args, servers, cache)
            except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others
                failed = True
                traceback.print_exc()
                report.row(f"section `{section}`", f"**failed**: {type(exc).__name__}: {str(exc)[:200]}")
            log(f"== {section} took {time.perf_counter() - section_began:.0f} s")
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
        write_doc(Path(args.write), report, info, reproduce_command(args), args, elapsed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
