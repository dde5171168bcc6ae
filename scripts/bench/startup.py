"""Startup: process start to the first prompt on screen in a pseudo-terminal, and peak memory then and
once the background warm-up has finished; the same for milvus_cli, a bare prompt_toolkit prompt, the
shell with a big history file, and the shell started with an ADDRESS or a profile (the connection is
made behind the prompt: also timed until its result is on screen). Also an import profile of the
interactive start."""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .common.procs import proc_status, wait_until_settled
from .common.report import MILVUS_CLI_VERSION, Report, log, verdict
from .common.shells import CLI_PROMPT, FLOOR_PROMPT, SHELL_PROMPT, floor_argv, history_path, shell_argv, write_history
from .common.stats import Stat, fmt_mb, fmt_seconds, spread
from .common.term import Term, terminal_env

if TYPE_CHECKING:
    from .common.servers import Servers


@dataclass
class Startup:
    first_prompt: Stat = field(default_factory=Stat)
    connected: Stat = field(default_factory=Stat)  # process start -> the start's connection reported
    hwm_at_prompt: Stat = field(default_factory=Stat)
    hwm_after: Stat = field(default_factory=Stat)
    errors: list[str] = field(default_factory=list)
    by_round: dict[int, float] = field(default_factory=dict)  # round -> its first prompt (for paired ratios)


def paired_ratio(a: Startup, b: Startup) -> float:
    """The median, over the rounds both were measured in, of a's first prompt over b's: two programs
    started one after the other share that moment's load, which a ratio of two medians does not."""
    rounds = sorted(set(a.by_round) & set(b.by_round))
    return statistics.median(a.by_round[r] / b.by_round[r] for r in rounds)


@dataclass
class Program:
    """A program whose first prompt is timed."""

    name: str
    argv: list[str]
    prompt: str
    settle: bool = True  # also read peak memory once the program has gone quiet
    prepare_home: Callable[[Path], None] | None = None
    timeout: float = 60.0
    then: str | None = None  # a pattern that comes after the prompt (the connection made behind it)


def measure_startups(programs: list[Program], runs: int) -> dict[str, Startup]:
    """Spawn each program in a pty ``runs`` times, round-robin so that every program meets the same
    conditions; one unrecorded round first warms the disk cache. Each round starts one program later,
    so that no program always follows the same one (a `--lite` start leaves its server ending, which
    slowed whatever came next)."""
    results = {p.name: Startup() for p in programs}
    for i in range(runs + 1):
        turn = i % len(programs)
        for program in programs[turn:] + programs[:turn]:
            startup_once(program, results[program.name], round_no=i)
    return results


def startup_once(program: Program, result: Startup, round_no: int) -> None:
    """One start of ``program``; round 0 only warms the disk cache and is not recorded."""
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        home = Path(tmp)
        env = terminal_env(home)
        if program.prepare_home:
            program.prepare_home(home)
        term = Term(program.argv, env, cwd=tmp)
        try:
            seen = term.wait(program.prompt, program.timeout)
            at_prompt = proc_status(term.pid)  # read at once: before the warm-up has gone far
            then = term.wait(program.then, program.timeout) if program.then else None
            after = wait_until_settled(term.pid) if program.settle else {}
        except (TimeoutError, EOFError) as exc:
            result.errors.append(str(exc))
            term.close()
            return
        term.close()
    if round_no == 0:
        return
    result.first_prompt.add(seen - term.started)
    result.by_round[round_no] = seen - term.started
    if then is not None:
        result.connected.add(then - term.started)
    result.hwm_at_prompt.add(at_prompt.get("VmHWM", 0))
    if after:
        result.hwm_after.add(after.get("VmHWM", 0))


def ensure_milvus_cli(cache: Path) -> tuple[Path | None, str]:
    """milvus_cli in its own virtual environment under the cache dir; (path, "") or (None, why not)."""
    venv = cache / "milvus_cli-venv"
    exe = venv / "bin" / "milvus_cli"
    marker = venv / f".installed-{MILVUS_CLI_VERSION}"
    if exe.exists() and marker.exists():
        return exe, ""
    log(f"installing milvus-cli=={MILVUS_CLI_VERSION} into {venv} (once)")
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    try:
        subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        f"milvus-cli=={MILVUS_CLI_VERSION}"], check=True, capture_output=True, timeout=1200)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"could not install milvus-cli=={MILVUS_CLI_VERSION}: {exc} {detail.decode(errors='replace')[-500:]}"
    if not exe.exists():
        return None, f"milvus-cli=={MILVUS_CLI_VERSION} installed but has no {exe}"
    marker.write_text("ok\n")
    return exe, ""


def run(report: Report, args: argparse.Namespace, servers: "Servers", cache: Path) -> None:
    runs = args.startup_rounds
    programs = [Program("shell", shell_argv(), SHELL_PROMPT)]
    why_no_cli = "skipped (--no-milvus-cli)"
    if not args.no_milvus_cli:
        exe, why_no_cli = ensure_milvus_cli(cache)
        if exe is not None:
            programs.append(Program("cli", [str(exe)], CLI_PROMPT, timeout=120))
    programs.append(Program("floor", floor_argv(), FLOOR_PROMPT, settle=False))
    programs.append(Program("history", shell_argv(), SHELL_PROMPT, settle=False,
                            prepare_home=lambda home: write_history(history_path(home), args.history)))
    with servers.lite(Path(tempfile.mkdtemp(prefix="bench-startup-lite-"))) as server:
        programs += connecting_programs(server.address)
        log(f"startup: {', '.join(p.name for p in programs)}, {runs} rounds (round-robin)")
        results = measure_startups(programs, runs)
    shell, floor, with_history = results["shell"], results["floor"], results["history"]
    cli = results.get("cli")
    if cli is not None and not cli.first_prompt:
        why_no_cli = "milvus_cli did not show its prompt: " + "; ".join(cli.errors[:2])
        cli = None
    for name, result in results.items():
        for e in result.errors:
            report.note(f"{name} startup run failed: {e}")
    if not shell.first_prompt:
        report.row("First prompt on screen (pty)", "did not start", budget="≤ 0.25 s", verdict="**FAILED**")
        return
    cli_cell = spread(cli.first_prompt, fmt_seconds) if cli else why_no_cli
    med = shell.first_prompt.median
    checks = [med <= 0.25]
    text = f"{fmt_seconds(med)} vs 0.25 s"
    if cli:
        ratio = paired_ratio(shell, cli)
        checks.append(ratio <= 0.5)
        text += f"; {ratio:.0%} of milvus_cli's"
    report.row("First prompt on screen (pty), process start → prompt drawn", spread(shell.first_prompt, fmt_seconds),
               cli_cell, "≤ 0.25 s and ≤ ½ of milvus_cli's", verdict(all(checks), text))
    if floor.first_prompt:
        report.row("… the anchor: a bare prompt_toolkit `PromptSession().prompt()` in the same pty, same rounds",
                   spread(floor.first_prompt, fmt_seconds))
        ratio = paired_ratio(shell, floor)
        report.row(f"First prompt, bare start: shell / bare prompt_toolkit prompt {PAIRED}", f"{ratio:.2f}×",
                   budget="≤ 1.15×", verdict=verdict(ratio <= 1.15, f"{ratio:.2f}×"))
    if with_history.first_prompt:
        med = with_history.first_prompt.median
        report.row(f"First prompt with a {args.history:,}-entry history file", spread(with_history.first_prompt, fmt_seconds),
                   budget="≤ 0.25 s", verdict=verdict(med <= 0.25, f"{fmt_seconds(med)}"))
    connecting_rows(report, results, shell, floor)
    report.row("Peak RSS (VmHWM) at the first prompt", spread(shell.hwm_at_prompt, fmt_mb),
               spread(cli.hwm_at_prompt, fmt_mb) if cli else "–")
    report.row("Peak RSS once warm-up is done (pymilvus imported in the background)",
               spread(shell.hwm_after, fmt_mb), spread(cli.hwm_after, fmt_mb) if cli else "–")
    import_profile(report)


CONNECTED = r"connected \w+ -> "
PAIRED = "(median of the rounds' ratios)"


def connecting_programs(address: str) -> list[Program]:
    """The shell started with an ADDRESS and with a profile of the config file, both on a Milvus Lite
    server: the first prompt, then the connect's result printed above it."""
    def profile_home(home: Path) -> None:
        folder = home / ".config" / "milvus-shell"
        folder.mkdir(parents=True)
        (folder / "config.toml").write_text(f'[connections.bench]\naddress = "{address}"\n')

    return [Program("address", shell_argv() + [address], SHELL_PROMPT, settle=False, then=CONNECTED),
            Program("lite", shell_argv() + ["--lite"], SHELL_PROMPT, settle=False, then=CONNECTED),
            Program("profile", shell_argv() + ["bench"], SHELL_PROMPT, settle=False, then=CONNECTED,
                    prepare_home=profile_home)]


def connecting_rows(report: Report, results: dict[str, Startup], bare: Startup, floor: Startup) -> None:
    for name, label in (("address", "`milvus-shell ADDRESS`"), ("profile", "`milvus-shell PROFILE` (config file)"),
                        ("lite", "`milvus-shell --lite` (Milvus Lite started in-process)")):
        result = results.get(name)
        if result is None or not result.first_prompt:
            report.row(f"First prompt, started with {label}", "did not start", budget="≤ 1.5× a bare start",
                       verdict="**FAILED**")
            continue
        ratio = paired_ratio(result, bare)
        where = "" if name == "lite" else " on a Milvus Lite server"
        report.row(f"First prompt, started with {label}{where} (the connection is made "
                   "behind the prompt)", spread(result.first_prompt, fmt_seconds), budget="≤ 1.5× a bare start",
                   verdict=verdict(ratio <= 1.5, f"{ratio:.2f}× the bare start"))
        if floor.first_prompt:
            to_floor = paired_ratio(result, floor)
            report.row(f"… {label}: shell / bare prompt_toolkit prompt {PAIRED}", f"{to_floor:.2f}×", budget="≤ 1.15×",
                       verdict=verdict(to_floor <= 1.15, f"{to_floor:.2f}×"))
        if result.connected:
            report.row(f"… then its connection reported above the prompt (process start → `connected …`)",
                       spread(result.connected, fmt_seconds))


def import_profile(report: Report) -> None:
    """python -X importtime of the interactive start, cut when the prompt is drawn: the biggest costs."""
    with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
        log_path = Path(tmp) / "importtime.txt"
        argv = ["/bin/sh", "-c", f"exec {shlex.quote(sys.executable)} -X importtime -m milvus_shell 2>{shlex.quote(str(log_path))}"]
        term = Term(argv, terminal_env(Path(tmp)), cwd=tmp)
        try:
            seen = term.wait(SHELL_PROMPT, 60) - term.started
            text = log_path.read_text()
        finally:
            term.close()
    entries = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:"):].split("|")
        try:
            own, total = int(parts[0]), int(parts[1])
        except ValueError:
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        entries.append((own, total, depth, name.strip()))
    total_us = sum(own for own, *_ in entries)
    by_package: dict[str, int] = {}
    for own, _, _, name in entries:
        root = name.split(".")[0]
        group = root if root in ("milvus_shell", "prompt_toolkit", "pygments", "wcwidth", "asyncio") else (
            "site (incl. the editable-install finder)" if root in ("site", "_virtualenv") or "editable" in root
            else "other stdlib and encodings")
        by_package[group] = by_package.get(group, 0) + own
    ours = sorted(((own, name) for own, _, _, name in entries if name.startswith("milvus_shell")), reverse=True)
    known = ("milvus_shell", "prompt_toolkit", "pygments", "wcwidth", "asyncio", "site", "__editable")
    others = sorted(((own, name) for own, _, _, name in entries if not name.startswith(known)), reverse=True)
    lines = [f"`python -X importtime -m milvus_shell`, cut when the prompt was drawn ({fmt_seconds(seen)} with "
             f"importtime's own overhead): {len(entries)} modules, {total_us / 1e3:.0f} ms of imports "
             "(self time, summed by package):", ""]
    lines += [f"- {group}: {us / 1e3:.0f} ms" for group, us in sorted(by_package.items(), key=lambda kv: -kv[1])]
    lines += ["", "milvus_shell's own modules by self time: "
              + ", ".join(f"`{name}` {own / 1e3:.1f} ms" for own, name in ours[:8])]
    lines += ["", "The biggest of the rest: " + ", ".join(f"`{name}` {own / 1e3:.1f} ms" for own, name in others[:8])]
    heavy = [name for *_, name in entries if name.split(".")[0] in ("pymilvus", "grpc", "pandas", "numpy")]
    lines += ["", "pymilvus / grpc / pandas / numpy imported before the first prompt: "
              + (f"**yes** ({len(heavy)} modules, e.g. {', '.join(heavy[:4])})" if heavy else "none")]
    report.details.append("\n".join(lines))

