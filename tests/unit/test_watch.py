"""watch without a server: secrets masked in everything it prints (header, closing line, recording,
errors), and only commands that change nothing, by their declared effects. Real-server test:
tests/server/test_access_server.py (watch of a count)."""

from __future__ import annotations

import pytest

from fake_sessions import FakeBackend
from harness import Harness
from milvus_shell.commands.watch import closing, frame_header
from milvus_shell.settings import Settings

SECRET = "S3cr3t-pw"
CONNECT = f"connect w localhost:19530 --user u --password {SECRET}"


def fake_shell(interactive=False):
    sh = Harness(backend_loader=lambda: FakeBackend, settings=Settings(timeout=1, color=False, interactive=interactive))
    sh.ok("connect prod localhost:19530")
    return sh


def test_the_header_and_closing_line_show_the_command_masked():
    sh = fake_shell()
    shown = sh.ctx.lines.mask(CONNECT)
    assert SECRET not in shown and "--password ***" in shown
    header = frame_header(shown, 1, 1, 1, "")
    assert header.startswith("every 1 s: connect w localhost:19530 --user u --password ***    ")
    assert SECRET not in header
    assert closing(shown, 1) == "watched connect w localhost:19530 --user u --password *** 1 time"
    assert closing("count c", 3) == "watched count c 3 times"


def test_a_watched_read_with_a_secret_in_it_prints_it_masked_in_its_header_and_closing_line():
    sh = fake_shell()
    ok, out, err = sh.run(f"watch --times 1 0.1 count books 'title == \"u:{SECRET}@h\"'")
    assert ok, err
    assert "every 0.1 s: count books 'title == \"u:***@h\"'" in out
    assert "watched count books 'title == \"u:***@h\"' 1 time\n" in out
    assert SECRET not in out + err


def test_watching_connect_is_refused_and_the_password_goes_nowhere(tmp_path):
    sh = fake_shell()
    target = tmp_path / "session.md"
    sh.ok(f"record {target}")
    ok, out, err = sh.run(f"watch --times 1 1 {CONNECT}")
    sh.ok("record off")
    assert not ok
    assert "watch runs only commands that read: connect changes the shell's connections" in err
    assert "w" not in sh.states()  # nothing was connected
    recording = target.read_text()
    assert "--password ***" in recording
    assert SECRET not in out + err + recording


def test_an_error_in_the_watched_command_masks_the_secret_it_quotes():
    sh = fake_shell()
    err = sh.fail(f"watch --times 1 1 connect w localhost:19530 --password={SECRET} --password={SECRET}")
    assert "in the command to watch" in err and SECRET not in err


@pytest.mark.parametrize("line, why", [
    ("insert books '{\"id\": 1}'", "insert changes the server's rows"),
    ("upsert books '{\"id\": 1}'", "upsert changes the server's rows"),
    ("delete books id > 1", "delete destroys what it is given"),
    ("connect w localhost:19530", "connect changes the shell's connections"),
    ("disconnect prod", "disconnect changes the shell's connections"),
    ("use prod", "use changes the shell's connections"),
    ("use database shop", "use database changes the shell's connections"),
    ("save prod --as x", "save changes the shell's profiles"),
    ("set timeout 3", "set timeout changes the shell's settings"),
    ("record x.md", "record changes the shell's recording"),
])
def test_watch_refuses_what_changes_the_server_or_the_shell_in_words(line, why):
    sh = fake_shell()
    err = sh.fail(f"watch --times 3 0.1 {line}")
    assert f"watch runs only commands that read: {why}" in err
    writes = {"insert", "upsert", "delete"}
    assert not [c for c, _ in sh.ctx.session().calls if c in writes]
    assert set(sh.states()) == {"prod"}

