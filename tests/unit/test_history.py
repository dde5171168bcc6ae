"""History: no secret kept (on disk or in memory), a private file, robust reading, the history command."""

from __future__ import annotations

import os
import stat
import time

import pytest

from harness import Harness
from milvus_shell.history import (
    MAX_READ_BYTES,
    PrivateFileHistory,
    ShellHistory,
    append_entry,
    ask_again_for_masked,
    history_path,
    read_entries,
    shell_history,
)
from milvus_shell.parser import redact


@pytest.mark.parametrize("line, kept", [
    ("connect a --password=hunter2", "connect a --password=***"),
    ("connect a localhost --token tok-123", "connect a localhost --token ***"),
    ("connect a b:1 --password hunter2; use a", "connect a b:1 --password ***; use a"),
    ("connect a --user root --password 'two words' --db x", "connect a --user root --password *** --db x"),
    ("connect a --password", "connect a --password"),  # asked for: nothing to hide
    ("connect a --password --user root", "connect a --password --user root"),
    ("connect a --password 'unclosed", "connect a --password ***"),
    # quoted words the parser takes for arguments (so the line fails), but the history must not keep
    ('connect a --token="t o k"; connect b --password=p2', "connect a --token=***; connect b --password=***"),
    ("connect a '--password' hunter2", "connect a '--password' ***"),
    ("connect a \\--token=abc", "connect a \\--token=***"),
])
def test_redact_hides_every_secret_value(table, line, kept):
    assert redact(line, table) == kept


def _history(path, table) -> ShellHistory:
    def clean(text):
        return redact(text, table)

    return ShellHistory(PrivateFileHistory(path, clean), clean)


def _loaded(history: ShellHistory) -> list[str]:
    """The history's strings once its loading thread is done (oldest first)."""
    history._in_load_thread()  # noqa: SLF001 - load synchronously, as the thread would
    return history.get_strings()


def test_the_file_is_private_and_holds_no_secret(tmp_path, table):
    path = tmp_path / "state" / "milvus-shell" / "history"
    history = _history(path, table)
    history.append_string("connect prod h:1 --user root --password hunter2")
    history.append_string("connect ci h:1 --token=tok-123; ping")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert "hunter2" not in text and "tok-123" not in text
    assert read_entries(path) == ["connect prod h:1 --user root --password ***", "connect ci h:1 --token=***; ping"]
    # in memory too: Up and Ctrl-R only ever see the redacted line
    assert history.get_strings() == read_entries(path)


def test_an_existing_file_of_yours_is_appended_to_and_its_mode_left_alone(tmp_path, table):
    path = tmp_path / "history"
    path.write_text("\n# old\n+ping\n")
    path.chmod(0o640)  # the user's choice: the shell only chmods what it creates
    _history(path, table).append_string("use a")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert read_entries(path) == ["ping", "use a"]


def test_what_the_shell_creates_is_private_whatever_the_umask(tmp_path, table):
    old = os.umask(0o002)
    try:
        _history(tmp_path / "a" / "b" / "history", table).append_string("ping")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a" / "b" / "history").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700  # a parent it made, too


def test_the_same_line_twice_in_a_row_is_kept_once(tmp_path, table):
    path = tmp_path / "history"
    history = _history(path, table)
    history.append_string("connect a --password x")
    history.append_string("connect a --password y")  # the same once redacted
    history.append_string("ping")
    assert read_entries(path) == ["connect a --password ***", "ping"]


def test_history_loads_in_a_new_session(tmp_path, table):
    path = tmp_path / "history"
    _history(path, table).append_string("connect a h:1")
    _history(path, table).append_string("ping a")
    assert _loaded(_history(path, table)) == ["connect a h:1", "ping a"]


def test_multi_line_entries_round_trip(tmp_path):
    path = tmp_path / "history"
    append_entry(path, "ping\nuse a")
    assert read_entries(path) == ["ping\nuse a"]


def test_binary_junk_is_skipped(tmp_path, table):
    path = tmp_path / "history"
    path.write_bytes(os.urandom(20_000) + b"\n# t\n+ping\n\x00\x01+\xff\xfe\n+use a\n" + b"+" + b"x\x00" * 50)
    assert "ping" in read_entries(path)
    assert all("\x00" not in e for e in read_entries(path))
    history = _history(path, table)
    assert "ping" in _loaded(history)
    history.append_string("connections")
    assert read_entries(path)[-1] == "connections"


def test_a_huge_file_is_read_from_its_end(tmp_path):
    path = tmp_path / "history"
    with open(path, "wb") as f:
        for i in range(400_000):
            f.write(f"\n# 2024-01-01\n+ping number {i}\n".encode())
    assert path.stat().st_size > MAX_READ_BYTES
    started = time.perf_counter()
    entries = read_entries(path)
    elapsed = time.perf_counter() - started
    assert entries[-1] == "ping number 399999"
    assert 0 < len(entries) < 400_000
    assert all(e.startswith("ping number ") for e in entries)  # the cut line was dropped
    assert elapsed < 5  # generous: it reads 4 MB, not the whole file


def test_an_unreadable_or_unwritable_history_does_not_stop_the_shell(tmp_path, table):
    path = tmp_path / "history"
    path.mkdir()  # a directory where the file should be
    history = _history(path, table)
    assert _loaded(history) == []
    history.append_string("ping")  # kept in memory; the failure is noted, not raised
    assert history.get_strings() == ["ping"]
    assert history.problem == f"{path} is a directory"

    blocked = tmp_path / "file"
    blocked.write_text("")
    history = _history(blocked / "sub" / "history", table)  # its folder cannot be created
    history.append_string("ping")
    assert history.problem.startswith(f"cannot create {blocked / 'sub'}: ")


def test_the_file_lives_in_the_xdg_state_directory(tmp_path, table):
    env = {"HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state")}
    assert history_path(env) == tmp_path / "state" / "milvus-shell" / "history"
    assert history_path({"HOME": str(tmp_path / "home")}) == tmp_path / "home/.local/state/milvus-shell/history"
    history = shell_history(env, table)
    history.append_string("connect a --token t")
    assert read_entries(history_path(env)) == ["connect a --token ***"]


@pytest.mark.parametrize("line, run", [
    ("connect a --password ***", "connect a --password"),
    ("connect a --password=*** --user u", "connect a --password --user u"),
    ("connect a --password ***; connect b --password ***", "connect a --password; connect b --password"),
    ("connect a --token ***", "connect a --token ***"),  # a token cannot be asked for
    ("connect a --password '***'", "connect a --password '***'"),  # quoted: meant literally
    ("connect a --password hunter2", "connect a --password hunter2"),
])
def test_a_recalled_masked_password_is_asked_for_again(table, line, run):
    assert ask_again_for_masked(line, table) == run


def test_history_command_shows_the_recent_commands(private_home):
    env = {"HOME": str(private_home)}
    harness = Harness(environ=env)
    assert "no history yet" in harness.ok("history")
    path = history_path(env)
    path.parent.mkdir(parents=True)
    for i in range(30):
        append_entry(path, f"ping a{i}")
    out = harness.ok("history")
    assert "ping a10" in out and "ping a29" in out and "ping a9\n" not in out
    assert "(20 of 30" in out
    out = harness.ok("history 2")
    assert "29 | ping a28" in out and "30 | ping a29" in out and "ping a27" not in out
    harness.close()


def test_suggestions_come_from_the_newest_matching_entries():
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.document import Document
    from prompt_toolkit.history import InMemoryHistory

    from milvus_shell.history import SUGGEST_FROM_LAST, RecentHistorySuggest

    history = InMemoryHistory()
    history.append_string("describe ancient_collection")  # beyond the window: not searched
    for n in range(SUGGEST_FROM_LAST):
        history.append_string(f"ping alias{n}")
    history.append_string("connect prod db:19530")
    history.append_string("connect prod db:19531")
    buffer = Buffer(history=history)
    suggest = RecentHistorySuggest()
    assert suggest.get_suggestion(buffer, Document("connect p")).text == "rod db:19531"
    assert suggest.get_suggestion(buffer, Document("ping alias4")).text == "999"  # the newest of them
    assert suggest.get_suggestion(buffer, Document("describe anc")) is None
    assert suggest.get_suggestion(buffer, Document("   ")) is None
