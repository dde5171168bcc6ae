"""The line model (milvus_shell/line.py): a line is bound once per distinct text, whoever reads it.

On each key press the highlighter, the secret masker, the completer and the toolbar read the same
understanding; after Enter the history (mask and parse check), the masked-recall check, the parser,
the recording and the error echo do. Counted by wrapping the binder's entry points."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.layout.processors import TransformationInput

from fake_sessions import fake_registry
from milvus_shell import binder
from milvus_shell.app import build_shell
from milvus_shell.commands import build_table
from milvus_shell.completion import ShellCompleter
from milvus_shell.highlight import SecretMasker, ShellLexer
from milvus_shell.history import ask_again_for_masked, shell_history
from milvus_shell.line import CACHE_SIZE, LineModel
from milvus_shell.parser import parse_line, redact
from milvus_shell.settings import Settings
from milvus_shell.status import ConnectionHealth, toolbar_fragments


@pytest.fixture
def binds(monkeypatch):
    """Every text given to binder.bind_line (the whole line bound), and every statement bound (bind)."""
    lines: Counter[str] = Counter()
    statements = Counter()
    bind_line, bind = binder.bind_line, binder.bind

    def counting_bind_line(text, *args, **kwargs):
        lines[text] += 1
        return bind_line(text, *args, **kwargs)

    def counting_bind(tokens, table, text="", *args, **kwargs):
        statements[text] += 1
        return bind(tokens, table, text, *args, **kwargs)

    monkeypatch.setattr(binder, "bind_line", counting_bind_line)
    monkeypatch.setattr(binder, "bind", counting_bind)
    return lines, statements


@pytest.fixture
def shell(tmp_path):
    registry = fake_registry(connected={"prod": "localhost:19530"}, active="prod")
    yield build_shell(Settings(interactive=True, color=False), out=io.StringIO(), err=io.StringIO(),
                      registry=registry, environ={"HOME": str(tmp_path)})
    registry.close()


def press_keys(shell, line):
    """What the prompt does on each key press of ``line``: highlight, mask, complete, draw the toolbar."""
    lines = shell.ctx.lines
    table = shell.ctx.table
    lexer = ShellLexer(table, shell.ctx.registry, lines)
    masker = SecretMasker(table, lines)
    completer = ShellCompleter(table, {}, lines)
    for k in range(1, len(line) + 1):
        text = line[:k]
        list(lexer.get_tokens_unprocessed(text))
        fragments = [("", ch) for ch in text]
        masker.apply_transformation(TransformationInput(None, Document(text), 0, lambda i: i, fragments, 80, 1))
        list(completer.get_completions(Document(text), CompleteEvent(completion_requested=True)))
        toolbar_fragments(shell.ctx.registry, ConnectionHealth(), table, text, 200, lines=lines)


LINE = "connect w localhost:19530 --user u --password s3cret; count books year > 2"


def test_each_key_press_binds_the_line_once(shell, binds):
    lines, statements = binds
    shell.ctx.table  # made before counting
    press_keys(shell, LINE)
    prefixes = {LINE[:k] for k in range(1, len(LINE) + 1)}
    assert set(lines) == prefixes
    assert set(lines.values()) == {1}, [t for t, n in lines.items() if n > 1]
    for text in prefixes:  # its statements, and the word about to be typed after a space
        assert statements[text] <= len(parse_line_statements(text)) + 1, text


def parse_line_statements(text):
    from milvus_shell.tokens import tokenize

    return tokenize(text, partial=True)


def test_enter_binds_the_line_once_for_every_reader(shell, binds, tmp_path):
    lines, _ = binds
    ctx = shell.ctx
    history = shell_history({"HOME": str(tmp_path)}, ctx.make_table, lines=lambda: ctx.lines)
    ctx.history = history
    shell.run_line(f"record {tmp_path / 'r.md'}")
    for line in (LINE, "count books --bogus --password s3cret", "connect x localhost:1 --password ***"):
        press_keys(shell, line)
        history.append_string(line)
        shell.run_line(ask_again_for_masked(line, ctx.lines))
        assert lines[line] == 1, line
    assert "s3cret" not in (tmp_path / "r.md").read_text()
    assert all("s3cret" not in entry for entry in history.get_strings())


def test_the_model_answers_as_the_parser_and_redaction_always_did(shell):
    table = shell.ctx.table
    for text in (LINE, "count books --bogus", "connect x 'unclosed --password y", "", "ping # --password z"):
        line = shell.ctx.lines.understand(text)
        assert line.masked == redact(text, table)
        try:
            expected = parse_line(text, table)
        except Exception as exc:  # noqa: BLE001 - the same error either way
            with pytest.raises(type(exc)):
                line.invocations()
        else:
            assert line.invocations() == expected


def test_the_cache_is_small_bounded_and_owned_by_each_shell(shell, binds, tmp_path):
    lines, _ = binds
    model = LineModel(build_table())
    texts = [f"count c{n}" for n in range(CACHE_SIZE + 5)]
    for text in texts:
        model.understand(text).bound
    assert len(model._lines) == CACHE_SIZE
    model.understand(texts[-1]).bound  # recent: kept
    assert lines[texts[-1]] == 1
    model.understand(texts[0]).bound  # the oldest went: bound again
    assert lines[texts[0]] == 2
    other = build_shell(Settings(color=False), out=io.StringIO(), err=io.StringIO(), environ={"HOME": str(tmp_path)})
    assert other.ctx.lines is not shell.ctx.lines


def test_a_real_prompt_binds_each_text_once_while_typing_and_on_enter(shell, binds, tmp_path):
    """The prompt as repl.py equips it (highlighter, secret masker, completer, toolbar, history)."""
    import threading
    import time

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from milvus_shell.repl import build_session

    lines, _ = binds
    ctx = shell.ctx
    history = shell_history({"HOME": str(tmp_path)}, ctx.make_table, lines=lambda: ctx.lines)
    ctx.table  # made before counting
    typed = "connect w localhost:1 --password s3cret"
    with create_pipe_input() as pipe:
        session = build_session(shell, history, ConnectionHealth(), input=pipe, output=DummyOutput())

        def feed():
            while not session.app.is_running:
                time.sleep(0.005)
            for ch in typed:
                pipe.send_text(ch)
                time.sleep(0.01)  # a key at a time, each drawn
            pipe.send_text("\t")
            time.sleep(0.05)
            pipe.send_text("\r")

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        accepted = session.prompt()
        feeder.join(5)
    shell.run_line(ask_again_for_masked(accepted, ctx.lines))
    assert accepted.startswith(typed)
    assert lines[accepted] == 1 and len(lines) > 3  # the screen was drawn as keys came
    assert set(lines.values()) == {1}, [t for t, n in lines.items() if n > 1]
    assert all("s3cret" not in entry for entry in history.get_strings())
