"""Kinds as typed extension points: every kind has its entry, every completed kind a value source in
the shell's completer (keyed by the Kind itself), and formats are a CHOICE like any other."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from fake_sessions import fake_registry
from harness import Harness
from milvus_shell.commands import build_table
from milvus_shell.commands.spec import FORMAT_OPTION, FORMATS, Kind
from milvus_shell.completion import ShellCompleter, default_sources
from milvus_shell.kinds import COMPLETED, KINDS, KindError, convert, missing_sources
from milvus_shell.profiles import Profile
from milvus_shell.repl import completion_sources
from milvus_shell.settings import BY_NAME


class _NoHistory:
    def get_strings(self) -> list[str]:
        return []


def test_every_kind_has_its_entry():
    assert set(KINDS) == set(Kind)


def test_the_shell_has_a_source_for_every_completed_kind():
    sh = Harness()
    sources = completion_sources(sh.shell, _NoHistory())  # type: ignore[arg-type]
    sh.close()
    assert missing_sources(sources) == []
    assert all(isinstance(kind, Kind) for kind in sources)


def test_a_missing_source_is_named():
    some = dict.fromkeys(COMPLETED - {Kind.COLLECTION, Kind.PATH})
    assert missing_sources(some) == [Kind.COLLECTION, Kind.PATH]


def _refusal(param, word: str, what: str) -> KindError:
    with pytest.raises(KindError) as caught:
        convert(param, word, what)
    return caught.value


@pytest.mark.parametrize("typed, meant", [("jsn", "json"), ("tabel", "table"), ("vertcal", "vertical")])
def test_set_format_and_the_format_option_suggest_alike(typed, meant):
    by_set = _refusal(BY_NAME["format"].param(), typed, "format")
    by_option = _refusal(FORMAT_OPTION, typed, "format")
    assert by_set.hint == by_option.hint == f"did you mean {meant}?"
    assert by_set.message == by_option.message == f"format has no {typed!r}"


def test_format_is_a_choice_of_the_same_formats_everywhere():
    spec = BY_NAME["format"]
    assert spec.kind is FORMAT_OPTION.kind is Kind.CHOICE
    assert spec.choices == FORMAT_OPTION.choices == FORMATS
    assert convert(spec.param(), "JSON", "format") == "json"


def test_set_format_typo_in_the_shell_says_did_you_mean():
    sh = Harness()
    by_set = sh.fail("set format jsn")
    by_option = sh.fail("help --format jsn")
    assert "did you mean json?" in by_set and "did you mean json?" in by_option
    assert sh.ctx.settings.format == "table"  # nothing changed
    sh.close()


def test_a_profile_is_its_own_kind_completed_from_the_config_file_only():
    table = build_table()
    registry = fake_registry(connected={"prod_alias": "h:1"})
    completer = ShellCompleter(table, default_sources(registry, table,
                                                      profiles=lambda: {"prod": Profile("prod", address="h:2")}))
    offered = [c.text for c in completer.get_completions(Document("forget "), CompleteEvent())]
    assert offered[:1] == ["prod"] and "prod_alias" not in offered
    connect = [c.text for c in completer.get_completions(Document("connect "), CompleteEvent())]
    assert {"prod", "prod_alias"} <= set(connect)  # where a new alias goes, a profile may too
