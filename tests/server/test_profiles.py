"""Profiles against real servers: each secret source on Milvus 2.3.5 with authentication, options on
the line overriding a profile, MILVUS_URI, `save` / `profiles` / `forget` round trips on Milvus Lite
that keep a hand-written comment and never write a secret, the start with a profile in a script and
in a real pseudo-terminal (prompt first, connection after)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest

from harness import Harness
from pty_terminal import prompt_of

pytestmark = pytest.mark.server

PASSWORD = "Milvus"  # root's, on the milvus_auth server


def config_path(home):
    return home / ".config" / "milvus-shell" / "config.toml"


def write_config(home, text: str, mode: int = 0o600):
    path = config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def harness(home, asked=None, **env) -> Harness:
    return Harness(environ={"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), **env},
                   ask_secret=asked)


@pytest.fixture
def shells():
    opened: list[Harness] = []

    def make(*args, **kwargs) -> Harness:
        sh = harness(*args, **kwargs)
        opened.append(sh)
        return sh

    yield make
    for sh in opened:
        sh.close()


def test_password_from_an_environment_variable(shells, private_home, milvus_auth):
    write_config(private_home, f'[connections.prod]\naddress = "{milvus_auth.address}"\nuser = "root"\n'
                 'password_env = "PROD_PW"\n')
    sh = shells(private_home, PROD_PW=PASSWORD)
    assert sh.ok("connect prod").startswith("connected prod -> ")
    sh.ok("show databases")
    table = sh.ok("connections")
    assert re.search(r"prod +\| connected .*\| prod *$", table, re.M), table
    listed = sh.ok("profiles --format json")
    assert '"secret": "password from $PROD_PW"' in listed and PASSWORD not in listed
    err = shells(private_home).fail("connect prod")  # the variable is not set in this one
    assert "PROD_PW" in err and "is not set" in err
    wrong = shells(private_home, PROD_PW="wrong-one").fail("connect prod")
    assert "wrong-one" not in wrong and ("auth" in wrong or "password" in wrong), wrong


def test_password_from_a_file_and_a_readable_file_refused(shells, private_home, milvus_auth, tmp_path):
    secret = tmp_path / "prod.pw"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o600)
    write_config(private_home, f'[connections.prod]\naddress = "{milvus_auth.address}"\nuser = "root"\n'
                 f'password_file = "{secret}"\n')
    sh = shells(private_home)
    assert sh.ok("connect prod").startswith("connected prod -> ")
    secret.chmod(0o644)
    err = shells(private_home).fail("connect prod")
    assert f"password_file {secret} is readable by group and others (mode 0644)" in err
    assert f"chmod 600 {secret}" in err
    secret.unlink()
    assert "no such file" in shells(private_home).fail("connect prod")


def test_token_from_an_environment_variable_and_from_a_file(shells, private_home, milvus_auth, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(f"root:{PASSWORD}")
    token_file.chmod(0o400)
    write_config(private_home, f'[connections.a]\naddress = "{milvus_auth.address}"\ntoken_env = "TOK"\n'
                 f'[connections.b]\naddress = "{milvus_auth.address}"\ntoken_file = "{token_file}"\n')
    sh = shells(private_home, TOK=f"root:{PASSWORD}")
    assert sh.ok("connect a").startswith("connected a -> ")
    assert sh.ok("connect b").startswith("connected b -> ")
    assert "TOK" in shells(private_home).fail("connect a")


def test_password_asked_without_echo_when_the_profile_says_so(shells, private_home, milvus_auth):
    write_config(private_home, f'[connections.prod]\naddress = "{milvus_auth.address}"\nuser = "root"\n'
                 'password_prompt = true\n')
    questions = []
    sh = shells(private_home, asked=lambda q: questions.append(q) or PASSWORD)
    assert sh.ok("connect prod").startswith("connected prod -> ")
    assert questions == ["Password for root (prod): "]
    assert "no terminal to ask on" in shells(private_home).fail("connect prod")


def test_options_on_the_line_override_the_profile(shells, private_home, milvus_auth):
    write_config(private_home, f'[connections.prod]\naddress = "{milvus_auth.address}"\nuser = "nobody"\n'
                 'password_env = "UNSET_VARIABLE"\ntimeout = 30\n')
    sh = shells(private_home)
    assert "UNSET_VARIABLE" in sh.fail("connect prod")  # the profile alone needs the variable
    out = sh.ok(f"connect prod --user root --password {PASSWORD} --timeout 7")
    assert out.startswith("connected prod -> ")
    settings = sh.registry.settings("prod")
    assert (settings.user, settings.timeout, settings.profile) == ("root", 7.0, "prod")


def test_milvus_uri_is_the_default_address(shells, private_home, lite_server):
    sh = shells(private_home, MILVUS_URI=lite_server.address)
    assert f"127.0.0.1:{lite_server.port}" in sh.ok("connect x")


def test_save_round_trip_keeps_the_comment_and_never_writes_the_secret(shells, private_home, lite_server):
    path = write_config(private_home, "# my own notes: do not lose me\n[settings]\nformat = \"table\"  # yes\n\n"
                        "[connections.other]\naddress = \"elsewhere:19530\"  # kept\n", mode=0o640)
    sh = shells(private_home)
    sh.ok(f"connect lab {lite_server.address} --user root --password s3cret-typed --db default --timeout 9")
    said = sh.ok("save lab")
    assert said.startswith(f"saved profile lab in {path}")
    assert "was not saved" in said and 'password_env = "VARIABLE"' in said
    text = path.read_text()
    assert text.startswith("# my own notes: do not lose me\n[settings]\nformat = \"table\"  # yes\n")
    assert 'address = "elsewhere:19530"  # kept' in text
    assert f'[connections.lab]\naddress = "127.0.0.1:{lite_server.port}"\nuser = "root"\ndb = "default"\n' \
           f'timeout = 9\n' in text
    assert "s3cret" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # an existing file keeps its mode

    again = shells(private_home)  # a new session reads the profile back
    assert again.ok("connect lab").startswith("connected lab -> ")
    assert again.registry.settings("lab").profile == "lab"
    rows = again.ok("profiles --format csv").splitlines()
    assert rows[0] == "profile,address,user,database,secret,tls,aliases"
    assert f"lab,127.0.0.1:{lite_server.port},root,default,,,lab" in rows

    assert "add --yes" in again.fail("forget lab")  # scripts cannot be asked
    assert "[connections.lab]" in path.read_text()
    again.ok("forget lab --yes")
    text = path.read_text()
    assert "[connections.lab]" not in text and "# my own notes: do not lose me" in text
    assert 'address = "elsewhere:19530"  # kept' in text


def test_save_creates_a_private_file_and_refuses_a_symbolic_link(shells, private_home, lite_server, tmp_path):
    sh = shells(private_home)
    sh.ok(f"connect lab {lite_server.address}")
    sh.ok("save lab --as mine")
    path = config_path(private_home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "[connections.mine]" in path.read_text()
    target = tmp_path / "elsewhere.toml"
    target.write_text("# someone's\n")
    path.unlink()
    path.symlink_to(target)
    err = sh.fail("save lab")
    assert "is a symbolic link" in err and target.read_text() == "# someone's\n"


def test_save_keeps_the_secret_source_of_a_profile(shells, private_home, milvus_auth):
    path = write_config(private_home, f'[connections.prod]\naddress = "{milvus_auth.address}"\nuser = "root"\n'
                        'password_env = "PROD_PW"\n')
    sh = shells(private_home, PROD_PW=PASSWORD)
    sh.ok("connect prod")
    said = sh.ok("save prod --as copy")
    assert "not saved" not in said
    text = path.read_text()
    assert '[connections.copy]\naddress = "' in text and 'password_env = "PROD_PW"' in text.split("[connections.copy]")[1]
    assert PASSWORD not in text
    assert shells(private_home, PROD_PW=PASSWORD).ok("connect copy").startswith("connected copy -> ")


def test_a_script_started_with_a_profile_connects_first(private_home, lite_server):
    write_config(private_home, f'[connections.lp]\naddress = "{lite_server.address}"\n')
    r = subprocess.run([sys.executable, "-m", "milvus_shell", "lp", "-c", "connections"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("connected lp -> ")  # connected first (its status line is on stderr)
    assert re.search(r"lp +\| connected .*\| lp *$", r.stdout, re.M), r.stdout


def test_start_with_a_profile_draws_the_prompt_first_and_connects_behind_it(terminal, private_home, lite_server):
    write_config(private_home, f'[connections.lp]\naddress = "{lite_server.address}"\n')
    term = terminal("lp")
    term.expect(r"milvus lp \(connecting\)>")
    before = term.text[:term.position]
    assert "connected lp" not in before  # the prompt came first
    term.line("connections")  # typed while connecting: it waits for the connection
    term.expect(r"connected lp -> 127\.0\.0\.1")
    table = term.expect(r"alias(.|\n)*?\(1 row\)").group(0)
    assert re.search(r"lp +\| connected .*\| lp", table), table
    term.expect(prompt_of("lp", lite_server))
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0


def test_start_with_an_address_that_refuses_shows_the_error_above_the_prompt(terminal, private_home):
    from servers import free_port

    term = terminal(f"127.0.0.1:{free_port()}")
    term.expect(r"milvus default \(connecting\)>")
    term.expect(r"error: connection refused by 127\.0\.0\.1:")
    term.expect(r"milvus \(not connected\)>")
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0
