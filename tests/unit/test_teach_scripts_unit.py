"""Scripts for classes without a server: ! (expected to fail), --keep-going, --step and --check refused
where they cannot work, a recording read back as commands, and --check reporting a difference."""

from __future__ import annotations

import io
import subprocess
import sys

from harness import Harness
from milvus_shell import cli
from milvus_shell.context import Confirmation
from milvus_shell.script_run import RecordedLine, Replay, recorded_lines, run_script
from milvus_shell.transcript import differences, looks_like_markdown

# Lines that need no server: `set timing off` succeeds, `count x` fails (no connection).
OK, FAILS = "set timing off", "count x"


def _run(lines, **kwargs) -> tuple[int, str]:
    shell = Harness()
    try:
        code = run_script(shell.shell, [(f"s.msh:{n}: ", line) for n, line in enumerate(lines, 1)], **kwargs)
        return code, shell.out.getvalue() + shell.err.getvalue()
    finally:
        shell.close()


def test_a_line_marked_with_bang_may_fail_and_the_script_goes_on():
    code, said = _run([f"!{FAILS}", OK])
    assert code == 0
    assert "failed, as expected (the line starts with !)" in said and "timing off" in said


def test_a_bang_line_that_succeeds_fails_the_script():
    code, said = _run([f"!{OK}", OK, OK])
    assert code == 1
    assert f"s.msh:1: expected to fail, but it succeeded: {OK}" in said
    assert said.count("timing off") == 2  # the error names the line, its output once: the script stopped there


def test_keep_going_runs_past_failures_and_counts_them():
    code, said = _run([FAILS, OK, f"!{OK}", FAILS, OK], keep_going=True)
    assert code == 1
    assert said.splitlines().count("timing off") == 3
    assert said.rstrip().endswith("3 of 5 commands failed")
    assert _run([OK, f"!{FAILS}"], keep_going=True)[0] == 0


def test_step_keys_run_skip_and_stop():
    keys = iter(["run", "skip", "stop"])
    code, said = _run(["set timing on", "set timing off", OK], step=lambda: next(keys))
    assert code == 0
    assert "timing on" in said and "s.msh:2: skipped" in said and "s.msh:3: stopped" in said
    assert "[Enter runs, s skips, q stops]" in said
    assert said.count("timing off") == 2  # echoed twice (skipped, stopped), never run


def test_check_reports_each_difference_and_fails():
    lines = [RecordedLine("r.md:4: ", "set format table", ["output format: table"]),
             RecordedLine("r.md:7: ", "set format vertical", ["output format: table"])]
    shell = Harness()
    try:
        code = run_script(shell.shell, lines, check=True)
    finally:
        shell.close()
    said = shell.err.getvalue()
    assert code == 1
    assert "r.md:7: 'set format vertical' printed otherwise than the recording" in said
    assert "-output format: table" in said and "+output format: vertical" in said and "r.md:4:" not in said
    assert "1 of 2 commands printed otherwise than the recording" in said


def test_a_recording_is_read_back_as_its_commands_with_their_output():
    text = ("# milvus-shell session\n\n```milvus-session\nmilvus default@localhost> count x\ncount\n-----\n3\n```\n\n"
            "```milvus-session\nmilvus default@localhost> drop collection x\nThis will drop it.\n"
            "Type 'x' to confirm, anything else to keep it: x\ndropped collection x\n```\n")
    lines = recorded_lines("class.md", text)
    assert [(ln.where, ln.text) for ln in lines] == [("class.md:4: ", "count x"),
                                                    ("class.md:11: ", "drop collection x")]
    assert lines[0].expected == ["count", "-----", "3"]
    assert looks_like_markdown("class.md") and looks_like_markdown("x", "# milvus-shell session")
    assert not looks_like_markdown("class.msh")


def test_a_replay_answers_as_the_recording_did():
    err = io.StringIO()
    replay = Replay(lambda: err)
    replay.expected = ["This will drop collection 'x'.", "Type 'x' to confirm, anything else to keep it: x"]
    assert replay.confirm(Confirmation("drop collection 'x'", "default", "h:1", typed="x"))
    assert err.getvalue().endswith("Type 'x' to confirm, anything else to keep it: x\n")
    replay.expected = ["Go ahead? [y/N] n"]
    assert not replay.confirm(Confirmation("drop index 'v'", "default", "h:1"))
    replay.expected = []  # no answer recorded: no
    assert not replay.confirm(Confirmation("drop index 'v'", "default", "h:1"))


def test_the_confirmation_dialogue_goes_into_a_recording(tmp_path):
    """A recording keeps the question and the answer (forget asks, and needs no server)."""
    xdg = tmp_path / "xdg"
    (xdg / "milvus-shell").mkdir(parents=True)
    (xdg / "milvus-shell" / "config.toml").write_text('[connections.prod]\naddress = "localhost:19530"\n'
                                                      '[connections.test]\naddress = "localhost:19530"\n')
    target = tmp_path / "rec.md"
    answers = iter([True, False])
    shell = Harness(confirm=lambda q: next(answers), environ={"XDG_CONFIG_HOME": str(xdg)})
    try:
        shell.ok(f"record {target}")
        shell.ok("forget prod")
        shell.run("forget test")
        shell.ok("record off")
    finally:
        shell.close()
    blocks = recorded_lines("rec.md", target.read_text(encoding="utf-8"))
    assert [b.text for b in blocks] == ["forget prod", "forget test"]
    assert blocks[0].expected[0].startswith("This will remove profile prod from ")
    assert blocks[0].expected[1] == "Go ahead? [y/N] y"
    assert blocks[1].expected[1:] == ["Go ahead? [y/N] n", "error: not confirmed; nothing changed"]


def test_normalised_differences_ignore_times_and_widths():
    assert differences(["loaded foods in 0.1 s", "a  |  b"], ["loaded foods in 2.0 s", "a | b"]) == ""
    assert "+2" in differences(["1"], ["2"])


def test_step_and_check_are_refused_where_they_cannot_work(tmp_path, capsys):
    script = tmp_path / "s.msh"
    script.write_text("set timing off\n", encoding="utf-8")
    assert cli.main(["--step", "-c", "set timing off"]) == 2
    assert "--step steps through a script: give it with -f FILE" in capsys.readouterr().err
    assert cli.main(["--check", "-f", str(script)]) == 2
    assert "give the recording with -f FILE.md" in capsys.readouterr().err
    done = subprocess.run([sys.executable, "-m", "milvus_shell", "-f", str(script), "--step"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--step waits for a key before each command: it needs a terminal" in done.stderr
