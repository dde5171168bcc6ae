"""The one way the shell creates a file it writes (safe_files.create_new), and its two users: the file
of bad lines (badlines.py) and `record FILE`. Each refusal leaves what was there byte for byte."""

from __future__ import annotations

import json
import os
import stat

import pytest

from fake_sessions import fake_registry
from harness import Harness
from milvus_shell import rowfiles
from milvus_shell.badlines import BadLines
from milvus_shell.config import config_path
from milvus_shell.history import history_path
from milvus_shell.rowfiles import FileError
from milvus_shell.safe_files import Refused, create_new, remove_created, same_file

OTHER_UID = 4242  # a user that is not the one running the tests (root can chown to it)


def as_root() -> bool:
    return os.geteuid() == 0


# -- create_new ------------------------------------------------------------------------------------

def test_a_new_file_is_made_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        fd = create_new(tmp_path / "new")
    finally:
        os.umask(old)
    os.close(fd)
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o600


def test_an_existing_file_of_ones_own_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "mine"
    path.write_text("keep me")
    with pytest.raises(Refused, match="it already exists"):
        create_new(path)
    assert path.read_text() == "keep me"


def test_a_hard_link_is_refused_and_its_target_kept(tmp_path):
    target = tmp_path / "target"
    target.write_text("keep me")
    os.link(target, tmp_path / "link")
    with pytest.raises(Refused, match="2 hard links"):
        create_new(tmp_path / "link")
    assert target.read_text() == "keep me"


def test_a_symbolic_link_is_refused_even_dangling(tmp_path):
    target = tmp_path / "target"
    target.write_text("keep me")
    os.symlink(target, tmp_path / "link")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    for name in ("link", "dangling"):
        with pytest.raises(Refused, match="symbolic link"):
            create_new(tmp_path / name)
    assert target.read_text() == "keep me"
    assert not (tmp_path / "nowhere").exists()  # a dangling link's target is not created either


@pytest.mark.skipif(not as_root(), reason="only root can give a file to another user")
def test_another_users_planted_0666_file_in_a_sticky_folder_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    planted = shared / "rows.jsonl.bad"
    planted.write_text("")
    os.chmod(planted, 0o666)
    os.chown(planted, OTHER_UID, OTHER_UID)
    with pytest.raises(Refused, match="belongs to another user"):
        create_new(planted)
    assert planted.read_text() == "" and stat.S_IMODE(os.stat(planted).st_mode) == 0o666


def test_a_folder_or_a_missing_folder_is_said_in_words(tmp_path):
    with pytest.raises(Refused, match="it is a folder"):
        create_new(tmp_path)
    with pytest.raises(Refused, match="cannot create it: no such file"):
        create_new(tmp_path / "no" / "x")


def test_remove_created_removes_only_the_file_it_made(tmp_path):
    path = tmp_path / "f"
    fd = create_new(path)
    remove_created(path, fd)
    assert not path.exists()
    os.close(fd)
    fd = create_new(path)
    path.unlink()
    path.write_text("someone else's")  # the path names another file now
    remove_created(path, fd)
    os.close(fd)
    assert path.read_text() == "someone else's"


def test_same_file_resolves_links_and_files_yet_to_exist(tmp_path):
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "alias")
    assert same_file(tmp_path / "alias" / "config.toml", tmp_path / "real" / "config.toml")
    assert same_file(tmp_path / "real" / ".." / "real" / "x", tmp_path / "real" / "x")
    assert not same_file(tmp_path / "real" / "x", tmp_path / "real" / "y")


# -- the file of bad lines -----------------------------------------------------------------------

def test_an_existing_bad_file_is_refused_before_anything_is_written(tmp_path):
    source = tmp_path / "rows.jsonl"
    earlier = source.with_name("rows.jsonl.bad")
    earlier.write_text("the bad lines of an earlier load\n")
    bad = BadLines(str(source))
    with pytest.raises(FileError, match=r"will not write bad lines to .*rows\.jsonl\.bad: it already exists"):
        bad.open()
    assert earlier.read_text() == "the bad lines of an earlier load\n"


def test_a_hard_linked_bad_file_never_reaches_its_target(tmp_path):
    target = tmp_path / "precious"
    target.write_text("keep me")
    os.link(target, tmp_path / "rows.jsonl.bad")
    with pytest.raises(FileError, match="hard links"):
        BadLines(str(tmp_path / "rows.jsonl")).write(rowfiles.Item(1, "bad", 3))
    assert target.read_text() == "keep me"


def test_a_load_without_bad_lines_leaves_no_bad_file(tmp_path):
    bad = BadLines(str(tmp_path / "rows.jsonl"))
    bad.open()
    assert os.path.exists(bad.path)
    bad.close()
    assert not os.path.exists(bad.path)


def test_insert_skip_bad_with_an_existing_bad_file_refuses_and_sends_nothing(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": f"b{i}", "vector": [i, 0, 0, 0]}) + "\n"
                            for i in range(5)) + "{not json\n")
    earlier = tmp_path / "rows.jsonl.bad"
    earlier.write_text("keep me\n")
    sh = Harness(registry=fake_registry({"f": "fake:19530"}, active="f"))
    err = sh.fail(f"insert books --file {path} --skip-bad")
    assert f"will not write bad lines to {earlier}: it already exists; nothing was inserted" in err
    assert "remove it or move it aside" in err
    session = sh.ctx.session()
    assert len(session.rows["books"]) == 3  # the fake's own rows, none added
    assert not [c for c in session.calls if c[0] in ("insert", "upsert")]
    assert earlier.read_text() == "keep me\n"


# -- record FILE -----------------------------------------------------------------------------------

@pytest.fixture
def home_shell(tmp_path):
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
               "XDG_STATE_HOME": str(tmp_path / "state")}
    shell = Harness(environ=environ)
    yield shell, environ
    shell.close()


def test_record_refuses_the_config_file_existing_or_not(home_shell):
    shell, environ = home_shell
    config = config_path(environ)
    err = shell.fail(f"record {config}")
    assert "it is the shell's config file" in err
    assert not config.exists()  # not created either
    config.parent.mkdir(parents=True)
    config.write_text("[settings]\n")
    assert "it is the shell's config file" in shell.fail(f"record {config.parent}/../milvus-shell/config.toml")
    assert config.read_text() == "[settings]\n"
    assert shell.ctx.recorder is None


def test_record_refuses_the_history_file(home_shell):
    shell, environ = home_shell
    history = history_path(environ)
    history.parent.mkdir(parents=True)
    os.symlink(history.parent, history.parent.parent / "alias")
    assert "it is the shell's history file" in shell.fail(f"record {history.parent.parent}/alias/history")
    assert not history.exists()
    assert shell.ctx.recorder is None


def test_record_refuses_an_existing_file_and_a_hard_link(home_shell, tmp_path):
    shell, _ = home_shell
    notes = tmp_path / "notes.md"
    notes.write_text("my notes\n")
    err = shell.fail(f"record {notes}")
    assert f"cannot record to {notes}: it already exists" in err and "never appends" in err
    os.link(notes, tmp_path / "linked.md")
    assert "hard links" in shell.fail(f"record {tmp_path / 'linked.md'}")
    assert notes.read_text() == "my notes\n"
