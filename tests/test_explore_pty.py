"""Exploring in a real terminal: the pager for tall output (Ctrl-C and q return to the prompt), the
prompt following `use database`, a long load's progress."""

from __future__ import annotations

import time

import explore_data as data
from test_explore_commands import lite_ready  # noqa: F401 - fixture
from test_pty import prompt_of, terminal  # noqa: F401 - fixture


def connected(terminal, server, rows=12):
    term = terminal(server.address, rows=rows, cols=100)
    term.expect(prompt_of("default", server))
    return term


def test_tall_output_is_paged_and_ctrl_c_returns_to_the_prompt(terminal, lite_ready):
    term = connected(terminal, lite_ready)
    term.line(f"query {data.BOOKS} --fields title --limit 200")
    term.expect(r"book 5")
    term.expect(r":|\(END\)|lines")  # less's prompt at the bottom line
    term.child.sendcontrol("c")
    term.expect(prompt_of("default", lite_ready))
    # Once (under a loaded test run) the first key typed right after the prompt came back was lost;
    # a person never types within milliseconds of Ctrl-C, so give the terminal a moment.
    time.sleep(0.3)
    term.line(f"count {data.BOOKS}")
    term.expect(rf"\n{data.ROWS}\s")
    term.expect(prompt_of("default", lite_ready))


def test_q_leaves_a_streamed_query_early(terminal, lite_ready):
    term = connected(terminal, lite_ready)
    term.line(f"query {data.BOOKS} --limit all --fields title")
    term.expect(r"book 5")
    term.child.send("q")
    term.expect(prompt_of("default", lite_ready), timeout=10)
    term.line("set pager off")
    term.expect(r"pager off")
    term.line(f"query {data.BOOKS} --fields title --limit 200")
    term.expect(r"\(first 200 rows\)")  # all of it, no pager in the way
    term.expect(prompt_of("default", lite_ready))


def test_prompt_shows_the_database_after_use_database(terminal, lite_ready):
    term = connected(terminal, lite_ready, rows=30)
    term.line(f"use database {data.DATABASE}")
    term.expect(rf"default now uses database {data.DATABASE}")
    term.expect(rf"milvus default@127\.0\.0\.1:{lite_ready.port}/{data.DATABASE}>")
