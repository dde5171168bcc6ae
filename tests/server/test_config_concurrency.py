"""Eight real milvus-shell processes running `save` (then `forget`) on one config file at once, each
connected to Milvus Lite: every one of them says it saved, and every profile is there afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest

pytestmark = pytest.mark.server


def _start_all(lines: list[str], env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    shells = [subprocess.Popen([sys.executable, "-m", "milvus_shell", "-c", line], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
              for line in lines]
    done = []
    for shell in shells:
        out, err = shell.communicate(timeout=180)
        done.append(subprocess.CompletedProcess(shell.args, shell.returncode, out, err))
    return done


def test_eight_shells_saving_then_forgetting_at_once(private_home, lite_server):
    path = private_home / ".config" / "milvus-shell" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("# kept by hand\n[settings]\ntiming = false\n")
    env = {**os.environ, "HOME": str(private_home), "XDG_CONFIG_HOME": str(private_home / ".config")}
    saved = _start_all([f"connect a {lite_server.address}; save a --as r{i}" for i in range(8)], env)
    for i, shell in enumerate(saved):
        assert shell.returncode == 0, shell.stderr
        assert f"saved profile r{i} in {path}" in shell.stdout + shell.stderr
    text = path.read_text()
    assert text.startswith("# kept by hand\n[settings]\ntiming = false\n")
    assert sorted(tomllib.loads(text)["connections"]) == [f"r{i}" for i in range(8)]

    forgot = _start_all([f"forget r{i} --yes" for i in range(0, 8, 2)], env)
    for i, shell in zip(range(0, 8, 2), forgot):
        assert shell.returncode == 0, shell.stderr
        assert f"removed profile r{i}" in shell.stdout + shell.stderr
    text = path.read_text()
    assert sorted(tomllib.loads(text)["connections"]) == [f"r{i}" for i in range(1, 8, 2)]
    assert text.startswith("# kept by hand\n")
