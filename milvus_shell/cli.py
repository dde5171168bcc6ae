"""Command-line entry: argv picks a mode (interactive, -c, -f, stdin); every mode returns an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Iterable, Iterator, Sequence

from . import __version__
from .settings import FORMATS, Settings
from .shell import Shell

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_argparser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="milvus-shell",
        description="An interactive shell for the Milvus vector database.",
        epilog="Without -c, -f or piped input the shell is interactive. Exit status: 0 all commands "
        "succeeded, 1 a command failed, 2 usage error.",
    )
    p.add_argument("address", nargs="?", metavar="ADDRESS", help="connect alias 'default' to ADDRESS first")
    p.add_argument("--lite", nargs="?", const="", metavar="DIR",
                   help="start an embedded Milvus Lite on DIR (default: under the user's data directory) "
                   "and connect alias 'local'")
    p.add_argument("-c", "--command", action="append", default=[], metavar="CMD",
                   help="run CMD (';' separates commands) and exit; repeatable")
    p.add_argument("-f", "--file", metavar="FILE", help="run the commands in FILE and exit")
    p.add_argument("--timeout", type=_positive_float, default=10.0, metavar="SECONDS",
                   help="timeout for every server call (default 10)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
    p.add_argument("--no-color", action="store_true", help="no colors (NO_COLOR in the environment does the same)")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    p.add_argument("--version", action="version", version=f"milvus-shell {__version__}")
    return p


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"needs a positive number of seconds, not {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_argparser().parse_args(argv)
    except SystemExit as exc:  # argparse's own exit: 0 for --help/--version, 2 for usage errors
        return int(exc.code or 0)
    if args.address and args.lite is not None:
        print("milvus-shell: give either ADDRESS or --lite, not both", file=sys.stderr)
        return EXIT_USAGE
    _warn_of_secrets_in_argv(args)
    script = bool(args.command or args.file) or not sys.stdin.isatty()
    color = not args.no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    settings = Settings(timeout=args.timeout, format=args.format, color=color, debug=args.debug,
                        interactive=not script)
    if args.file is not None and not os.path.isfile(args.file):
        print(f"milvus-shell: cannot read {args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    if not script:
        from . import repl  # noqa: PLC0415 - prompt_toolkit's application stack only when interactive

        return repl.run(settings, lambda shell: _connect_first(shell, args))
    from .app import build_shell  # noqa: PLC0415

    shell = build_shell(settings)
    try:
        if not _connect_first(shell, args):
            return EXIT_FAILED
        return run_script(shell, _script_lines(args))
    finally:
        shell.ctx.registry.close()


def _warn_of_secrets_in_argv(args: argparse.Namespace) -> None:
    """A secret in argv can be read by every user of the machine (/proc/PID/cmdline) while we run."""
    from .commands import build_table  # noqa: PLC0415
    from .parser import secret_spans  # noqa: PLC0415

    table = build_table()
    if any(secret_spans(text, table) for text in [*args.command, args.address or ""]):
        print("milvus-shell: warning: a password or token on the command line can be read by every user "
              "of this machine (ps, /proc/PID/cmdline) while the shell runs; set MILVUS_PASSWORD or "
              "MILVUS_TOKEN instead, or give --password without a value to be asked", file=sys.stderr)


def _connect_first(shell: Shell, args: argparse.Namespace) -> bool:
    """Connect as argv asked (ADDRESS or --lite), through the ordinary command path."""
    from shlex import quote  # noqa: PLC0415

    if args.lite is not None:
        from .paths import default_lite_dir, private_dir  # noqa: PLC0415

        target = args.lite or str(default_lite_dir())
        if not args.lite:
            try:
                private_dir(default_lite_dir().parent)
            except OSError as exc:
                shell.renderer.error(f"cannot create {default_lite_dir().parent}: "
                                     f"{(exc.strerror or str(exc)).lower()} (give --lite DIR to use another)")
                return False
        return shell.run_line(f"connect local --lite {quote(target)}").ok
    if args.address:
        return shell.run_line(f"connect default {quote(args.address)}").ok
    return True


def _script_lines(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """(where, line) pairs: every -c, then the -f file, else stdin, read lazily."""
    for i, command in enumerate(args.command, 1):
        yield (f"-c #{i}: " if len(args.command) > 1 else ""), command
    if args.file is not None:
        with open(args.file, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                yield f"{args.file}:{n}: ", line.rstrip("\n")
    elif not args.command:
        for n, line in enumerate(sys.stdin, 1):
            yield f"line {n}: ", line.rstrip("\n")


def run_script(shell: Shell, lines: Iterable[tuple[str, str]]) -> int:
    """Run lines in order and stop at the first failure: exit 0, or 1 when a command failed."""
    for where, line in lines:
        if not line.strip():
            continue
        outcome = shell.run_line(line, where)
        if not outcome.ok:
            return EXIT_FAILED
        if outcome.exit_code is not None:
            return outcome.exit_code
    return EXIT_OK
