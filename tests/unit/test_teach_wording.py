"""The quoting rule (an expression option takes the words up to the next known option; JSON split at
its spaces says to quote it) and the wording list of the teaching issue."""

from __future__ import annotations

import io
import re

import pytest

from milvus_shell import cli
from milvus_shell.commands import build_table
from milvus_shell.errors import ParseError, UsageError
from milvus_shell.line import Line
from milvus_shell.output import Renderer
from milvus_shell.results import Table
from milvus_shell.schema_doc import parse_document
from transcripts import ROOT


@pytest.fixture(scope="module")
def commands():
    return build_table()


def invocation(commands, text):
    return Line(text, commands).invocations()[0]


@pytest.mark.parametrize("text, expected", [
    ("search c --vector [1,0] --filter color == 'red' --limit 3", "color == 'red'"),
    ("search c --filter color == 'red' and n > 2 --vector [1,0]", "color == 'red' and n > 2"),
    ("search c --vector [1,0] --filter \"color == 'red'\"", "color == 'red'"),
    ("search c --vector [1,0] --filter n>2", "n>2"),
    ("plot c --filter category in ['a', 'b'] --k 2", "category in ['a', 'b']"),
])
def test_an_expression_option_takes_the_words_up_to_the_next_known_option(commands, text, expected):
    inv = invocation(commands, text)
    assert inv.opt("filter") == expected
    vector = inv.opt("vector")  # search: one QueryValues per --vector; plot: the vectors themselves
    assert vector in (None, [[1, 0]]) or [tuple(q.values) for q in vector] == [([1, 0],)]
    (start, end), = inv.spans["filter"]
    assert text[start:end].strip("\"") == expected


def test_options_after_the_expression_still_count(commands):
    inv = invocation(commands, "search c --vector [1,0] --filter a == 1 --limit 3 --fields name")
    assert (inv.opt("filter"), inv.opt("limit"), inv.opt("fields")) == ("a == 1", 3, "name")


@pytest.mark.parametrize("text, hint", [
    ('insert c {"id": 1, "vector": [1,0]}', "quote the JSON: insert c '{…}'"),
    ("search c --vector [1, 0] --limit 3", "quote the JSON: search c --vector '[…]'"),
])
def test_json_split_at_its_spaces_says_to_quote_it(commands, text, hint):
    with pytest.raises(ParseError) as caught:
        invocation(commands, text)
    assert "was split into words at its spaces" in caught.value.reason
    assert caught.value.hint == hint


def test_list_collections_suggests_show_collections(commands):
    with pytest.raises(ParseError) as caught:
        invocation(commands, "list collections")
    assert caught.value.hint == "did you mean show collections?"
    assert "insert" not in str(caught.value)


def test_a_command_group_in_completion_says_what_follows(commands):
    words = {w.word: w.summary for w in commands.next_words([], "cre")}
    assert set(words) == {"create"}
    assert words["create"].startswith("create: ") and "collection" in words["create"]
    assert "index" in words["create"] and "…" not in words["create"]


def test_help_says_each_setting_once():
    text = " ".join(cli.build_argparser().format_help().split())
    assert "seconds every server call may take (default 10 s)" in text
    assert "seconds: seconds" not in text and "command line: on, off or a command line" not in text


def test_hints_name_help_commands_not_files():
    with pytest.raises(UsageError) as caught:
        parse_document([])
    assert "help create collection" in caught.value.hint and "docs/" not in caught.value.hint
    source = (ROOT / "milvus_shell" / "backend" / "layout.py").read_text(encoding="utf-8")
    assert "help create index lists index types" in source and "docs/commands.md" not in source


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("rows, paged", [(10, False), (11, True)])
def test_the_pager_only_for_output_taller_than_the_terminal(tmp_path, monkeypatch, rows, paged):
    target = tmp_path / "paged.txt"
    renderer = Renderer(_Tty(), io.StringIO(), width=80, environ={"PAGER": f"cat > {target}"})
    renderer.use_pager = True
    renderer.before_pager = lambda: None
    monkeypatch.setattr(Renderer, "height", property(lambda self: 10))
    renderer.render(Table(["n"], [[i] for i in range(rows - 3)]), "table")  # header, rule, count: 3 lines
    assert target.exists() == paged


def test_the_readme_states_no_test_count():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"\b\d+ tests\b", readme)


def test_a_misspelled_option_after_an_expression_is_said_as_unknown(commands):
    with pytest.raises(ParseError) as caught:
        invocation(commands, "search c --vector [1,0] --filter a == 1 --limt 3")
    assert caught.value.reason == "unknown option '--limt' for search" and caught.value.hint == "did you mean --limit?"


def test_options_are_offered_after_an_expression(commands):
    from milvus_shell.completion import ShellCompleter
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document
    from fake_sessions import fake_registry
    from milvus_shell.completion import default_sources

    completer = ShellCompleter(commands, default_sources(fake_registry(), commands, lambda: []))
    text = "search c --vector [1,0] --filter a == 1 "
    offered = [c.text for c in completer.get_completions(Document(text), CompleteEvent())]
    assert "--limit" in offered and "--filter" not in offered


def test_a_line_expected_to_fail_is_read_as_its_command(commands):
    """The ! of a line expected to fail is no part of its command: highlighting, completion and masking
    see the command after it, in its place."""
    line = Line("  !connect x --password s3cret", commands)
    assert [w.role.value for w in line.bound[0].words][:2] == ["command", "argument"]
    assert line.masked == "  !connect x --password ***"
