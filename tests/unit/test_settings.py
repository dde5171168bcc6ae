"""Each setting is one field of Settings: its default, kind, help, examples and what `set` says all
come from that declaration."""

from __future__ import annotations

from dataclasses import fields

import pytest

from harness import Harness
from milvus_shell.commands import build_table
from milvus_shell.kinds import KindError
from milvus_shell.settings import BY_NAME, SETTINGS, Settings


def test_the_settings_are_the_declared_fields_in_order():
    declared = [f.name for f in fields(Settings) if "setting" in f.metadata]
    assert [s.name for s in SETTINGS] == declared == ["format", "timeout", "pager", "history_size", "color",
                                                      "prompt", "digits", "timing"]
    assert not {"debug", "interactive", "quiet"} & set(BY_NAME)  # fixed at start, not settings


def test_help_of_set_name_comes_from_the_declaration():
    table = build_table()
    for spec in SETTINGS:
        command = next(c for c in table.commands if c.name == f"set {spec.name}")
        assert command.summary == spec.help and command.examples == spec.examples and spec.examples
        assert command.positionals[0].kind is spec.kind and command.positionals[0].choices == spec.choices


@pytest.mark.parametrize("line, said", [
    ("set format VERTICAL", "output format: vertical"),
    ("set timeout 3", "timeout 3 s"),
    ("set timing off", "timing off"),
    ("set history_size 50", "history_size 50: takes effect at the next start"),
    ("set prompt ''", "prompt: the built-in one"),
    ("set prompt '{db}> '", "prompt '{db}> '"),
])
def test_set_says_what_it_changed(line, said):
    sh = Harness()
    assert sh.ok(line) == said + "\n"
    sh.close()


def test_a_setting_from_the_config_file_is_converted_by_its_declaration():
    assert BY_NAME["format"].from_toml("CSV") == "csv"
    assert BY_NAME["pager"].from_toml(False) == "off"
    with pytest.raises(KindError, match=r"\[settings\] format has no 'jsn'") as caught:
        BY_NAME["format"].from_toml("jsn")
    assert caught.value.hint == "did you mean json?"
