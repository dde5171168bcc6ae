"""Non-interactive modes, run as a real process: -c, -f, stdin, and their exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest


def shell(*args, stdin=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "milvus_shell", *args],
        input=stdin, capture_output=True, text=True, timeout=60, env=env,
    )


@pytest.mark.server
def test_c_runs_in_order_and_exits_0(lite_server):
    r = shell("-c", f"connect a {lite_server.address}", "-c", "ping a; connections")
    assert r.returncode == 0, r.stderr
    out, status = r.stdout, r.stderr  # data on stdout (ping's answer, the table); status lines on stderr
    assert status.startswith("connected a") and "connected a ->" not in out
    assert out.index("a (") < out.index("| alias")
    assert "\x1b[" not in out + status  # no colors when stdout is not a terminal


@pytest.mark.server
def test_c_stops_at_the_first_failure_with_exit_1(lite_server):
    r = shell("-c", f"connect a {lite_server.address}; ping nope; connections", "-c", "help")
    assert r.returncode == 1
    assert "unknown alias 'nope'" in r.stderr
    assert "| alias" not in r.stdout and "what it does" not in r.stdout


@pytest.mark.server
def test_file_mode_names_the_failing_line(lite_server, tmp_path):
    script = tmp_path / "s.msh"
    script.write_text(
        f"# set up\nconnect a {lite_server.address}\n\nping a\nping zzz\nconnections\n"
    )
    r = shell("-f", str(script))
    assert r.returncode == 1
    assert f"{script}:5: unknown alias 'zzz'" in r.stderr
    assert "| alias" not in r.stdout
    script.write_text(f"connect a {lite_server.address}\nping a\n")
    assert shell("-f", str(script)).returncode == 0


@pytest.mark.server
def test_stdin_mode(lite_server):
    r = shell(stdin=f"connect a {lite_server.address}\nconnections\n")
    assert r.returncode == 0, r.stderr
    assert "| alias" in r.stdout
    r = shell(stdin=f"connect a {lite_server.address}\nuse b\nconnections\n")
    assert r.returncode == 1
    assert "line 2: unknown alias 'b'" in r.stderr


@pytest.mark.server
def test_exit_ends_a_script_early(lite_server):
    r = shell(stdin="help\nexit\nping nope\n")
    assert r.returncode == 0


@pytest.mark.server
def test_address_argument_connects_default_first(lite_server):
    r = shell(lite_server.address, "-c", "connections")
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(f"connected default -> {lite_server.address}")  # first, before the command
    assert "| alias" in r.stdout


@pytest.mark.server  # --lite: an embedded Milvus Lite, no server fixture, so marked by hand
def test_lite_flag_default_directory_is_private(private_home):
    env = None  # conftest's private HOME/XDG_* are in os.environ
    r = shell("--lite", "-c", "connections", env=env)
    assert r.returncode == 0, r.stderr
    lite_dir = private_home / ".local/share/milvus-shell/lite.db"
    assert f"connected local -> {lite_dir}" in r.stderr
    assert lite_dir.is_dir()
    assert (lite_dir.parent.stat().st_mode & 0o777) == 0o700


@pytest.mark.server  # --lite: an embedded Milvus Lite, no server fixture, so marked by hand
def test_lite_flag_with_a_directory(tmp_path):
    r = shell("--lite", str(tmp_path / "mydata"), "-c", "ping local")
    assert r.returncode == 0, r.stderr
    assert "serving" in r.stdout
