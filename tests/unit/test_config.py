"""The config file without a server: [settings] through the one settings table, a broken file (line
and column, the shell still starts), refused keys, the textual edits `save` and `forget` make, secret
files refused by their mode, completion of profile names."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib

import pytest

from milvus_shell.commands import build_table
from milvus_shell.completion import ShellCompleter, default_sources
from milvus_shell.config import load_config
from milvus_shell.config_file import with_profile, without_profile
from milvus_shell.errors import UsageError
from milvus_shell.profiles import Profile, read_secret_file
from milvus_shell.registry import ConnectionRegistry
from milvus_shell.settings import SETTINGS, Settings

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document


def run_shell(*args, env=None, stdin=""):
    return subprocess.run([sys.executable, "-m", "milvus_shell", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env=env)


def config_file(home, text: str):
    path = home / ".config" / "milvus-shell" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_settings_from_the_config_file_and_flags_beating_it(private_home):
    config_file(private_home, '[settings]\nformat = "json"\ntimeout = 3.5\ntiming = true\npager = "less -S"\n'
                'history_size = 500\nprompt = "{alias}> "\n')
    r = run_shell("-c", "set")
    assert r.returncode == 0, r.stderr
    rows = {row["setting"]: row["value"] for row in __import__("json").loads(r.stdout)}
    assert rows == {"format": "json", "timeout": "3.5 s", "pager": "less -S", "history_size": "500",
                    "color": "off", "prompt": "{alias}> ", "timing": "on", "digits": "off"}
    r = run_shell("--format", "csv", "--timeout", "7", "-c", "set")
    assert r.returncode == 0, r.stderr
    assert "timeout,7 s" in r.stdout.splitlines() and "format,csv" in r.stdout.splitlines()


def test_a_broken_config_file_names_line_and_column_and_the_shell_still_starts(private_home):
    config_file(private_home, '# mine\n[settings]\nformat = "json\ntimeout = 5\n')
    r = run_shell("-c", "set")
    assert r.returncode == 0
    assert "config.toml: line 3, column 15:" in r.stderr and "using the defaults" in r.stderr
    assert "format       | table" in r.stdout  # the defaults


def test_config_flag_picks_another_file_and_a_missing_one_is_said(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('[settings]\nformat = "vertical"\n')
    r = run_shell("--config", str(other), "-c", "set")
    assert r.returncode == 0 and "value   | vertical" in r.stdout, r.stdout
    r = run_shell("--config", str(tmp_path / "none.toml"), "-c", "set")
    assert r.returncode == 0 and "none.toml: no such file" in r.stderr


def test_unknown_keys_wrong_types_and_plain_passwords_are_named(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[settings]\ncolour = true\ntimeout = "ten"\nformat = "yaml"\nhistory_size = true\n'
                    '[connections.prod]\naddress = "h:1"\npassword = "hunter2"\n'
                    '[connections.ok]\naddress = "h:2"\nuser = "u"\ntoken_env = "T"\n'
                    '[connections.two]\npassword_env = "A"\ntoken_file = "/x"\n'
                    '[connections.bad]\naddress = "h:99999"\n[other]\n')
    config = load_config(path)
    text = "\n".join(config.problems)
    assert "unknown key [settings] colour" in text
    assert "[settings] timeout must be a number of seconds, not a string ('ten')" in text
    assert "[settings] format must be one of table, vertical, json, csv, not 'yaml'" in text
    assert "[settings] history_size must be a whole number" in text
    assert "[connections.prod] password: refused" in text and "password_env" in text
    assert "hunter2" not in text
    assert "[connections.two] give one secret source" in text
    assert "[connections.bad] address:" in text and "unknown table [other]" in text
    assert list(config.profiles) == ["ok"] and config.settings == {}
    assert config.profiles["ok"].describe_secret() == "token from $T"


def test_set_name_value(sh):
    assert sh.ok("set timeout 2.5") == "timeout 2.5 s\n" and sh.ctx.registry.timeout == 2.5
    sh.ok("set pager 'less -S'")
    assert sh.ctx.settings.pager_command == "less -S" and sh.ctx.settings.paging
    sh.ok("set pager off")
    assert not sh.ctx.settings.paging
    sh.ok("set prompt '{alias}@{host}/{db}> '")
    assert sh.ctx.settings.prompt == "{alias}@{host}/{db}> "
    assert "takes on or off" in sh.fail("set color maybe")
    assert "at most" in sh.fail("set history_size 99999999999") or "history_size" in sh.fail("set history_size x")
    out = sh.ok("help set")
    assert all(s.name in out for s in SETTINGS)


COMMENTED = '''# my settings, by hand
[settings]
format = "json"   # I like json

# the production cluster
[connections.prod]
address = "prod.example.com:19530"  # via the VPN
user = "auditor"
password_env = "PROD_PW"

[connections.staging]
address = "staging:19530"
'''


def test_profile_edits_keep_comments_order_and_other_entries():
    new, existed = with_profile(COMMENTED, "prod", {"address": "prod2:19530", "user": "auditor", "db": "books"})
    assert existed
    assert "# my settings, by hand\n" in new and 'format = "json"   # I like json' in new
    assert 'address = "prod2:19530"  # via the VPN' in new and 'db = "books"' in new
    assert "password_env" not in new  # the saved alias has no such source any more
    assert new.index("[connections.prod]") < new.index("[connections.staging]")
    doc = tomllib.loads(new)
    assert doc["connections"]["staging"] == {"address": "staging:19530"}
    added, existed = with_profile(COMMENTED, "lab", {"address": 'we"ird#:1', "timeout": 2.5, "tls": True})
    assert not existed and added.startswith(COMMENTED)
    assert tomllib.loads(added)["connections"]["lab"] == {"address": 'we"ird#:1', "timeout": 2.5, "tls": True}
    removed = without_profile(COMMENTED, "prod")
    assert "[connections.prod]" not in removed and "# the production cluster" in removed
    assert tomllib.loads(removed)["connections"] == {"staging": {"address": "staging:19530"}}
    assert without_profile(COMMENTED, "nope") is None


def test_a_secret_file_readable_by_others_is_refused(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    assert read_secret_file(str(secret), "password_file") == "s3cret"
    secret.chmod(0o644)
    with pytest.raises(UsageError) as info:
        read_secret_file(str(secret), "password_file")
    assert "readable by group and others (mode 0644)" in info.value.message and "chmod 600" in info.value.hint
    secret.chmod(0o640)
    with pytest.raises(UsageError, match="readable by group"):
        read_secret_file(str(secret), "password_file")
    with pytest.raises(UsageError, match="not a regular file"):
        read_secret_file(str(tmp_path), "password_file")
    with pytest.raises(UsageError, match="no such file"):
        read_secret_file(str(tmp_path / "none"), "password_file")


def test_completion_offers_profile_names_where_an_alias_goes():
    table = build_table()
    registry = ConnectionRegistry()
    sources = default_sources(registry, table, profiles=lambda: {"prod": Profile("prod", address="h:1"),
                                                                 "lab": Profile("lab")})
    completer = ShellCompleter(table, sources)

    def offered(text):
        return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]

    assert {"prod", "lab"} <= set(offered("connect "))
    assert offered("forget p") == ["prod"]
    assert "prod" not in offered("use ")  # only connected aliases go there
