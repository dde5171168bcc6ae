"""Administering in a real terminal against Milvus 2.3.5 with authentication: watch redrawn in place
and stopped by Ctrl-C with the connection still usable; new passwords (asked or typed) never reach
the history file or the screen."""

from __future__ import annotations

import uuid

import pytest
from pymilvus import MilvusClient

import explore_data as data
from pty_terminal import prompt_of

pytestmark = pytest.mark.server


def test_watch_redraws_until_ctrl_c_and_the_connection_stays_usable(terminal, milvus_auth):
    name = f"admin_watch_{uuid.uuid4().hex[:8]}"
    with data.scratch_collection(milvus_auth.client_kwargs(), name, consistency_level="Strong") as client:
        client.insert(name, [{"id": i, "vector": [i / 10, 1.0]} for i in range(12)])
        term = terminal(milvus_auth.address, env={"MILVUS_PASSWORD": "Milvus"})
        term.expect(prompt_of("default", milvus_auth))
        term.line(f"watch 0.5 count {name}")
        term.expect(rf"every 0\.5 s: count {name} +\d\d:\d\d:\d\d +run 1 +count 12 +\(Ctrl-C stops\)")
        client.insert(name, [{"id": 100 + i, "vector": [0.5, 1.0]} for i in range(3)])
        term.expect(r"count 15 \(\+3 since the last run\)", timeout=15)
        term.expect(r"no change\)")  # it goes on
        assert "\x1b[H\x1b[2J" in term.raw  # redrawn in place: cleared and drawn from the top
        term.child.sendcontrol("c")
        term.expect(r"watch stopped")
        term.expect(prompt_of("default", milvus_auth))
        assert "error: cancelled" not in term.text
        term.line(f"count {name}")
        term.expect(r"\n15\s")
        term.expect(prompt_of("default", milvus_auth))
        term.line("watch flush " + name)
        term.expect(r"watch runs only commands that read: flush changes the server's segments")
        term.expect(prompt_of("default", milvus_auth))
        term.child.sendcontrol("d")
        assert term.wait_exit() == 0


def test_new_passwords_never_reach_the_history_or_the_screen(terminal, milvus_auth, private_home):
    asked, typed = f"asked_{uuid.uuid4().hex[:8]}", f"typed_{uuid.uuid4().hex[:8]}"
    asked_secret, typed_secret = "Asked-S3cret-" + uuid.uuid4().hex[:6], "Typed-S3cret-" + uuid.uuid4().hex[:6]
    client = MilvusClient(**milvus_auth.client_kwargs(), dedicated=True)
    try:
        term = terminal(milvus_auth.address, env={"MILVUS_PASSWORD": "Milvus"})
        term.expect(prompt_of("default", milvus_auth))
        term.line(f"create user {asked} --password")
        term.expect(rf"New password for {asked}: ")
        term.child.send(asked_secret + "\r")
        term.expect(r"Again, to be sure: ")
        term.child.send(asked_secret + "\r")
        term.expect(rf"created user {asked}")
        term.expect(prompt_of("default", milvus_auth))
        term.line(f"create user {typed} --password {typed_secret}")
        term.expect(rf"created user {typed}")
        term.expect(prompt_of("default", milvus_auth))
        term.child.sendcontrol("d")
        assert term.wait_exit() == 0

        assert asked_secret not in term.raw and typed_secret not in term.raw
        kept = (private_home / ".local/state/milvus-shell/history").read_text()
        assert asked_secret not in kept and typed_secret not in kept
        assert f"create user {asked} --password\n" in kept and f"create user {typed} --password ***\n" in kept
        for user, secret in ((asked, asked_secret), (typed, typed_secret)):  # the passwords were set
            MilvusClient(uri=f"http://{milvus_auth.address}", token=f"{user}:{secret}", dedicated=True).close()
    finally:
        for user in (asked, typed):
            if user in client.list_users():
                client.drop_user(user)
        client.close()
