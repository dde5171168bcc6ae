"""Hypothesis over the parser and the dispatcher: no line, however odd, fails them unexpectedly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import Harness
from milvus_shell.commands import build_table
from milvus_shell.errors import ConnectFailed, ParseError, ShellError
from milvus_shell.parser import parse_line


TABLE = build_table()


VOCABULARY = sorted(
    {w for c in TABLE.commands for w in c.words}
    | {o.name for c in TABLE.commands for o in c.options}
    | {";", "#", "'", '"', "\\", "--", "=", "h:1", "[::1]", "a.db", "unix:", "http://", "-1", "1e9", "ä", "\x00"}
)


words = st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=8)), max_size=8)


lines = st.one_of(st.text(max_size=60), words.map(" ".join), words.map("".join))


class _NoNetworkBackend:
    """Dispatch fuzzing must not dial arbitrary hosts: every connect is refused at once.
    (The real backend's behaviour is what tests/server/test_faults.py checks.)"""

    @staticmethod
    def open_session(settings, timeout):
        raise ConnectFailed(f"connection refused by {settings.display_address()}", "refused")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_parser_never_fails_unexpectedly(line):
    try:
        invocations = parse_line(line, TABLE)
    except ParseError as exc:
        assert 1 <= exc.column <= len(line) + 2
        return
    for inv in invocations:
        assert inv.command in TABLE.commands


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(lines)
def test_dispatch_never_fails_unexpectedly(line):
    sh = Harness(ask_secret=lambda prompt: "pw")
    sh.registry._backend_loader = lambda: _NoNetworkBackend  # noqa: SLF001 - see the class docstring
    try:
        ok, out, err = sh.run(line)
    except ShellError as exc:  # pragma: no cover - run_line reports, never raises
        pytest.fail(f"run_line raised {exc!r}")
    assert "internal error" not in err and "Traceback" not in err, (line, err)
    assert ok or err.startswith("error: ")
