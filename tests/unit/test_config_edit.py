"""Editing the config file (`save`, `forget`) without a server: every valid layout is either edited
with its comments kept or refused with the file untouched; eight processes editing at once lose
nothing; a FIFO never hangs the start; a pasted secret is never echoed; a BOM, a config folder that
is a file and an empty HOME are said in words."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
import time
import tomllib

import pytest

from milvus_shell.config import config_path, load_config
from milvus_shell.config_file import forget_profile, save_profile, with_profile, without_profile
from milvus_shell.errors import UsageError
from milvus_shell.paths import config_dir, data_dir, state_dir
from milvus_shell.profiles import Profile, profile_settings, read_secret_file, with_secret

NEW = {"address": "new.example.com:19530", "user": "ann", "timeout": 9.0}


def run_shell(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "milvus_shell", *args], input="", capture_output=True,
                          text=True, timeout=timeout, env=env)


def profiles_of(text: str) -> dict:
    return tomllib.loads(text.removeprefix("\ufeff")).get("connections", {})


# -- case 16: layouts that are valid TOML -----------------------------------------------------------

def test_a_table_header_inside_a_multiline_string_is_not_edited():
    text = ('[settings]\nprompt = """\n[connections.prod]\nuser = "x"\n"""\n\n'
            '[connections.prod]\naddress = "old:1"  # the VPN one\n')
    new, existed = with_profile(text, "prod", NEW)
    assert existed
    data = tomllib.loads(new)
    assert data["settings"]["prompt"] == '[connections.prod]\nuser = "x"\n'
    assert data["connections"]["prod"] == {"address": NEW["address"], "user": "ann", "timeout": 9}
    assert f'address = "{NEW["address"]}"  # the VPN one' in new and "timeout = 9\n" in new
    removed = without_profile(text, "prod")
    assert tomllib.loads(removed) == {"settings": {"prompt": '[connections.prod]\nuser = "x"\n'}}


def test_dotted_keys_are_updated_in_place_and_a_new_profile_stays_valid():
    text = '# mine\nconnections.prod.address = "old:1"  # hi\nconnections.prod.user = "u"\n\n[settings]\nformat = "json"\n'
    new, existed = with_profile(text, "prod", NEW)
    assert existed and "[connections.prod]" not in new
    assert 'connections.prod.address = "new.example.com:19530"  # hi' in new
    assert profiles_of(new) == {"prod": {"address": NEW["address"], "user": "ann", "timeout": 9}}
    added, existed = with_profile(text, "lab", {"address": "lab:1"})
    assert not existed and added.startswith("# mine\n")
    data = tomllib.loads(added)
    assert data["connections"] == {"prod": {"address": "old:1", "user": "u"}, "lab": {"address": "lab:1"}}
    assert data["settings"] == {"format": "json"}
    assert tomllib.loads(without_profile(text, "prod")) == {"settings": {"format": "json"}}


def test_an_inline_connections_table_gets_no_second_header():
    text = 'connections = {prod = {address = "old:1"}}  # all in one line\n'
    new, existed = with_profile(text, "prod", NEW)
    assert existed and "[connections" not in new and "# all in one line" in new
    assert profiles_of(new)["prod"]["address"] == NEW["address"]
    added, _ = with_profile(text, "lab", {"address": "lab:1"})
    assert "[connections" not in added
    assert profiles_of(added) == {"prod": {"address": "old:1"}, "lab": {"address": "lab:1"}}
    assert profiles_of(without_profile(text, "prod")) == {}


def test_multiline_values_are_replaced_whole():
    text = '[connections.prod]\naddress = """\nold:1"""\nca = \'\'\'\n/etc/ca.pem\'\'\'\n\n[connections.lab]\naddress = "lab:1"\n'
    new, _ = with_profile(text, "prod", NEW)
    assert profiles_of(new) == {"prod": {"address": NEW["address"], "user": "ann", "timeout": 9},
                                "lab": {"address": "lab:1"}}
    assert "/etc/ca.pem" not in new
    assert profiles_of(without_profile(text, "prod")) == {"lab": {"address": "lab:1"}}


def test_forget_removes_the_sub_tables_and_keeps_the_comment_above_the_next_table():
    text = ('[connections.prod]\naddress = "old:1"\n\n[connections.prod.extra]\nx = 1\n\n'
            '# the lab machine\n[connections.lab]\naddress = "lab:1"\n')
    removed = without_profile(text, "prod")
    assert "prod" not in removed and "# the lab machine\n[connections.lab]" in removed
    assert profiles_of(removed) == {"lab": {"address": "lab:1"}}
    saved, _ = with_profile(text, "prod", {"address": "new:2"})
    assert profiles_of(saved) == {"prod": {"address": "new:2"}, "lab": {"address": "lab:1"}}
    assert "# the lab machine\n[connections.lab]" in saved


def test_an_array_of_connections_tables_is_refused_in_words():
    text = '[[connections]]\nname = "prod"\naddress = "old:1"\n'
    for edit in (lambda: with_profile(text, "prod", NEW), lambda: without_profile(text, "prod")):
        with pytest.raises(UsageError, match=r"array of tables \(\[\[connections\]\]\)"):
            edit()


def test_a_byte_order_mark_is_kept_and_the_table_found(tmp_path):
    text = '\ufeff# mine\n[connections.prod]\naddress = "old:1"\n'
    new, existed = with_profile(text, "prod", NEW)
    assert existed and new.startswith("\ufeff# mine\n") and new.count("[connections.prod]") == 1
    assert profiles_of(new)["prod"]["address"] == NEW["address"]
    path = tmp_path / "bom.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)  # the start reads it too
    assert config.problems == [] and config.profiles["prod"].address == "old:1"


def test_an_invalid_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[settings]\nformat = "json\n')
    before = path.stat()
    with pytest.raises(UsageError) as info:
        save_profile(path, "prod", NEW)
    assert "not valid TOML (line 2, column 15" in info.value.message and str(path) in info.value.message
    with pytest.raises(UsageError, match="not valid TOML"):
        forget_profile(path, "prod")
    after = path.stat()
    assert path.read_text() == '[settings]\nformat = "json\n' and after.st_ino == before.st_ino
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_file_edit_goes_through_a_checked_private_temporary_file(tmp_path):
    path = tmp_path / "milvus-shell" / "config.toml"
    existed, created = save_profile(path, "prod", NEW)
    assert (existed, created) == (False, True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lock = path.with_name("config.toml.lock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    path.chmod(0o640)
    assert save_profile(path, "prod", {"address": "h:2"}) == (True, False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # an existing file keeps its mode
    assert forget_profile(path, "prod") and not forget_profile(path, "prod")
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml", "config.toml.lock"]


def test_links_and_files_of_other_kinds_are_refused(tmp_path):
    target = tmp_path / "elsewhere.toml"
    target.write_text("# someone's\n")
    path = tmp_path / "config.toml"
    path.symlink_to(target)
    with pytest.raises(UsageError, match="symbolic link"):
        save_profile(path, "prod", NEW)
    path.unlink()
    os.link(target, path)
    with pytest.raises(UsageError, match="2 hard links"):
        save_profile(path, "prod", NEW)
    assert target.read_text() == "# someone's\n"
    path.unlink()
    path.write_text("")
    lock = tmp_path / "config.toml.lock"
    assert not lock.exists()  # a refused file gets no lock file either
    lock.symlink_to(tmp_path / "planted")
    with pytest.raises(UsageError, match="symbolic link"):
        save_profile(path, "prod", NEW)
    assert not (tmp_path / "planted").exists() and path.read_text() == ""


# -- case 4: eight processes at once ----------------------------------------------------------------

def _save_after(barrier, path, index):
    barrier.wait()
    save_profile(path, f"r{index}", {"address": f"host{index}:19530", "user": f"u{index}"})


def _forget_after(barrier, path, index):
    barrier.wait()
    assert forget_profile(path, f"r{index}")


def _run_eight(target, path, indexes):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(indexes))
    workers = [context.Process(target=target, args=(barrier, path, i)) for i in indexes]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0] * len(indexes)


def test_eight_processes_saving_and_forgetting_at_once_lose_nothing(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# shared by many shells\n[settings]\nformat = \"json\"\n")
    for attempt in range(3):
        _run_eight(_save_after, path, range(8 * attempt, 8 * attempt + 8))
    text = path.read_text()
    assert text.startswith("# shared by many shells\n")
    assert sorted(profiles_of(text)) == sorted(f"r{i}" for i in range(24))
    assert all(profiles_of(text)[f"r{i}"] == {"address": f"host{i}:19530", "user": f"u{i}"} for i in range(24))
    _run_eight(_forget_after, path, range(0, 16, 2))
    assert sorted(profiles_of(path.read_text())) == sorted(
        [f"r{i}" for i in range(1, 16, 2)] + [f"r{i}" for i in range(16, 24)])
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# -- case 17: a FIFO ---------------------------------------------------------------------------------

def test_a_fifo_config_never_hangs_the_start(tmp_path, private_home):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    started = time.monotonic()
    config = load_config(fifo)
    assert time.monotonic() - started < 5
    assert config.problems == [f"{fifo}: not a regular file; using the defaults"]
    r = run_shell("--config", str(fifo), "-c", "set", timeout=30)
    assert r.returncode == 0 and "not a regular file; using the defaults" in r.stderr
    default = config_path({"HOME": str(private_home), "XDG_CONFIG_HOME": str(private_home / ".config")})
    default.parent.mkdir(parents=True)
    os.mkfifo(default)
    env = {**os.environ, "HOME": str(private_home), "XDG_CONFIG_HOME": str(private_home / ".config")}
    r = run_shell("-c", "profiles", env=env, timeout=30)
    assert r.returncode == 0 and "not a regular file" in r.stderr
    with pytest.raises(UsageError, match="not a regular file"):
        save_profile(default, "prod", NEW)


# -- minors ------------------------------------------------------------------------------------------

def test_a_secret_pasted_as_a_variable_name_is_never_echoed(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[connections.prod]\naddress = "h:1"\npassword_env = "hunter2-S3cret!"\n'
                    '[connections.tok]\ntoken_env = 12345\n')
    config = load_config(path)
    said = "\n".join(config.problems)
    assert "password_env is not a valid environment variable name" in said
    assert "hunter2" not in said and "12345" not in said and config.profiles == {}
    profile = Profile("prod", address="h:1", password_env="hunter2-S3cret!")
    with pytest.raises(UsageError) as info:
        with_secret(profile_settings(profile, {}), profile, {}, None)
    assert "not a valid environment variable name" in info.value.message
    assert "hunter2" not in info.value.message + (info.value.hint or "")


def test_a_password_file_with_a_byte_order_mark(tmp_path):
    secret = tmp_path / "pw"
    secret.write_bytes("\ufeffs3cret\n".encode())
    secret.chmod(0o600)
    assert read_secret_file(str(secret), "password_file") == "s3cret"


def test_a_config_folder_that_is_a_file_is_said_in_words(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    path = config_path({"XDG_CONFIG_HOME": str(not_a_folder)})
    with pytest.raises(UsageError) as info:
        save_profile(path, "prod", NEW)
    assert "not a directory" in info.value.message
    assert "internal error" not in info.value.message
    with pytest.raises(UsageError, match="not a directory"):
        forget_profile(path, "prod")
    env = {**os.environ, "XDG_CONFIG_HOME": str(not_a_folder)}
    r = run_shell("-c", "profiles", env=env)
    assert r.returncode == 0 and "not a directory; using the defaults" in r.stderr
    assert "internal error" not in r.stderr


def test_an_empty_home_counts_as_unset():
    import pwd

    home = pwd.getpwuid(os.geteuid()).pw_dir
    for folder in (config_dir({"HOME": ""}), data_dir({"HOME": ""}), state_dir({"HOME": "relative"})):
        assert not str(folder).startswith(("/.config", "/.local"))
        if home and home.strip("/"):
            assert str(folder).startswith(home.rstrip("/") + "/")
    assert str(config_dir({"HOME": "/home/ann"})) == "/home/ann/.config/milvus-shell"


def test_the_writer_is_imported_only_when_the_file_is_edited(private_home):
    config_file = private_home / ".config" / "milvus-shell" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[connections.prod]\naddress = "h:1"\n')
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "milvus_shell", "-c", "profiles"],
                       input="", capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "prod" in r.stdout
    assert "milvus_shell.config" in r.stderr and "tomlkit" not in r.stderr


def test_forget_removes_a_profile_the_start_left_out(private_home):
    path = private_home / ".config" / "milvus-shell" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[connections.prod]\npassword_env = "pasted secret"\n[connections.ok]\naddress = "h:1"\n')
    r = run_shell("-c", "forget prod --yes")
    assert r.returncode == 0 and "removed profile prod" in r.stderr + r.stdout
    assert "pasted secret" not in r.stderr + r.stdout
    assert profiles_of(path.read_text()) == {"ok": {"address": "h:1"}}
    r = run_shell("-c", "forget nope --yes")
    assert r.returncode == 1 and "no profile 'nope'" in r.stderr and "profiles: ok" in r.stderr


def test_an_edit_waits_for_the_lock_then_gives_up_in_words(tmp_path, monkeypatch):
    import fcntl

    from milvus_shell import config_file

    path = tmp_path / "config.toml"
    path.write_text("# mine\n")
    monkeypatch.setattr(config_file, "LOCK_WAIT_SECONDS", 0.3)
    holder = os.open(tmp_path / "config.toml.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with pytest.raises(UsageError, match="being edited by another process"):
            save_profile(path, "prod", NEW)
    finally:
        os.close(holder)
    assert path.read_text() == "# mine\n"
    save_profile(path, "prod", NEW)
    assert profiles_of(path.read_text())["prod"]["user"] == "ann"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_another_users_file_is_refused(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# theirs\n")
    os.chown(path, 54321, 54321)
    with pytest.raises(UsageError, match="belongs to another user"):
        save_profile(path, "prod", NEW)
    assert path.read_text() == "# theirs\n"


def test_forget_without_a_file_creates_nothing(tmp_path):
    path = tmp_path / "milvus-shell" / "config.toml"
    assert forget_profile(path, "prod") is False
    assert not path.parent.exists()
