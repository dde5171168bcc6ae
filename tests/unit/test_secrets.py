"""Secrets never reach the screen's error echoes or the history file, whatever their spelling; a
secret in argv is warned about. No server needed: every line here fails before connecting, or is
only kept in history."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milvus_shell.commands import build_table
from milvus_shell.history import PrivateFileHistory, ShellHistory, shell_history
from milvus_shell.parser import SECRET_MASK, redact

ROOT = Path(__file__).resolve().parents[2]
SECRET = "S3cretValue"

# Lines that fail to parse, each holding SECRET somewhere.
BROKEN = [
    f"connect r localhost:1 --user x --password {SECRET} --bogus",
    f"connect r localhost:1 --user x --password={SECRET} --bogus",
    f"connect r localhost:1 --user x --pasword {SECRET}",
    f"connect r localhost:1 --user x --PASSWORD {SECRET}",
    f"connect r localhost:1 --user x --password -- {SECRET}",
    f"connect r localhost:1 --token '{SECRET}",  # unclosed quote
    f"connect r x:{SECRET}@localhost:1 --bogus",
    f"connect r localhost:1 --tokn {SECRET}",
]


def run(args, stdin=None, **env):
    return subprocess.run([sys.executable, "-m", "milvus_shell", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT), **env})


@pytest.mark.parametrize("line", BROKEN)
def test_a_broken_line_is_echoed_without_its_secret(line, tmp_path):
    script = tmp_path / "script.txt"
    script.write_text(line + "\n")
    for result in (run(["-c", line]), run(["-f", str(script)]), run([], stdin=line + "\n")):
        assert result.returncode == 1, result.stderr
        assert SECRET not in result.stderr + result.stdout
        assert SECRET_MASK in result.stderr  # still shown, masked, with its caret
        assert "^" in result.stderr


def test_the_caret_still_points_at_the_fault_after_masking():
    result = run(["-c", f"connect r localhost:1 --password {SECRET} --bogus"])
    lines = result.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("error:"))
    shown, caret = lines[at + 1], lines[at + 2]
    assert shown[caret.index("^"):].startswith("--bogus")


def test_a_secret_in_argv_is_warned_about_once():
    result = run(["-c", f"connect r localhost:1 --password {SECRET} --bogus"])
    assert result.stderr.count("can be read by every user of this machine") == 1
    assert "MILVUS_PASSWORD" in result.stderr
    quiet = run(["-c", "connect r localhost:1 --bogus"])
    assert "can be read by every user" not in quiet.stderr


# -- history -----------------------------------------------------------------------------------------

FORMS = [
    "--password {s}", "--password={s}", "--PASSWORD {s}", "--Password={s}", "--pasword {s}", "--passwrd {s}",
    "--password -- {s}", "--token {s}", "--token='{s}'", '--token "{s}"', "--tokne {s}", "'--token' {s}",
    "\\--token={s}", "http://root:{s}@localhost:19530", "root:{s}@localhost:19530",
]
secrets = st.text(alphabet="abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789_", min_size=6, max_size=20)
filler = st.sampled_from(["connect", "prod", "localhost:19530", "--user", "alice", "--db", "x", "--tls",
                          "--bogus", ";", "ping", "'quoted words'", "--", "use", "count books"])


@settings(max_examples=300, deadline=None)
@given(secret=secrets, form=st.sampled_from(FORMS), before=st.lists(filler, max_size=4),
       after=st.lists(filler, max_size=4))
def test_no_secret_reaches_the_history_file(tmp_path_factory, secret, form, before, after):
    table = build_table()
    path = tmp_path_factory.mktemp("h") / "history"
    line = " ".join(["connect", *before, form.format(s=secret), *after])
    history = ShellHistory(PrivateFileHistory(path, lambda t: redact(t, table)), lambda t: redact(t, table))
    history.append_string(line)
    written = path.read_text() if path.exists() else ""
    assert secret not in written
    assert all(secret not in kept for kept in history._loaded_strings)  # noqa: SLF001 - memory too


def test_only_lines_that_parse_are_written_to_the_file(tmp_path):
    history = shell_history({"XDG_STATE_HOME": str(tmp_path), "HOME": str(tmp_path)}, build_table())
    history.append_string("connect prod localhost:19530 --user alice --password hunter2pass")
    history.append_string("connect prod localhost:19530 --user alice --pasword hunter3pass")  # a typo: no parse
    history.append_string("ping")
    written = (tmp_path / "milvus-shell" / "history").read_text()
    assert "--password ***" in written and "hunter2pass" not in written
    assert "--pasword" not in written and "hunter3pass" not in written
    assert "+ping" in written
    assert history._loaded_strings[1] == "connect prod localhost:19530 --user alice --pasword ***"  # noqa: SLF001
