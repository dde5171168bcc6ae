"""Connect as the docs and pymilvus say it, on a fake backend: settings applied on reconnect, the seeds'
parameter names, a masked secret from the history never sent."""

from __future__ import annotations

from fake_sessions import FakeBackend
from harness import Harness
from milvus_shell.settings import Settings


def fake(confirm=None):
    return Harness(backend_loader=lambda: FakeBackend, settings=Settings(timeout=1, color=False))


def test_connecting_again_with_other_settings_applies_them():
    sh = fake()
    sh.ok("connect prod localhost:19530 --user alice --password one")
    out = sh.ok("connect prod localhost:19530 --user bob --password two --db archive")
    assert "replaces its connection to localhost:19530 as alice, database default" in out
    settings = sh.registry.settings("prod")
    assert (settings.user, settings.password, settings.database) == ("bob", "two", "archive")
    assert "already connected" in sh.ok("connect prod")  # nothing new: kept as it is


def test_the_seeds_parameter_names():
    sh = fake()
    sh.ok("connect default --host db.example.com --port 19531")
    assert sh.registry.view("default").address == "db.example.com:19531"
    sh.ok("connect other --uri http://db.example.com:19532")
    assert sh.registry.view("other").address == "db.example.com:19532"
    assert "give one of ADDRESS or --host/--port" in sh.fail("connect x localhost:1 --port 2")
    err = sh.fail("connect alias=\"default\" host='localhost' port='19530'")
    assert "Python call's keyword form" in err
    assert "hint: in the shell: connect default localhost:19530" in err


def test_a_masked_secret_from_history_is_never_sent():
    asked = []
    sh = Harness(backend_loader=lambda: FakeBackend, settings=Settings(timeout=1, color=False),
                 ask_secret=lambda prompt: asked.append(prompt) or "typed-token")
    sh.ok("connect prod localhost:19530 --token real-token")
    sh.ok("disconnect prod")
    sh.ok("connect prod localhost:19530 --token ***")  # recalled from history: the alias's own token
    assert sh.registry.settings("prod").token == "real-token" and asked == []
    sh.ok("connect fresh localhost:19530 --token ***")  # nothing in memory: asked for
    assert sh.registry.settings("fresh").token == "typed-token" and asked == ["Token (fresh): "]
    script = Harness(backend_loader=lambda: FakeBackend, settings=Settings(timeout=1, color=False))
    assert "masked token from the history" in script.fail("connect x localhost:19530 --token ***")
