"""Exploring in a real terminal: the pager for tall output (Ctrl-C and q return to the prompt), the
prompt following `use database`, a long load's progress."""

from __future__ import annotations

import time

import pytest

import explore_data as data
from pty_terminal import prompt_of

pytestmark = pytest.mark.server  # Milvus Lite and Milvus 2.3.5 holding explore_data (conftest)


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
    # Typed at once: Ctrl-C reached the shell too, and must not land later, in the next prompt.
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


def test_load_shows_progress_on_milvus(terminal, milvus_ready):
    name = "explore_load_progress"
    with data.scratch_collection(milvus_ready.client_kwargs(), name) as client:
        client.release_collection(name)
        term = terminal(milvus_ready.address, rows=30, env={"MILVUS_PASSWORD": "Milvus"})
        term.expect(prompt_of("default", milvus_ready))
        term.line(f"load {name}")
        term.expect(rf"loading {name}: \d+%")  # Milvus 2.3.5 takes a second or more
        term.expect(rf"loaded {name} in [0-9.]+ s")
        term.expect(prompt_of("default", milvus_ready))
