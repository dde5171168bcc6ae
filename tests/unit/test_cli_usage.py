"""The command line without a server: usage errors exit 2, a failed address argument exits 1 before any
command runs, a parse error fails a script, --version and --help."""

from __future__ import annotations

import subprocess
import sys

import pytest

from servers import free_port


def shell(*args, stdin=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "milvus_shell", *args],
        input=stdin, capture_output=True, text=True, timeout=60, env=env,
    )


def test_parse_error_in_a_script_is_a_failed_command():
    r = shell("-c", "conect x")
    assert r.returncode == 1
    assert "unknown command 'conect'" in r.stderr and "did you mean connect?" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["--format", "xml"], "invalid choice"),
        (["--timeout", "-1"], "positive number"),
        (["--bogus"], "unrecognized arguments"),
        (["-f", "/no/such/file"], "cannot read /no/such/file"),
        (["h:1", "--lite"], "either ADDRESS or --lite"),
    ],
)
def test_usage_errors_exit_2(args, words):
    r = shell(*args, stdin="")
    assert r.returncode == 2
    assert words in r.stderr


def test_address_argument_failure_exits_1_without_running_commands():
    r = shell(f"127.0.0.1:{free_port()}", "-c", "help")
    assert r.returncode == 1
    assert "connection refused" in r.stderr
    assert "what it does" not in r.stdout
    assert "E1" not in r.stderr  # no gRPC log lines


def test_version_and_help():
    assert shell("--version").stdout.startswith("milvus-shell ")
    r = shell("--help")
    assert r.returncode == 0 and "--lite" in r.stdout
