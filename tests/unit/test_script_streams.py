"""Scripts' input and output streams without a server: closed pipes and stdout, a full disk, bytes that are
not UTF-8, a byte order mark, directories, FIFOs and missing or unreadable scripts, bounded timeouts."""

from __future__ import annotations

import os
import subprocess
import threading

import pytest

from script_runs import FULL, command, read_two_lines_and_leave, shell


def test_a_closed_pipe_ends_a_script_of_help_texts_quietly():
    script = b"help exit\n" * 30000  # help text is data (status lines go to stderr in scripts)
    code, lines, err = read_two_lines_and_leave(stdin=script)
    assert lines == [b"usage: exit\n", b"\n"]
    assert err == "", err
    assert code == 1


def test_a_full_disk_is_said_once_in_words():
    with open("/dev/full", "wb") as full:
        r = subprocess.run(command("-c", "set; set timing off"), stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert r.stderr.decode() == FULL
    assert r.returncode == 1


def test_a_closed_stdout_is_said_in_words():
    # sh closes it before exec: no preexec_fn, whose fork would run gRPC's fork handlers in this process
    r = subprocess.run(["/bin/sh", "-c", 'exec "$@" >&-', "sh", *command("-c", "set")], stderr=subprocess.PIPE,
                       timeout=60)
    assert r.stderr.decode() == "milvus-shell: cannot write the output: standard output is closed\n"
    assert r.returncode == 1


def test_a_script_line_that_is_not_utf8(tmp_path):
    script = tmp_path / "s.msh"
    script.write_bytes(b"set pager on\nset \xff\xfe timing\nset pager off\n")
    r = shell("-f", str(script))
    assert r.returncode == 2
    # read line by line: line 1 ran (its status line is on stderr, as in every script), line 3 did not
    assert r.stderr.decode() == f"pager on\nerror: {script}:2: not valid UTF-8 (byte 0xff at byte 5 of the line)\n"
    assert r.stdout.decode() == ""


def test_stdin_that_is_not_utf8():
    r = shell(stdin=b"set pager on\n\xc3(\n")
    assert r.returncode == 2
    assert r.stderr.decode() == "pager on\nerror: line 2: not valid UTF-8 (byte 0xc3 at byte 1 of the line)\n"
    assert r.stdout.decode() == ""


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_a_byte_order_mark_and_crlf_line_ends_are_skipped(tmp_path, how):
    data = "\ufeffset pager on\r\nset pager off\r\n".encode()
    if how == "file":
        (tmp_path / "bom.msh").write_bytes(data)
        r = shell("-f", str(tmp_path / "bom.msh"))
    else:
        r = shell(stdin=data)
    assert r.stdout.decode() == ""  # status lines only, and in scripts they go to stderr
    assert r.returncode == 0
    assert r.stderr.decode() == "pager on\npager off\n"


def test_a_directory_is_not_a_script(tmp_path):
    r = shell("-f", str(tmp_path))
    assert r.returncode == 2
    assert r.stderr.decode() == f"milvus-shell: cannot read {tmp_path}: is a directory\n"


def test_a_missing_script(tmp_path):
    r = shell("-f", str(tmp_path / "nope.msh"))
    assert r.returncode == 2
    assert r.stderr.decode() == f"milvus-shell: cannot read {tmp_path / 'nope.msh'}: no such file or directory\n"


def test_an_unreadable_script(tmp_path):
    if os.geteuid() != 0:
        script = tmp_path / "locked.msh"
        script.write_text("set\n")
        script.chmod(0)
        r = shell("-f", str(script))
        assert r.returncode == 2
        assert r.stderr.decode() == f"milvus-shell: cannot read {script}: permission denied\n"
    else:  # root reads a file of mode 000; a file that opens but fails to read stands in
        r = shell("-f", "/proc/self/mem")
        assert r.returncode == 2
        assert "cannot read /proc/self/mem: input/output error" in r.stderr.decode()
        assert "Traceback" not in r.stderr.decode()


def test_a_fifo_is_a_script(tmp_path):
    fifo = tmp_path / "commands"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "wb") as f:
            f.write(b"set pager on\nset pager off\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    r = shell("-f", str(fifo))
    writer.join(10)
    assert r.stdout.decode() == ""  # status lines only, and in scripts they go to stderr
    assert r.returncode == 0
    assert r.stderr.decode() == "pager on\npager off\n"


def test_process_substitution_is_a_script():
    r = subprocess.run(["bash", "-c", 'exec "$@" -f <(printf "set pager on\\n")', "bash", *command()],
                       capture_output=True, timeout=60)
    assert r.stdout.decode() == ""
    assert r.returncode == 0
    assert r.stderr.decode() == "pager on\n"


def test_timeouts_are_bounded():
    r = shell("--timeout", "9e9", "-c", "set")
    assert r.returncode == 2
    assert "argument --timeout: is at most 3600 seconds, not '9e9'" in r.stderr.decode()
    r = shell("-c", "connect a 127.0.0.1:1 --timeout 9e9")
    assert r.returncode == 1
    assert r.stderr.decode().startswith("error: --timeout is at most 3600 seconds, not '9e9'")


def test_lite_refuses_an_empty_path(tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    r = shell("-c", "connect x --lite ''", cwd=here)
    assert r.returncode == 1
    assert r.stderr.decode().startswith("error: --lite needs a file or folder name, not an empty path")
    assert list(here.iterdir()) == []  # the current directory did not become a Lite folder
