"""The interactive shell end to end, in a real pseudo-terminal, against a real Milvus Lite server."""

from __future__ import annotations

import re
import stat
import time

import pytest

from pty_terminal import NOT_CONNECTED, prompt_of
COLOR_SGR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38|48)(?:;[0-9;]*)?m")


@pytest.mark.server
def test_prompt_follows_connect_use_and_disconnect(terminal, lite_server):
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.line(f"connect a {lite_server.address}")
    term.expect(r"connected a -> ")
    term.expect(prompt_of("a", lite_server))
    term.line(f"connect b {lite_server.address}")
    term.expect(prompt_of("b", lite_server))
    term.line("use a")
    term.expect(prompt_of("a", lite_server))
    term.line("disconnect a")
    term.expect(r"disconnected a; no active alias")
    term.expect(NOT_CONNECTED)
    term.line("use b")
    term.expect(prompt_of("b", lite_server))
    term.line("disconnect --all")
    term.expect(NOT_CONNECTED)
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0


@pytest.mark.server
def test_tab_menu_after_disconnect_lists_the_aliases(terminal, lite_server):
    term = terminal()
    term.expect(NOT_CONNECTED)
    for alias in ("first", "second", "third"):
        term.line(f"connect {alias} {lite_server.address}")
        term.expect(prompt_of(alias, lite_server))
    term.line("disconnect second")
    term.expect(prompt_of("third", lite_server).replace("third", "(?:third|first)") + "|" + NOT_CONNECTED)
    term.child.send("disconnect ")
    term.child.send("\t")
    menu = term.expect(r"first +connected · 127\.0\.0\.1:\d+.*?\n.*?third +active · .*?\n.*?second +disconnected · "
                       r".*?\n.*?--all +close every connection")
    assert "fourth" not in menu.group(0)
    term.child.sendcontrol("c")  # clears the line: nothing is disconnected
    term.line("connections")
    table = term.expect(r"alias(.|\n)*?\(3 rows\)").group(0)
    assert re.search(r"first +\| connected", table) and re.search(r"third +\| connected", table)
    assert re.search(r"second +\| disconnected", table)


@pytest.mark.server
def test_password_is_asked_without_echo_and_no_secret_is_stored(terminal, lite_server, private_home):
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.line(f"connect p {lite_server.address} --user root --password")
    term.expect(r"Password for root \(p\): ")
    term.child.send("hunter2-asked-x\r")
    term.expect(r"connected p -> ")
    term.expect(prompt_of("p", lite_server))
    term.line(f"connect q {lite_server.address} --user root --password=s3cret-inline")
    term.expect(prompt_of("q", lite_server))
    term.line(f"connect r {lite_server.address} --token tok-s3cret; history 5")
    term.expect(r"\(3 of 3, from ")
    term.expect(prompt_of("r", lite_server))
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0

    for secret in ("hunter2-asked-x", "s3cret-inline", "tok-s3cret"):
        assert secret not in term.raw  # asked without echo; typed ones drawn as stars
    assert "*" * len("hunter2-asked-x") not in term.raw  # the asked one, not even its length
    assert "--password=" + "*" * len("s3cret-inline") in term.text
    path = private_home / ".local/state/milvus-shell/history"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    kept = path.read_text()
    for secret in ("hunter2-asked-x", "s3cret-inline", "tok-s3cret"):
        assert secret not in kept
    assert f"+connect p {lite_server.address} --user root --password\n" in kept
    assert "--password=***" in kept and "--token ***; history 5" in kept


@pytest.mark.server
def test_up_recalls_a_masked_password_and_asks_for_it_again(terminal, lite_server):
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.line(f"connect p {lite_server.address} --password=first-s3cret")
    term.expect(prompt_of("p", lite_server))
    term.line("disconnect p")
    term.expect(NOT_CONNECTED)
    term.child.send("\x1b[A")  # Up: the disconnect line
    term.expect(r"disconnect p")
    term.child.send("\x1b[A")  # Up again: the connect line, masked
    term.expect(r"--password=\*\*\*")
    term.child.send("\r")
    term.expect(r"Password for root \(p\): ")
    term.child.send("second-s3cret\r")
    term.expect(prompt_of("p", lite_server))
    assert "first-s3cret" not in term.text.split("disconnect p", 1)[1]
    assert "second-s3cret" not in term.raw


@pytest.mark.server
def test_ctrl_c_during_a_call_to_a_frozen_server(terminal, own_server):
    server = own_server
    term = terminal("--timeout", "120")  # the call would wait two minutes: only Ctrl-C can end it
    term.expect(NOT_CONNECTED)
    term.line(f"connect f {server.address}")
    term.expect(prompt_of("f", server))
    server.freeze()
    try:
        term.line("ping")
        term.expect(r"ping\n")
        time.sleep(0.3)  # let the call reach the frozen server
        sent = time.monotonic()
        term.child.sendcontrol("c")
        term.expect(r"error: cancelled")
        term.expect(prompt_of("f", server))
        back_in = time.monotonic() - sent
        term.line("connections")  # the shell works while the call waits in the background
        term.expect(r"\* +\| f +\| connected")
    finally:
        server.thaw()
    print(f"Ctrl-C was back at the prompt in {back_in * 1000:.0f} ms")
    assert back_in < 1.0, f"Ctrl-C took {back_in:.2f} s to get back to the prompt"
    term.line("ping")
    term.expect(r"f \(127\.0\.0\.1:\d+\): serving")
    term.expect(prompt_of("f", server))
    term.line("connections")
    term.expect(r"\(1 row\)")
    term.expect(prompt_of("f", server))
    assert len(re.findall(r"serving", term.text)) == 1  # the abandoned call's answer was dropped
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0


@pytest.mark.server
def test_ctrl_c_clears_the_line_and_ctrl_d_leaves_with_status_0(terminal, lite_server):
    term = terminal(lite_server.address)  # connects alias default first
    term.expect(prompt_of("default", lite_server))
    term.child.send("garbage words")
    term.expect("garbage words")
    term.child.sendcontrol("c")
    term.line("ping")
    term.expect(r"default \(127\.0\.0\.1:\d+\): serving")
    term.expect(prompt_of("default", lite_server))
    assert "unknown command" not in term.text
    term.child.sendcontrol("d")
    assert term.wait_exit() == 0


def test_exit_command_status(terminal):
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.line("exit")
    assert term.wait_exit() == 0


@pytest.mark.server
def test_colors_and_no_color(terminal, lite_server):
    colored = terminal()
    colored.expect(NOT_CONNECTED)
    colored.line(f"connect a {lite_server.address}")
    colored.expect(prompt_of("a", lite_server))
    colored.line("connections")
    colored.expect(r"\(1 row\)")
    assert "\x1b[1;32m" in colored.raw  # the active row of the connections table
    assert COLOR_SGR.search(colored.raw)

    plain = terminal(env={"NO_COLOR": "1"})
    plain.expect(NOT_CONNECTED)
    plain.line(f"connect a {lite_server.address}")
    plain.expect(prompt_of("a", lite_server))
    plain.line("connections")
    plain.expect(r"\(1 row\)")
    plain.child.send("use a")
    plain.expect(r"use a")
    assert not COLOR_SGR.search(plain.raw), COLOR_SGR.search(plain.raw)

    flag = terminal("--no-color")
    flag.expect(NOT_CONNECTED)
    flag.line(f"connect a {lite_server.address}; connections")
    flag.expect(r"\(1 row\)")
    assert not COLOR_SGR.search(flag.raw)


def test_ctrl_l_clears_the_screen(terminal):
    term = terminal()
    term.expect(NOT_CONNECTED)
    term.child.sendcontrol("l")
    term.expect_raw("\x1b[2J")  # erase the display
    term.expect(NOT_CONNECTED)  # and draw the prompt again
