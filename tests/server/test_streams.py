"""The shell's streams as a real process sees them: a reader that leaves early, a full disk, a closed
stdout, scripts that are not UTF-8 or not readable files, a FIFO; and the bounds on numbers and
vectors as a script meets them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

ROWS_COLLECTION = "streams_rows"
ROWS = 3000  # ~400 KB of table: far beyond a pipe's buffer (64 KB), so the writer meets the closed end
NOISE = ("Traceback", "Exception ignored", "internal error", "Error")
FULL = "error: cannot write the output: no space left on device\n"


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "milvus_shell", *args]


def shell(*args: str, stdin: bytes | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), input=stdin, capture_output=True, timeout=60, **kwargs)


def read_two_lines_and_leave(*args: str, stdin: bytes | None = None) -> tuple[int, list[bytes], str]:
    """Run the shell with stdout into a pipe of which two lines are read before it is closed
    (what `| head -2` does); return its exit status, the two lines and its stderr."""
    proc = subprocess.Popen(command(*args), stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if stdin is not None:
        threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True).start()
    lines = [proc.stdout.readline(), proc.stdout.readline()]
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=60), lines, err


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except BrokenPipeError:  # the shell stopped reading its script: expected
        pass


@pytest.fixture(scope="module")
def rows_server(lite_server):
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(**lite_server.client_kwargs(), dedicated=True)
    try:
        if client.has_collection(ROWS_COLLECTION):
            client.drop_collection(ROWS_COLLECTION)
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("text", DataType.VARCHAR, max_length=256)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        index = client.prepare_index_params()
        index.add_index("v", index_type="FLAT", metric_type="L2")
        client.create_collection(ROWS_COLLECTION, schema=schema, index_params=index, consistency_level="Strong")
        client.insert(ROWS_COLLECTION, [{"id": i, "text": f"row {i} " + "x" * 100, "v": [i / ROWS, 1.0]}
                                        for i in range(ROWS)])
        client.flush(ROWS_COLLECTION)
        client.load_collection(ROWS_COLLECTION)
    finally:
        client.close()
    return lite_server


# -- a reader that leaves early -------------------------------------------------------------------

@pytest.mark.server
@pytest.mark.parametrize("line", [
    f"query {ROWS_COLLECTION} --limit {ROWS}",  # one table
    f"query {ROWS_COLLECTION} --limit all",  # a streamed table, batch by batch
    f"query {ROWS_COLLECTION} --limit all --format csv",
    f"query {ROWS_COLLECTION} --limit all --format vertical",
    f"query {ROWS_COLLECTION} --limit 20000 --format json",  # beyond the query window: streamed
])
def test_a_closed_pipe_ends_the_run_quietly(rows_server, line):
    code, lines, err = read_two_lines_and_leave(rows_server.address, "-c", f"{line}; count {ROWS_COLLECTION}")
    assert lines[0] and not lines[0].startswith(b"connected")  # data first: the status line is on stderr
    assert err.startswith("connected default") and err.count("\n") == 1, err  # and nothing after it
    assert code == 1


def test_a_closed_pipe_ends_a_script_of_help_texts_quietly():
    script = b"help exit\n" * 30000  # help text is data (status lines go to stderr in scripts)
    code, lines, err = read_two_lines_and_leave(stdin=script)
    assert lines == [b"usage: exit\n", b"\n"]
    assert err == "", err
    assert code == 1


# -- a full disk, a closed stdout ----------------------------------------------------------------

def test_a_full_disk_is_said_once_in_words():
    with open("/dev/full", "wb") as full:
        r = subprocess.run(command("-c", "set; set timing off"), stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert r.stderr.decode() == FULL
    assert r.returncode == 1


@pytest.mark.server
@pytest.mark.parametrize("line", [f"query {ROWS_COLLECTION} --limit all", f"count {ROWS_COLLECTION}"])
def test_a_full_disk_while_rows_stream(rows_server, line):
    with open("/dev/full", "wb") as full:
        r = subprocess.run(command("--format", "csv", "-c", f"connect a {rows_server.address}; {line}"),
                           stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert r.stderr.decode().endswith(FULL), r.stderr  # (the connect message, then this)
    assert not any(word in r.stderr.decode() for word in NOISE)
    assert r.returncode == 1


def test_a_closed_stdout_is_said_in_words():
    r = subprocess.run(command("-c", "set"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                       preexec_fn=lambda: os.close(1))
    assert r.stderr.decode() == "milvus-shell: cannot write the output: standard output is closed\n"
    assert r.returncode == 1


# -- scripts that cannot be read as text -----------------------------------------------------------

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


# -- bounds, as a script meets them ---------------------------------------------------------------

@pytest.mark.server
@pytest.mark.parametrize("line, says", [
    (f"search {ROWS_COLLECTION} --vector '[0.5, NaN]'", "--vector element 2 is NaN"),
    (f"search {ROWS_COLLECTION} --vector '[Infinity, 0.5]'", "--vector element 1 is infinite"),
    (f"search {ROWS_COLLECTION} --vector '[0.5, 1e39]'", "--vector element 2 is 1e+39, beyond what a float32 holds"),
    (f"search {ROWS_COLLECTION} --vector '{'[' * 5000}{']' * 5000}'", "--vector is nested too deeply"),
    (f"search {ROWS_COLLECTION} --vector '[0.5, 1]' --limit 16385",
     "--limit is at most 16384, not 16385"),
    (f"search {ROWS_COLLECTION} --vector '[0.5, 1]' --limit ５", "--limit needs a positive whole number, not '５' (digits 0-9 only)"),
    (f"query {ROWS_COLLECTION} --limit 99999999999999999999", "--limit is at most 9223372036854775807"),
    (f"query {ROWS_COLLECTION} --limit ５", "--limit needs a positive whole number or all, not '５' (digits 0-9 only)"),
    (f"query {ROWS_COLLECTION} --offset 1_0", "--offset needs a whole number, not '1_0' (digits 0-9 only)"),
])
def test_bounds_in_the_data_commands(rows_server, line, says):
    r = shell(rows_server.address, "-c", line)
    err = r.stderr.decode()
    assert r.returncode == 1
    assert err.startswith("connected default") and f"\nerror: {says}" in err, err
    assert "Traceback" not in err and "internal error" not in err


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
