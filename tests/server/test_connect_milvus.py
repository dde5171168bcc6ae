"""Authentication and TLS against real Milvus 2.3.5 standalone servers (started by conftest)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from harness import Harness
from servers import ROOT_PASSWORD, ROOT_USER, TLS_SERVER_NAME

SECRET = "Alice-s3cret-7Q"  # a password no other text contains
USER = "alice"

pytestmark = pytest.mark.server  # the Milvus 2.3.5 servers of conftest, one with auth, one with TLS


@pytest.fixture(scope="module")
def alice(milvus_auth):
    """A user with a distinctive password, made with pymilvus directly."""
    from pymilvus import MilvusClient

    root = MilvusClient(uri=milvus_auth.uri, token=milvus_auth.token, timeout=10, dedicated=True)
    try:
        if USER not in root.list_users(timeout=10):
            root.create_user(USER, SECRET, timeout=10)
    finally:
        root.close()
    return USER


def assert_no_secret(*texts):
    for text in texts:
        assert SECRET not in text


def test_user_and_password(sh, milvus_auth, alice):
    out = sh.ok(f"connect prod {milvus_auth.address} --user {alice} --password {SECRET}")
    assert f"connected prod -> {milvus_auth.address} (Milvus v2.3.5" in out and "database default)" in out
    table = sh.ok("connections")
    assert "alice" in table and "v2.3.5" in table
    assert_no_secret(*sh.transcript[1:])


def test_token(sh, milvus_auth, alice):
    sh.ok(f"connect prod {milvus_auth.address} --token {alice}:{SECRET}")
    assert "serving" in sh.ok("ping prod")
    assert_no_secret(*sh.transcript[1:])


def test_wrong_password(sh, milvus_auth, alice):
    err = sh.fail(f"connect prod {milvus_auth.address} --user {alice} --password wrong-one")
    assert f"authentication failed for user 'alice' on {milvus_auth.address}" in err
    assert sh.states() == {}


def test_wrong_token(sh, milvus_auth):
    err = sh.fail(f"connect prod {milvus_auth.address} --token alice:nope")
    assert "authentication failed for the token" in err


def test_no_credentials(sh, milvus_auth):
    err = sh.fail(f"connect prod {milvus_auth.address}")
    assert "requires credentials and none were given" in err
    assert "--password" in err



def test_password_is_asked_for_when_given_no_value(milvus_auth, alice):
    asked = []
    sh = Harness(ask_secret=lambda prompt: asked.append(prompt) or SECRET)
    try:
        sh.ok(f"connect prod {milvus_auth.address} --user {alice} --password")
        assert asked == ["Password for alice (prod): "]
        assert_no_secret(*sh.transcript)
    finally:
        sh.close()


def test_bare_password_without_a_terminal_says_how(sh, milvus_auth):
    err = sh.fail(f"connect prod {milvus_auth.address} --user {USER} --password")
    assert "needs a terminal" in err and "MILVUS_PASSWORD" in err


@pytest.mark.parametrize("variable, value", [("MILVUS_PASSWORD", SECRET), ("MILVUS_TOKEN", f"{USER}:{SECRET}")])
def test_secrets_from_the_environment(milvus_auth, alice, variable, value):
    sh = Harness(environ={variable: value})
    try:
        user = f" --user {alice}" if variable == "MILVUS_PASSWORD" else ""
        sh.ok(f"connect prod {milvus_auth.address}{user}")
        assert "serving" in sh.ok("ping")
    finally:
        sh.close()


def test_reconnect_by_alias_keeps_the_secret_in_memory(sh, milvus_auth, alice):
    sh.ok(f"connect prod {milvus_auth.address} --user {alice} --password {SECRET}")
    sh.ok("disconnect prod")
    out = sh.ok("connect prod")
    assert "connected prod" in out
    assert "alice" in sh.ok("connections")
    assert_no_secret(*sh.transcript[1:], repr(sh.registry.settings("prod")))


def test_unknown_database(sh, milvus_auth):
    err = sh.fail(f"connect prod {milvus_auth.address} --token {milvus_auth.token} --db nosuchdb")
    assert "database 'nosuchdb' not found" in err
    assert sh.states() == {}


def test_script_mode_secrets_never_reach_output_or_files(milvus_auth, alice, private_home):
    env = dict(os.environ, MILVUS_PASSWORD=SECRET)
    result = subprocess.run(
        [sys.executable, "-m", "milvus_shell", "-c",
         f"connect prod {milvus_auth.address} --user {alice}; connections; ping; disconnect prod; "
         f"connect prod; connections"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"^connected prod -> ", result.stderr, re.M)) == 2  # status lines: on stderr
    assert_no_secret(result.stdout, result.stderr)
    for root, _, files in os.walk(private_home):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                assert SECRET.encode() not in f.read(), name


# -- TLS (two-way: the server asks for a client certificate) -----------------------------------------

def tls_files(certs, ca="ca", cert="client_cert", key="client_key"):
    return f"--ca {certs[ca]} --cert {certs[cert]} --key {certs[key]}"


def test_two_way_tls(sh, milvus_tls, certs):
    out = sh.ok(f"connect sec https://{TLS_SERVER_NAME}:{milvus_tls.port} {tls_files(certs)}")
    assert f"connected sec -> https://{TLS_SERVER_NAME}:{milvus_tls.port} (Milvus v2.3.5" in out
    assert "serving" in sh.ok("ping")


def test_tls_flag_and_server_name(sh, milvus_tls, certs):
    out = sh.ok(f"connect sec 127.0.0.1:{milvus_tls.port} --tls {tls_files(certs)} --server-name localhost")
    assert f"-> https://127.0.0.1:{milvus_tls.port} " in out
    sh.ok("disconnect sec")
    sh.ok("connect sec")  # TLS settings kept for the reconnect


def test_tls_untrusted_server_certificate(sh, milvus_tls, certs):
    err = sh.fail(f"connect sec https://localhost:{milvus_tls.port} {tls_files(certs, ca='other_ca')} --timeout 5")
    assert "TLS handshake failed" in err
    assert "not signed by a trusted CA" in err


def test_tls_wrong_server_name(sh, milvus_tls, certs):
    err = sh.fail(
        f"connect sec https://localhost:{milvus_tls.port} {tls_files(certs)} --server-name other.example --timeout 5"
    )
    assert "TLS handshake failed" in err
    assert "does not match its name" in err


def test_tls_client_certificate_missing(sh, milvus_tls, certs):
    err = sh.fail(f"connect sec https://localhost:{milvus_tls.port} --ca {certs['ca']} --timeout 5")
    assert "TLS handshake failed" in err and "rejected the client certificate" in err
    assert "--cert and --key" in err
    assert sh.states() == {}


def test_tls_client_certificate_from_another_ca(sh, milvus_tls, certs):
    files = f"--ca {certs['ca']} --cert {certs['other_client_cert']} --key {certs['other_client_key']}"
    err = sh.fail(f"connect sec https://localhost:{milvus_tls.port} {files} --timeout 5")
    assert "TLS handshake failed" in err and "rejected the client certificate" in err


def test_plain_text_to_a_tls_port(sh, milvus_tls):
    err = sh.fail(f"connect sec 127.0.0.1:{milvus_tls.port} --timeout 5")
    assert "closed the connection" in err
    assert "try --tls" in err


def test_tls_files_must_exist(sh, milvus_tls, certs, tmp_path):
    err = sh.fail(f"connect sec https://localhost:{milvus_tls.port} --ca {tmp_path}/none.pem")
    assert f"file not found: {tmp_path}/none.pem" in err


def test_two_way_needs_all_three_files(sh, milvus_tls, certs):
    err = sh.fail(f"connect sec https://localhost:{milvus_tls.port} --cert {certs['client_cert']}")
    assert "needs all of --ca, --cert and --key" in err


def test_auth_and_tls_servers_side_by_side(sh, milvus_auth, milvus_tls, certs, lite_server):
    sh.ok(f"connect a {milvus_auth.address} --user {ROOT_USER} --password {ROOT_PASSWORD}")
    sh.ok(f"connect t https://localhost:{milvus_tls.port} {tls_files(certs)}")
    sh.ok(f"connect l {lite_server.address}")
    for alias in ("a", "t", "l"):
        assert "serving" in sh.ok(f"ping {alias}")
    assert sh.states() == {"a": "connected", "t": "connected", "l": "connected"}
