"""The generated part of docs/performance.md: everything above the marker; what is below it was
written by hand and is kept as it is."""

from __future__ import annotations

import argparse
from pathlib import Path

from .machine import git_revision, package_versions
from .report import Report, log
from .servers import ROOT

ENTRY_POINT = "python -m scripts.bench"
# The line that ends the generated part. Found by its start, so that the wording after it may change.
MARKER_START = "<!-- Everything below this line is written by hand;"
KEEP_MARKER = MARKER_START + " the bench (python -m scripts.bench) keeps it when it rewrites the file. -->"


def kept_part(old: str) -> str:
    """What follows the marker line in ``old`` (the hand-written part), or "" when there is no marker."""
    at = old.find(MARKER_START)
    if at == -1:
        return ""
    end = old.find("\n", at)
    return "" if end == -1 else old[end + 1:].lstrip("\n")


def write_doc(path: Path, report: Report, info: dict[str, str], command: str, args: argparse.Namespace,
              elapsed: float) -> None:
    versions = package_versions(["prompt_toolkit", "pymilvus", "grpcio", "milvus-lite", "pexpect"])
    lines = [
        "# Performance",
        "",
        "Measured by `python -m scripts.bench` (public tools only: `time.perf_counter`, pexpect in a pseudo-terminal,",
        "`/proc/PID/status` VmHWM, `/usr/bin/time`). Every figure is the **median**, with the spread",
        "(min–max, or the interquartile range for many samples) and the number of runs. Budgets come from",
        "[design.md](../../shared/design.md) and issues 5 and 19; a budget stated as a ratio is checked",
        "against its anchor measured in the same run, the two taking turns. Servers are Milvus Lite processes the script starts on",
        "free loopback ports; data sets are built once under the cache directory and reused.",
        "",
        "Reproduce (from the repository root):",
        "",
        f"    {command}",
        "",
        "## Results",
        "",
        report.table(),
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- RAM: {info['ram']}",
        f"- OS: {info['os']}",
        f"- Python: {info['python']}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        f"- milvus-shell: git {git_revision(ROOT)}",
        f"- Date: {info['date']}; the whole run took {elapsed / 60:.1f} min"
        + (" (--quick)" if args.quick else ""),
        "- 1-minute load average as each section began (other work on the machine shows here): "
        + ", ".join(report.loads),
        "",
        "## How each figure is taken",
        "",
        "- **First prompt**: `pexpect.spawn` of the `milvus-shell` console script (resp. `milvus_cli`, the",
        "  bare prompt_toolkit floor) in a 120×40 pty with `PROMPT_TOOLKIT_NO_CPR=1`, a fresh temporary",
        "  `HOME` and XDG directories; the clock runs from just before the spawn to the moment the prompt",
        "  text (escape sequences stripped) is read from the pty. The programs take turns, round after",
        "  round (--startup-rounds), after one unrecorded round that warms the disk cache; each round",
        "  starts one program later than the one before. A ratio is the median of the rounds' ratios (two",
        "  starts one after the other share that moment's load). The package under test is byte-compiled",
        "  first, as an installation is. Peak RSS is the process's `VmHWM`",
        "  read right then, and again once VmHWM and the thread count have been still for 1 s (the",
        "  shell imports pymilvus on a background thread after the first paint).",
        "- **Overhead**: in-process, a shell built by the composition root as `cli.main` builds it for",
        "  scripts (`app.build_shell`, output to /dev/null), and one built as the REPL builds it",
        "  (`repl.interactive_shell`: handler on `CancellableRunner`'s worker thread, connection health",
        "  tracked, `interactive=True`).",
        "  `ping` makes two server calls (get_server_version + CheckHealth); the direct figure makes the same two",
        "  calls on a dedicated `MilvusClient` to the same server. Rounds alternate shell and direct so drift",
        "  hits both; the overhead is the per-round difference.",
        f"- **Completion**: a Milvus Lite holding {args.collections:,} collections (`coll_00000`…), the shell",
        f"  started with its address and a {args.history:,}-entry history file whose names (`hist_…`) never",
        "  match, so history auto-suggest scans every entry on each key (the worst case). In the pty a",
        "  prefix is typed, the screen left to settle 0.3 s, then one key is sent and the clock stops",
        "  when a menu entry that only the new menu holds is drawn (`coll_0DD0x`, below the fold of the",
        "  previous menu). In-process: `ShellCompleter.get_completions(Document(...), CompleteEvent())` with",
        "  the REPL's sources (`repl.completion_sources`), once the metadata cache has been filled.",
        "- **\"A few ms\"** is read as under 5 ms for in-process calls and under 10 ms in the pty, where a",
        "  bare prompt_toolkit prompt already needs ~3 ms to echo a key (its row in the table).",
        "- **Script**: `milvus-shell ADDRESS -f FILE` under `/usr/bin/time` (peak RSS), output to /dev/null;",
        "  the 1-command run is the same command line with a one-line file. One question:",
        "  `milvus-shell -c \"connect ADDRESS; count C\"` (and a `search … --limit 3`) against a plain pymilvus",
        "  script that makes a `MilvusClient` and asks the same (`query count(*)`, `search`), whole processes",
        "  taking turns, after one unrecorded round.",
        "- **Export shapes**: for each collection shape (made the quick way with a dynamic key; VarChar(64);",
        "  VarChar(65535) with short and with 2,000-character values; JSON; Array(Int64); sparse vectors;",
        "  1,536-dim float vectors) `milvus-shell ADDRESS -c 'query C --limit all --format csv' > file`",
        "  against a pymilvus script exporting the same rows through `query_iterator(batch_size=16384,",
        "  output_fields=[\"*\"])` to CSV, whole processes taking turns; the shell's CSV line count is checked.",
        "  The ratio is of the medians of wall time.",
        "- **Query**: `milvus-shell ADDRESS -c 'query C --limit all --format csv' > file`; while it runs the",
        "  file's lines and the process's VmRSS are sampled every 2 s; peak RSS is `ru_maxrss` from",
        "  `os.wait4`. A run is stopped (SIGINT, by its pid) after a time limit and then says so. The",
        "  CSV's line count is checked. Collection: int64 id, a short VarChar, a 4-dim FloatVector (FLAT",
        "  index, loaded).",
        f"- **Insert**: `milvus-shell --timeout 60 -c 'connect b ADDRESS; insert bench --file F'` with F a",
        f"  JSON-lines file of {args.insert_rows:,} rows (int64 id, a short VarChar, an Int32, a 128-dim",
        "  FloatVector; written once under the cache directory), against a pymilvus script that reads the",
        "  same file line by line, `json.loads` each line and calls `MilvusClient.insert` with the same",
        "  batches (5,000 rows or 16 MB of text). Whole processes, each into a fresh collection, taking",
        "  turns round after round (3 rounds unless --runs); the row count is checked after each. Client",
        "  CPU is user + system seconds from `os.wait4`: steadier than wall time on a shared machine.",
        "",
    ]
    if report.details:
        lines += ["## What the first prompt costs", ""]
        for d in report.details:
            lines += [d, ""]
    if report.notes:
        lines += ["## Notes from this run", ""] + [f"- {n}" for n in report.notes] + [""]
    kept = kept_part(path.read_text()) if path.exists() else ""
    lines += [KEEP_MARKER, "", kept.rstrip("\n") or "## Analysis\n\n(to be written by hand)", ""]
    path.write_text("\n".join(lines))
    log(f"wrote {path}")
