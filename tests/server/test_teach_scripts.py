"""A class run from a script and replayed from a recording, against Milvus Lite: examples/class.msh with
its intended error, examples/class-recording.md replayed with --check, a fresh recording with its
confirmation dialogue, alter index, and an unquoted --filter."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness import Harness, connect_line
from transcripts import ROOT

CLASS, RECORDING = ROOT / "examples" / "class.msh", ROOT / "examples" / "class-recording.md"


def shell(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "milvus_shell", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)


@pytest.mark.server
@pytest.mark.parametrize("flags", [("--keep-going",), ()])
def test_the_class_script_runs_to_its_end_past_its_intended_error(tmp_path, flags):
    done = shell("--lite", str(tmp_path / "lite"), "-f", str(CLASS), "--echo", *flags)
    assert done.returncode == 0, done.stderr
    assert f"error: {CLASS}:25: wrong vector dimension: 3 numbers given" in done.stderr
    assert "failed, as expected (the line starts with !)" in done.stderr
    assert "built index vector (AUTOINDEX, L2)" in done.stderr
    assert done.stderr.rstrip().endswith("dropped collection foods")
    assert "X query" in done.stdout and "cookie" in done.stdout


@pytest.mark.server
def test_an_unexpected_success_fails_the_script_and_keep_going_counts_it(tmp_path):
    script = tmp_path / "wrong.msh"
    script.write_text("create collection foods --dim 2\n!count foods\ncount nosuch\ndrop collection foods --yes\n",
                      encoding="utf-8")
    stopped = shell("--lite", str(tmp_path / "lite"), "-f", str(script))
    assert stopped.returncode == 1
    assert f"{script}:2: expected to fail, but it succeeded: count foods" in stopped.stderr
    assert "nosuch" not in stopped.stderr  # it stopped there
    went_on = shell("--lite", str(tmp_path / "lite2"), "-f", str(script), "--keep-going")
    assert went_on.returncode == 1
    assert "dropped collection foods" in went_on.stderr
    assert went_on.stderr.rstrip().endswith("2 of 4 commands failed")


@pytest.mark.server
def test_the_class_recording_replays_with_no_difference(tmp_path):
    done = shell("--lite", str(tmp_path / "lite"), "-f", str(RECORDING), "--check")
    assert done.returncode == 0, done.stderr
    assert "replayed 11 commands: no difference from the recording" in done.stderr


@pytest.mark.server
def test_a_recording_keeps_the_confirmation_and_check_catches_a_change(tmp_path, lite_server):
    target = tmp_path / "rec.md"
    sh = Harness(confirm=lambda question: True)
    try:
        sh.ok(f"connect default {lite_server.address}")
        sh.ok(f"record {target}")
        sh.ok("create collection teach_rec --dim 2")
        sh.ok("insert teach_rec '{\"id\": 1, \"vector\": [0.5, 0.5]}'")
        sh.ok("drop collection teach_rec")
        sh.ok("record off")
    finally:
        sh.close()
    text = target.read_text(encoding="utf-8")
    assert f"This will drop collection 'teach_rec'" in text
    assert "Type 'teach_rec' to confirm, anything else to keep it: teach_rec\ndropped collection teach_rec" in text
    same = shell(lite_server.address, "-f", str(target), "--check")
    assert same.returncode == 0, same.stderr
    assert "replayed 3 commands: no difference from the recording" in same.stderr
    changed = tmp_path / "changed.md"
    changed.write_text(text.replace("inserted 1 row", "inserted 2 rows"), encoding="utf-8")
    differs = shell(lite_server.address, "-f", str(changed), "--check")
    assert differs.returncode == 1
    assert f"{changed}:" in differs.stderr and "printed otherwise than the recording" in differs.stderr
    assert "-inserted 2 rows" in differs.stderr and "+inserted 1 row" in differs.stderr
    assert "1 of 3 commands printed otherwise than the recording" in differs.stderr


@pytest.mark.server
def test_alter_index_changes_the_metric_in_one_confirmed_step(bare_server):
    """On Milvus Lite and on Milvus 2.3.5 (which refuses to drop the index of a loaded collection)."""
    answers: list[bool] = [False]
    sh = Harness(confirm=lambda question: answers.pop(0))
    try:
        sh.ok(connect_line(bare_server))
        sh.ok("create collection teach_alter --dim 2")
        sh.ok("insert teach_alter '[{\"id\": 1, \"vector\": [0.1, 0.1]}, {\"id\": 2, \"vector\": [0.8, 0.9]}]'")
        assert "not confirmed; nothing changed" in sh.fail("alter index teach_alter vector --metric L2")
        assert "COSINE" in sh.ok("show indexes teach_alter")
        said = sh.ok("alter index teach_alter vector --metric L2 --yes")
        assert said.splitlines()[:2] == ["released teach_alter", "dropped index vector (AUTOINDEX, COSINE)"]
        assert "built index vector (AUTOINDEX, L2) on teach_alter.vector" in said
        assert said.splitlines()[-1] == "loaded teach_alter"
        assert "L2" in sh.ok("show indexes teach_alter")
        hits = sh.ok("search teach_alter --vector '[1.0, 1.0]' --limit 1 --fields id")
        assert hits.splitlines()[2].startswith("2 ")  # L2: the nearer point, not the same direction
        assert "alter index changes a vector index" in sh.fail("alter index teach_alter id --metric L2 --yes")
        assert "needs what to change" in sh.fail("alter index teach_alter vector --yes")
        sh.ok("drop collection teach_alter --yes")
    finally:
        sh.close()


@pytest.mark.server
def test_alter_index_in_a_script_needs_yes(lite_server):
    assert shell(lite_server.address, "-c", "create collection teach_script_alter --dim 2").returncode == 0
    done = shell(lite_server.address, "-c", "alter index teach_script_alter vector --metric L2; show indexes "
                 "teach_script_alter")
    dropped = shell(lite_server.address, "-c", "drop collection teach_script_alter --yes")
    assert done.returncode == 1
    assert ("refusing to release collection 'teach_script_alter', drop its index 'vector' (AUTOINDEX, COSINE) and "
            "build it again") in done.stderr
    assert "without --yes: a script cannot be asked" in done.stderr and done.stdout == ""
    assert dropped.returncode == 0


@pytest.mark.server
def test_an_unquoted_filter_option_filters_the_search(lite_server):
    sh = Harness()
    try:
        sh.ok(f"connect default {lite_server.address}")
        sh.ok("create collection teach_filter --dim 2")
        sh.ok("insert teach_filter '[{\"id\": 1, \"vector\": [1, 0], \"color\": \"red\"}, "
              "{\"id\": 2, \"vector\": [1, 0.1], \"color\": \"blue\"}]'")
        hits = sh.ok("search teach_filter --vector [1,0] --filter color == 'blue' --fields color --limit 5")
        assert "blue" in hits and "red" not in hits and "(1 row)" in hits
        sh.ok("drop collection teach_filter --yes")
    finally:
        sh.close()
