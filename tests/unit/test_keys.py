"""Keys at the prompt (prompt_toolkit pipe input, no terminal), and cancelling a running command."""

from __future__ import annotations

import io
import os
import re
import signal
import threading
import time

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import ColorDepth, DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from fake_sessions import fake_registry
from milvus_shell.app import build_shell
from milvus_shell.cancellable import CancellableRunner
from milvus_shell.errors import Cancelled
from milvus_shell.history import PrivateFileHistory, ShellHistory
from milvus_shell.parser import redact
from milvus_shell.repl import build_session
from milvus_shell.settings import Settings
from milvus_shell.shell import Shell
from milvus_shell.status import ConnectionHealth

UP, RIGHT, ENTER, TAB = "\x1b[A", "\x1b[C", "\r", "\t"
CTRL_C, CTRL_D, CTRL_L, CTRL_R = "\x03", "\x04", "\x0c", "\x12"


@pytest.fixture
def shell(tmp_path):
    registry = fake_registry(connected={"prod": "localhost:19530", "dev": "localhost:19531"},
                             disconnected={"old": "localhost:19532"}, active="prod")
    yield build_shell(Settings(interactive=True), out=io.StringIO(), err=io.StringIO(), registry=registry,
                      environ={"HOME": str(tmp_path)})
    registry.close()


def make_history(shell, tmp_path, lines=()):
    def clean(text):
        return redact(text, shell.ctx.table)

    history = ShellHistory(PrivateFileHistory(tmp_path / "history", clean), clean)
    for line in lines:
        history.append_string(line)
    return history


class Typist:
    """Types into a prompt from another thread, each step once a condition on the session holds."""

    def __init__(self, shell, history, output=None):
        self.input_cm = create_pipe_input()
        self.input = self.input_cm.__enter__()
        self.session = build_session(shell, history, ConnectionHealth(), input=self.input,
                                     output=output or DummyOutput())

    def run(self, *steps):
        """``steps``: keys, or (condition, keys) pairs. Returns the accepted line, or the exception."""
        failed = []

        def feed():
            for step in steps:
                condition, keys = step if isinstance(step, tuple) else (None, step)
                deadline = time.monotonic() + 5
                while condition is not None and not condition(self.session):
                    if time.monotonic() > deadline:
                        failed.append(f"the condition before {keys!r} never held; "
                                      f"the line is {self.session.default_buffer.text!r}")
                        app = self.session.app
                        app.loop.call_soon_threadsafe(lambda: app.exit(exception=EOFError))
                        return
                    time.sleep(0.005)
                self.input.send_text(keys)

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            return self.session.prompt()
        except (EOFError, KeyboardInterrupt) as exc:
            return type(exc)
        finally:
            feeder.join(5)
            self.input_cm.__exit__(None, None, None)
            assert not failed, failed[0]


def running(session):
    return session.app.is_running


def text_is(expected):
    return lambda session: session.default_buffer.text == expected


def test_ctrl_c_clears_the_line(shell, tmp_path):
    typist = Typist(shell, make_history(shell, tmp_path))
    assert typist.run((running, "connect prod"), (text_is("connect prod"), CTRL_C), (text_is(""), "ping" + ENTER)) == "ping"


def test_ctrl_c_on_an_empty_line_stays(shell, tmp_path):
    typist = Typist(shell, make_history(shell, tmp_path))
    assert typist.run((running, CTRL_C + CTRL_C), "help" + ENTER) == "help"


def test_ctrl_d_on_an_empty_line_ends_and_not_otherwise(shell, tmp_path):
    assert Typist(shell, make_history(shell, tmp_path)).run((running, CTRL_D)) is EOFError
    assert Typist(shell, make_history(shell, tmp_path)).run((running, "ping" + CTRL_D + ENTER)) == "ping"


def terminal_output(raw: io.BytesIO) -> Vt100_Output:
    stdout = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    return Vt100_Output(stdout, lambda: Size(rows=24, columns=80), term="xterm-256color", enable_cpr=False)


def test_ctrl_l_clears_the_screen(shell, tmp_path):
    raw = io.BytesIO()
    output = terminal_output(raw)
    typist = Typist(shell, make_history(shell, tmp_path), output=output)
    assert typist.run((running, "pi"), (text_is("pi"), CTRL_L + "ng" + ENTER)) == "ping"
    assert b"\x1b[2J" in raw.getvalue()


def menu_is_open(session):
    """The completions for what was typed have arrived (they are computed on a thread)."""
    state = session.default_buffer.complete_state
    return state is not None and bool(state.completions)


def test_tab_completes_from_the_table(shell, tmp_path):
    typist = Typist(shell, make_history(shell, tmp_path))
    assert typist.run((running, "disc"), (menu_is_open, TAB), (text_is("disconnect"), ENTER)) == "disconnect"


def test_the_menu_after_disconnect_lists_known_aliases(shell, tmp_path):
    typist = Typist(shell, make_history(shell, tmp_path))
    seen = []

    def menu_open(session):
        state = session.default_buffer.complete_state
        if state and state.completions:
            seen.extend(c.text for c in state.completions)
            return True
        return False

    typist.run((running, "disconnect "), (menu_open, CTRL_C + ENTER))
    assert seen == ["prod", "dev", "old", "--all"]


def test_up_recalls_and_history_keeps_no_secret(shell, tmp_path):
    history = make_history(shell, tmp_path, ["ping dev"])
    typist = Typist(shell, history)
    assert typist.run((running, "connect x h:1 --password hunter2" + ENTER)) == "connect x h:1 --password hunter2"
    assert history.get_strings()[-1] == "connect x h:1 --password ***"
    assert "hunter2" not in (tmp_path / "history").read_text()
    typist = Typist(shell, history)
    loaded = lambda s: s.app.is_running and len(s.default_buffer._working_lines) > 2  # noqa: E731, SLF001
    assert typist.run((loaded, UP + ENTER)) == "connect x h:1 --password ***"  # no secret to recall
    typist = Typist(shell, history)
    assert typist.run((loaded, UP + UP + ENTER)) == "ping dev"


def test_ctrl_r_searches_the_history(shell, tmp_path):
    history = make_history(shell, tmp_path, ["connect prod localhost:19530", "ping", "use dev"])
    typist = Typist(shell, history)
    loaded = lambda s: s.app.is_running and len(s.default_buffer._working_lines) > 3  # noqa: E731, SLF001
    searched = lambda s: s.app.layout.current_buffer.text == "prod"  # noqa: E731 - typed into the search field
    found = text_is("connect prod localhost:19530")
    assert typist.run((loaded, CTRL_R + "prod"), (searched, ENTER), (found, ENTER)) == "connect prod localhost:19530"


def test_suggestions_from_history(shell, tmp_path):
    history = make_history(shell, tmp_path, ["connections"])
    typist = Typist(shell, history)

    def suggested(session):
        suggestion = session.default_buffer.suggestion
        return suggestion is not None and suggestion.text == "ections"

    def history_loaded(session):  # the history loads on a thread: a key typed before it sees none
        return session.app.is_running and "connections" in history.get_strings()

    # A suggestion is worked out when the text changes: the last key comes once the first ones are in.
    assert typist.run((history_loaded, "con"), (text_is("con"), "n"), (suggested, RIGHT + ENTER)) == "connections"


@pytest.mark.parametrize("color", [True, False])
def test_colors_follow_the_setting(shell, tmp_path, color):
    """--no-color and NO_COLOR (Settings.color off): no colors, bold kept (the active alias still shows)."""
    shell.ctx.settings.color = color
    raw = io.BytesIO()
    typist = Typist(shell, make_history(shell, tmp_path), output=terminal_output(raw))
    assert (typist.session.app.color_depth == ColorDepth.DEPTH_1_BIT) is not color
    typist.run((running, "use prod"), (text_is("use prod"), ENTER))
    sgr = [set(m.split(";")) for m in re.findall(r"\x1b\[([0-9;]*)m", raw.getvalue().decode())]
    colored = [codes for codes in sgr if codes & {"32", "34", "35", "36"} or "38" in codes]
    assert bool(colored) is color
    assert any("1" in codes for codes in sgr)  # bold: the prompt's alias


# -- cancelling a running command -------------------------------------------------------------------

def interrupt_after(seconds):
    """Ctrl-C, as the terminal sends it: SIGINT to the process (Python raises KeyboardInterrupt
    on the main thread, interrupting a blocking wait)."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_abandons_a_blocked_call_at_once():
    runner = CancellableRunner()
    release, finished = threading.Event(), threading.Event()

    def blocked():
        release.wait(10)  # a gRPC call to a frozen server
        finished.set()
        return "late"

    interrupt_after(0.1)
    started = time.monotonic()
    with pytest.raises(Cancelled):
        runner(blocked)
    assert time.monotonic() - started < 0.5
    assert not finished.is_set()  # left running in the background
    release.set()  # the server answers after all: the abandoned call ends quietly
    assert finished.wait(5)
    assert runner(lambda: "next") == "next"


def test_results_and_errors_come_back():
    runner = CancellableRunner()
    assert runner(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        runner(lambda: 1 / 0)


def test_main_thread_work_runs_on_the_main_thread():
    runner = CancellableRunner()
    where = []

    def ask(message):
        where.append(threading.current_thread() is threading.main_thread())
        return message.upper()

    ask_on_main = runner.on_main_thread(ask)
    assert runner(lambda: ask_on_main("secret")) == "SECRET"
    assert ask_on_main("direct") == "DIRECT"  # not from a worker: runs where it is called
    assert where == [True, True]


def test_ctrl_c_while_asking_cancels_the_command_too():
    runner = CancellableRunner()
    worker_saw = []

    def ask(message):
        time.sleep(5)  # waiting for the user to type; Ctrl-C comes first

    ask_on_main = runner.on_main_thread(ask)

    def command():
        try:
            return ask_on_main("password: ")
        except Cancelled:
            worker_saw.append("cancelled")
            raise

    interrupt_after(0.1)
    with pytest.raises(Cancelled):
        runner(command)
    deadline = time.monotonic() + 5
    while not worker_saw and time.monotonic() < deadline:
        time.sleep(0.01)
    assert worker_saw == ["cancelled"]


def test_progress_of_an_abandoned_command_stops_it():
    """A long `load` reports progress through a main-thread proxy: once Ctrl-C abandoned it, its
    next report raises Cancelled in the worker, so it neither draws over the prompt nor polls on."""
    runner = CancellableRunner()
    drawn, polls = [], []
    progress = runner.on_main_thread(drawn.append)
    stopped = threading.Event()

    def load():
        try:
            for n in range(200):
                polls.append(n)
                progress(f"loading {n}%")
                time.sleep(0.02)
        finally:
            stopped.set()

    interrupt_after(0.2)
    with pytest.raises(Cancelled):
        runner(load)
    seen = len(drawn)
    assert stopped.wait(1)  # the worker ended at its next report
    assert len(drawn) == seen and 0 < len(polls) < 50
