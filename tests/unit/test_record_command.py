"""record FILE writes the session as a Markdown transcript; --echo shows a script's commands (in-process
shells, no server)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from pty_terminal import ROOT
from transcripts import read_blocks


def test_record_writes_each_command_with_its_output_secrets_masked(sh, tmp_path):
    target = tmp_path / "class.md"
    assert "recording to" in sh.ok(f"record {target}")
    sh.ok("set timing off; set pager off")  # two commands on a line: two blocks
    sh.fail("connect x localhost:1 --password hunter2-secret --bogus")  # a parse error, a secret in it
    sh.ok("record")
    assert sh.ok("record off") == f"stopped recording: 4 commands in {target}\n"
    sh.ok("set timing off")  # not recorded any more

    text = target.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert "hunter2-secret" not in text
    assert text.startswith("# milvus-shell session\n\n```milvus-session\nmilvus (not connected)> set timing off\n"
                           "timing off\n```\n\n```milvus-session\nmilvus (not connected)> set pager off\npager off\n```\n")
    assert "milvus (not connected)> connect x localhost:1 --password *** --bogus\nerror: " in text
    assert "> record off" not in text and "> record /" not in text  # the commands that start and stop it
    assert "recording to" in text  # `record` alone is a command like any other
    blocks = read_blocks(target)  # the docs' convention: a recording can become a tested doc
    assert [s.command for b in blocks for s in b.steps] == [
        "set timing off", "set pager off", "connect x localhost:1 --password *** --bogus", "record"]
    assert blocks[1].steps[0].expected == ["pager off"]


def test_record_times_and_going_on_in_the_file_it_made(sh, tmp_path):
    target = tmp_path / "t.md"
    sh.ok(f"record {target} --times; set timing on")
    sh.ok(f"record {target}; set timing off; record off")  # again: goes on, no second title
    text = target.read_text(encoding="utf-8")
    assert text.count("# milvus-shell session") == 1
    lines = text.splitlines()
    timed = lines.index("milvus (not connected)> set timing on") - 3
    assert lines[timed].startswith("*") and lines[timed].endswith(" s*")  # *19:53:34, 0.000 s*
    assert "time: " in text  # the timing line the command printed
    untimed = lines.index("milvus (not connected)> set timing off")
    assert lines[untimed - 2] == "" and not lines[untimed - 3].startswith("*")


def test_record_refuses_a_symbolic_link_and_leaves_its_target_alone(sh, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    err = sh.fail(f"record {link}")
    assert f"cannot record to {link}: it is a symbolic link" in err
    assert victim.read_text() == "keep\n"
    assert sh.ok("record") == "not recording (record FILE starts)\n"
    assert "cannot record" in sh.fail(f"record {tmp_path}")  # a directory
    assert "cannot record" in sh.fail(f"record {tmp_path}/no/such/dir/x.md")


def test_a_failed_transcript_write_stops_recording(sh, tmp_path):
    sh.ok(f"record {tmp_path / 'x.md'}")
    os.close(sh.ctx.recorder._fd)  # the file goes away under the shell (a full disk, say)
    ok, out, err = sh.run("set timing off")
    assert ok and out == "timing off\n"
    assert "cannot write the transcript" in err and "recording stopped" in err
    assert sh.ctx.recorder is None


def test_echo_prints_each_command_before_its_output(tmp_path):
    script = tmp_path / "demo.msh"
    script.write_text("set format table\nset pager off\nconnect x localhost:1 --token tok-secret --bogus\nset timing off\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "milvus_shell", "-f", str(script), "--echo"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[:4] == ["milvus (not connected)> set format table", "output format: table",
                         "milvus (not connected)> set pager off", "pager off"]
    assert lines[4] == "milvus (not connected)> connect x localhost:1 --token *** --bogus"
    assert lines[5].startswith("error: ") and "tok-secret" not in run.stdout
    assert "set timing off" not in run.stdout  # the script stopped at the failure
    quiet = subprocess.run([sys.executable, "-m", "milvus_shell", "-f", str(script)], env=env,
                           capture_output=True, text=True, timeout=60)
    assert "milvus (not connected)>" not in quiet.stdout + quiet.stderr  # only with --echo
