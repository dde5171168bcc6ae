"""Command-line entry: argv picks a mode (interactive, -c, -f, stdin); every mode returns an exit code."""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable, Iterator, Mapping, Sequence

from . import __version__
from .errors import os_reason
from .settings import SettingDef, Settings

if TYPE_CHECKING:
    from .config import Config
    from .shell import Shell

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_argparser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="milvus-shell",
        description="An interactive shell for the Milvus vector database.",
        epilog="Without -c, -f or piped input the shell is interactive. Exit status: 0 all commands "
        "succeeded, 1 a command failed (or the output could not be written: a closed pipe ends the run "
        "quietly), 2 usage error or an unreadable script.",
    )
    p.add_argument("address", nargs="?", metavar="ADDRESS|PROFILE",
                   help="connect alias 'default' to ADDRESS first, or alias PROFILE with the config file's "
                   "[connections.PROFILE]; in the interactive shell the prompt comes first, the connection "
                   "right after it")
    p.add_argument("--lite", nargs="?", const="", metavar="DIR",
                   help="start an embedded Milvus Lite on DIR (default: under the user's data directory) "
                   "and connect alias 'local'")
    p.add_argument("-c", "--command", action="append", default=[], metavar="CMD",
                   help="run CMD (';' separates commands) and exit; repeatable")
    p.add_argument("-f", "--file", metavar="FILE", help="run the commands in FILE and exit; a Markdown FILE.md (a recording) "
                   "replays the commands of its milvus-session blocks")
    p.add_argument("--config", metavar="PATH",
                   help="the config file (default $XDG_CONFIG_HOME/milvus-shell/config.toml)")
    from .settings import SETTINGS  # noqa: PLC0415

    for spec in SETTINGS:  # one flag per setting; it beats the config file
        listed = {"choices": spec.choices} if spec.choices else {"type": _setting_type(spec)}
        p.add_argument(spec.flag_name, dest=f"setting_{spec.name}", default=None, **listed,
                       metavar=spec.name.upper(),
                       help=_setting_help(spec))
    p.add_argument("--echo", action="store_true",
                   help="with -c, -f or piped input: print each command (to stderr, after the prompt the "
                   "interactive shell would show) before its output, so others can follow a prepared demo")
    p.add_argument("--keep-going", action="store_true",
                   help="in scripts: run past failed commands; the exit status is then 1 when any failed, and "
                   "how many is said on stderr (a line starting with ! is expected to fail: that is no failure)")
    p.add_argument("--step", action="store_true",
                   help="with -f, at a terminal: show each command and wait for a key before running it "
                   "(Enter runs it, s skips it, q stops the script)")
    p.add_argument("--check", action="store_true",
                   help="with -f FILE.md (a recording): compare what each command prints with the recording "
                   "and report every difference; exit status 1 when there is one")
    p.add_argument("--no-color", action="store_true", help="no colors (NO_COLOR in the environment does the same)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="in scripts, print only data, warnings and errors (no connected/loaded/... lines)")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    p.add_argument("--version", action="version", version=f"milvus-shell {__version__}")
    return p


def _setting_help(spec: SettingDef) -> str:
    """The setting's help, what its value is (unless the help says it already), and its default."""
    words = set(re.findall(r"[\w$]+", spec.help.lower()))
    value_words = set(re.findall(r"[\w$]+", spec.value_help.lower())) - {"a", "an", "or", "the"}
    value = "" if value_words <= words else f": {spec.value_help}"
    return f"{spec.help[:1].lower()}{spec.help[1:]}{value} (default {spec.show(spec.default)})"


def _setting_type(spec: SettingDef) -> Callable[[str], object]:
    def convert(text: str) -> object:
        from .kinds import KindError  # noqa: PLC0415 - only when the flag is given

        try:
            return spec.parse(text, spec.flag_name)
        except KindError as exc:
            raise argparse.ArgumentTypeError(exc.message.removeprefix(spec.flag_name + " ")) from None

    convert.__name__ = spec.name  # argparse names the type in its message
    return convert


def build_settings(args: argparse.Namespace, config_settings: dict[str, Any], environ: Mapping[str, str],
                   interactive: bool, stdout_tty: bool) -> Settings:
    """Defaults, then the config file's [settings], then the flags."""
    from .settings import SETTINGS  # noqa: PLC0415

    settings = Settings(debug=args.debug, interactive=interactive)
    for spec in SETTINGS:
        flag = getattr(args, f"setting_{spec.name}", None)
        value = flag if flag is not None else config_settings.get(spec.name)
        if value is not None:
            setattr(settings, spec.name, value)
    settings.color = settings.color and not args.no_color and "NO_COLOR" not in environ and stdout_tty
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_argparser().parse_args(argv)
    except SystemExit as exc:  # argparse's own exit: 0 for --help/--version, 2 for usage errors
        return int(exc.code or 0)
    if not _standard_streams():
        return EXIT_FAILED
    if args.address and args.lite is not None:
        print("milvus-shell: give either ADDRESS or --lite, not both", file=sys.stderr)
        return EXIT_USAGE
    _warn_of_secrets_in_argv(args)
    script = bool(args.command or args.file) or not sys.stdin.isatty()
    config = _read_config(args)
    settings = build_settings(args, config.settings, os.environ, not script, sys.stdout.isatty())
    settings.quiet = args.quiet and script
    refusal = _script_flags_refusal(args)
    if refusal:
        print(f"milvus-shell: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    start = _start_line(args, config)
    if start is None:
        return EXIT_FAILED
    try:
        script_file = _open_script(args.file) if args.file is not None else None
    except ScriptUnreadable as exc:
        print(f"milvus-shell: {exc}", file=sys.stderr)
        return EXIT_USAGE
    shell = None
    try:
        if not script:
            from . import repl  # noqa: PLC0415 - prompt_toolkit's application stack only when interactive

            return repl.run(settings, start.line, config=config, behind_prompt=start.behind_prompt)
        from .app import build_shell  # noqa: PLC0415

        from . import script_run  # noqa: PLC0415

        replay = script_run.Replay() if args.file is not None and looks_like_markdown(args.file) else None
        confirm = script_run.confirm_in_step if args.step else replay.confirm if replay else None
        shell = build_shell(settings, config=config, confirm=confirm)
        if start.line and not shell.run_line(start.line).ok:  # scripts: connect, then run
            return EXIT_FAILED
        return script_run.run_script(shell, _script_lines(args, script_file), echo=args.echo,
                                     keep_going=args.keep_going, check=args.check, replay=replay,
                                     step=script_run.terminal_step_key if args.step else None)
    except ScriptUnreadable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if script_file is not None:
            script_file.close()
        if shell is not None:
            shell.ctx.registry.close()
        _settle_output()


def _script_flags_refusal(args: argparse.Namespace) -> str:
    """Why --step or --check cannot be used as given ("" when they can)."""
    if args.step and args.file is None:
        return "--step steps through a script: give it with -f FILE"
    if args.step and not sys.stdin.isatty():
        return "--step waits for a key before each command: it needs a terminal (standard input is not one)"
    if args.check and (args.file is None or not looks_like_markdown(args.file)):
        return "--check compares a replay with its recording: give the recording with -f FILE.md"
    return ""


def _warn_of_secrets_in_argv(args: argparse.Namespace) -> None:
    """A secret in argv can be read by every user of the machine (/proc/PID/cmdline) while we run."""
    if not args.command:
        return  # an ADDRESS holding user:password@ is refused by connect, masked; no table before the prompt
    from .commands import build_table  # noqa: PLC0415
    from .line import Line  # noqa: PLC0415

    table = build_table()
    if any(Line(text, table).secrets for text in args.command):
        print("milvus-shell: warning: a password or token on the command line can be read by every user "
              "of this machine (ps, /proc/PID/cmdline) while the shell runs; set MILVUS_PASSWORD or "
              "MILVUS_TOKEN instead, or give --password without a value to be asked", file=sys.stderr)


def _standard_streams() -> bool:
    """Stand in for standard streams the shell was started without (``<&-``, ``2>&-``: Python makes
    them None): no stdin reads as an empty script, no stderr as /dev/null. Without stdout nothing
    can be shown: say so and return False."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the whole run
    if sys.stdout is None:
        print("milvus-shell: cannot write the output: standard output is closed", file=sys.stderr)
        return False
    return True


def _read_config(args: argparse.Namespace) -> Config:
    """The config file (--config PATH, else the XDG one); its problems are said on stderr, once."""
    from pathlib import Path  # noqa: PLC0415

    from .config import config_path, load_config  # noqa: PLC0415

    path = Path(args.config).expanduser() if args.config else config_path(os.environ)
    config = load_config(path)
    if args.config and not config.exists and not config.problems:
        config.problems.append(f"{path}: no such file; using the defaults")
    for problem in config.problems:
        print(f"milvus-shell: config: {problem}", file=sys.stderr)
    return config


class StartLine:
    """The connect argv asks for (ADDRESS, PROFILE or --lite), as a line of the shell."""

    def __init__(self, line: str = "", behind_prompt: bool = True) -> None:
        self.line = line
        self.behind_prompt = behind_prompt  # False when it must ask for a password first


def _start_line(args: argparse.Namespace, config: Config) -> StartLine | None:
    """The first line to run; None (after saying why) when argv asks for something impossible."""
    from shlex import quote  # noqa: PLC0415

    from .addresses import looks_like_address  # noqa: PLC0415

    if args.lite is not None:
        from .paths import default_lite_dir, private_dir  # noqa: PLC0415

        target = args.lite or str(default_lite_dir())
        if not args.lite:
            try:
                private_dir(default_lite_dir().parent)
            except OSError as exc:
                print(f"error: cannot create {default_lite_dir().parent}: "
                      f"{(exc.strerror or str(exc)).lower()} (give --lite DIR to use another)", file=sys.stderr)
                return None
        return StartLine(f"connect local --lite {quote(target)}")
    if args.address:
        profile = None if looks_like_address(args.address) else config.profile(args.address)
        if profile is not None:
            return StartLine(f"connect {args.address}", behind_prompt=not profile.password_prompt)
        return StartLine(f"connect default {quote(args.address)}")
    return StartLine()


def _script_lines(args: argparse.Namespace, script_file: BinaryIO | None = None) -> Iterator[tuple[str, str]]:
    """(where, line) pairs: every -c, then the -f file, else stdin, read lazily."""
    for i, command in enumerate(args.command, 1):
        yield (f"-c #{i}: " if len(args.command) > 1 else ""), command
    if script_file is not None and looks_like_markdown(args.file):
        yield from _recorded_lines(script_file, args.file)
    elif script_file is not None:
        yield from script_lines(script_file, args.file, lambda n: f"{args.file}:{n}: ")
    elif not args.command:
        yield from script_lines(sys.stdin.buffer, "standard input", lambda n: f"line {n}: ")


class ScriptUnreadable(Exception):
    """The script (-f FILE or stdin) cannot be read as text: exit status 2, one line naming it."""


def _recorded_lines(stream: BinaryIO, name: str) -> Iterator[Any]:
    """The commands of a recorded Markdown session (record FILE), each with what it printed."""
    from .script_run import recorded_lines  # noqa: PLC0415
    from .transcript import TranscriptError  # noqa: PLC0415

    text = "\n".join(line for _, line in script_lines(stream, name, lambda n: f"{name}:{n}: "))
    try:
        yield from recorded_lines(name, text)
    except TranscriptError as exc:
        raise ScriptUnreadable(str(exc)) from None


def _open_script(path: str) -> BinaryIO:
    """Open -f FILE for reading: a file, or any readable stream (a FIFO, as from <(...)).

    A file that cannot be opened (missing, not permitted, a directory: open() refuses one) raises
    ScriptUnreadable, before anything is run.
    """
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed by main
    except OSError as exc:
        raise ScriptUnreadable(f"cannot read {path}: {os_reason(exc)}") from None
    return f


def script_lines(stream: BinaryIO, name: str, where: Callable[[int], str]) -> Iterator[tuple[str, str]]:
    """(where, line) for each line of ``stream``, read one line at a time and decoded as UTF-8.

    A UTF-8 byte order mark at the start is skipped; a line ending (LF or CRLF) is dropped. A line
    that is not UTF-8, or a failed read, raises ScriptUnreadable naming the line.
    """
    n = 0
    while True:
        try:
            raw = stream.readline()
        except OSError as exc:
            raise ScriptUnreadable(f"{where(n + 1)}cannot read {name}: {os_reason(exc)}") from None
        if not raw:
            return
        n += 1
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScriptUnreadable(
                f"{where(n)}not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} of the line)"
            ) from None
        yield where(n), line.removesuffix("\n").removesuffix("\r")


def looks_like_markdown(name: str) -> bool:
    """Whether ``name`` is a recorded Markdown session (the transcript module loads only for scripts)."""
    from .transcript import looks_like_markdown as markdown  # noqa: PLC0415

    return markdown(name)


def _settle_output() -> None:
    """After a write to stdout or stderr failed (a closed pipe, a full disk), let the interpreter's
    last flush of that stream go to /dev/null: the failure was dealt with (reported, or a closed
    pipe ended the run quietly), and Python would otherwise print "Exception ignored" at exit."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass


def run_script(shell: "Shell", lines: Iterable[tuple[str, str]], echo: bool = False) -> int:
    """Run lines in order and stop at the first failure: exit 0, or 1 when a command failed."""
    from .script_run import run_script as run  # noqa: PLC0415

    return run(shell, lines, echo=echo)
