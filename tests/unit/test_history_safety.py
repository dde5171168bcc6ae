"""The history file is never followed through a link the shell did not make, never blocks on a FIFO, and
is kept in memory only, said once, when it cannot be read or written; private folders are 0700."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import threading

import pytest

from harness import Harness
from milvus_shell.cli import main
from milvus_shell.history import (
    PrivateFileHistory,
    ShellHistory,
    append_entry,
    history_path,
    read_entries,
)
from milvus_shell.parser import redact
from milvus_shell.paths import private_dir


MEMORY_ONLY = "; keeping this session's history in memory only"


def _history(path, table) -> ShellHistory:
    def clean(text):
        return redact(text, table)

    return ShellHistory(PrivateFileHistory(path, clean), clean)


def _session(history: ShellHistory, lines=("ping", "use a", "connections")) -> list[str]:
    """Load the history as the prompt's thread would, type ``lines``, and collect every notice the
    shell would print (one per line at most)."""
    history._in_load_thread()  # noqa: SLF001 - load synchronously
    notices = [history.notice()]
    for line in lines:
        history.append_string(line)
        notices.append(history.notice())
    return [n for n in notices if n]


def _within(seconds: float, work):
    """``work()``'s result, or a failed test if it has not returned within ``seconds`` (a FIFO)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # raised again in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still blocked after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "history"
    os.mkfifo(path)
    yield path
    # Had the code under test blocked in open(), this lets it go (O_RDWR is both a reader and a writer).
    fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
    os.close(fd)


@contextlib.contextmanager
def unwritable(path):
    """``path`` made unwritable for this process: mode 0400, or the immutable attribute for root."""
    if os.geteuid() != 0:
        path.chmod(0o400)
        yield
        path.chmod(0o600)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)],
                                                         capture_output=True).returncode != 0:
        pytest.skip("root writes any file, and this file system has no immutable attribute")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_symlink_to_another_file_leaves_that_file_alone(tmp_path, table):
    target = tmp_path / "notes.txt"
    target.write_text("my own notes\n")
    target.chmod(0o644)
    path = tmp_path / "history"
    path.symlink_to(target)
    history = _history(path, table)
    notices = _session(history)
    assert target.read_text() == "my own notes\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert path.is_symlink()
    assert notices == [f"history not saved: {path} is a symbolic link" + MEMORY_ONLY]
    assert history.get_strings() == ["ping", "use a", "connections"]  # kept, in memory
    assert read_entries(path) == []  # not read through the link either


def test_a_symlink_to_a_device_leaves_the_device_alone(tmp_path, table):
    """Through a link the old code chmod'ed /dev/full to 0600. Root tests a private copy of /dev/null
    (mknod), so that a failure cannot break the machine's own; others use /dev/null itself."""
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        device.chmod(0o666)  # whatever the umask
    except OSError:
        if os.geteuid() == 0:  # root could change /dev/null itself: not on this machine
            pytest.skip("cannot make a device node here")
        device = type(tmp_path)("/dev/null")  # another user cannot change its mode anyway
    before = os.stat(device)
    path = tmp_path / "history"
    path.symlink_to(device)
    notices = _session(_history(path, table))
    after = os.stat(device)
    assert (stat.S_IMODE(after.st_mode), after.st_uid) == (stat.S_IMODE(before.st_mode), before.st_uid)
    assert notices == [f"history not saved: {path} is a symbolic link" + MEMORY_ONLY]


def test_a_fifo_never_blocks(fifo, table):
    history = _within(5, lambda: _history(fifo, table))
    notices = _within(5, lambda: _session(history))
    assert notices == [f"history not saved: {fifo} is a named pipe (FIFO)" + MEMORY_ONLY]
    assert _within(5, lambda: read_entries(fifo)) == []
    with pytest.raises(OSError, match="named pipe"):
        _within(5, lambda: append_entry(fifo, "ping"))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_the_history_command_does_not_block_on_a_fifo(private_home):
    env = {"HOME": str(private_home)}
    path = history_path(env)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    harness = Harness(environ=env)
    try:
        out = _within(5, lambda: harness.ok("history"))
    finally:
        os.close(os.open(path, os.O_RDWR | os.O_NONBLOCK))  # lets a blocked open() go
        harness.close()
    assert "is a named pipe (FIFO)" in out and "in memory only" in out


def test_a_directory_at_the_path(tmp_path, table):
    path = tmp_path / "history"
    path.mkdir(mode=0o755)
    notices = _session(_history(path, table))
    assert notices == [f"history not saved: {path} is a directory" + MEMORY_ONLY]
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert list(path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_file_of_another_user_is_neither_read_nor_changed(tmp_path, table):
    path = tmp_path / "history"
    path.write_text("\n# t\n+someone else's line\n")
    path.chmod(0o644)
    os.chown(path, 65534, 65534)
    history = _history(path, table)
    notices = _session(history)
    assert path.read_text() == "\n# t\n+someone else's line\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert notices == [f"history not saved: {path} belongs to another user" + MEMORY_ONLY]
    assert history.get_strings() == ["ping", "use a", "connections"]


def test_an_unwritable_file_is_read_and_said_once(tmp_path, table):
    path = tmp_path / "history"
    path.write_text("\n# t\n+describe books\n")
    path.chmod(0o600)
    with unwritable(path):
        history = _history(path, table)
        notices = _session(history)
        assert path.read_text() == "\n# t\n+describe books\n"
    assert len(notices) == 1
    assert notices[0].startswith(f"history not saved: {path} is not writable (")
    assert notices[0].endswith(MEMORY_ONLY)
    assert history.get_strings() == ["describe books", "ping", "use a", "connections"]


def test_a_write_that_fails_mid_session_is_said_once(tmp_path, table):
    path = tmp_path / "state" / "history"
    history = _history(path, table)
    history._in_load_thread()  # noqa: SLF001
    history.append_string("ping")
    assert history.notice() is None
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere")  # replaced behind the shell's back
    notices = []
    for line in ("use a", "connections"):
        history.append_string(line)
        notices.append(history.notice())
    assert not (tmp_path / "elsewhere").exists()  # not created through the link
    assert notices == [f"history not saved: {path} is a symbolic link" + MEMORY_ONLY, None]


def test_the_history_command_says_memory_only_and_why(tmp_path, private_home, table):
    env = {"HOME": str(private_home)}
    path = history_path(env)
    path.parent.mkdir(parents=True)
    path.symlink_to(tmp_path / "target")
    harness = Harness(environ=env)
    assert f"in memory only: {path} is a symbolic link" in harness.ok("history")  # as a script
    harness.ctx.history = history = _history(path, table)  # as the interactive shell sets it
    assert f"no history yet (kept in memory only: {path} is a symbolic link)" in harness.ok("history")
    history.append_string("connections")
    out = harness.ok("history")
    assert "connections" in out and f"kept in memory only: {path} is a symbolic link" in out
    assert f"from {path}" not in out
    harness.close()
    assert not (tmp_path / "target").exists()


def test_private_dir_makes_every_folder_it_creates_0700(tmp_path):
    old = os.umask(0o022)
    try:
        private_dir(tmp_path / "state" / "milvus-shell")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state" / "milvus-shell").stat().st_mode) == 0o700


def test_private_dir_leaves_an_existing_folder_alone(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    mine.chmod(0o755)
    target = tmp_path / "shared"
    target.mkdir()
    target.chmod(0o775)
    linked = tmp_path / "linked"
    linked.symlink_to(target)
    assert private_dir(mine) == mine and private_dir(linked) == linked
    assert stat.S_IMODE(mine.stat().st_mode) == 0o755
    assert stat.S_IMODE(target.stat().st_mode) == 0o775
    if os.geteuid() == 0:  # a folder of another user
        os.chown(target, 65534, 65534)
        private_dir(target)
        assert (target.stat().st_uid, stat.S_IMODE(target.stat().st_mode)) == (65534, 0o775)


def test_private_dir_refuses_a_file_or_a_dangling_link(tmp_path):
    (tmp_path / "file").write_text("")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "file")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "dangling")
    assert not (tmp_path / "nowhere").exists()


def test_lite_default_folder_that_cannot_be_made_is_an_error_in_words(private_home, monkeypatch, capsys):
    blocker = private_home / "data"
    blocker.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))  # milvus-shell/ cannot be made under a file
    assert main(["--lite", "-c", "connections"]) == 1
    err = capsys.readouterr().err
    assert f"cannot create {blocker / 'milvus-shell'}: not a directory" in err
    assert "Traceback" not in err
