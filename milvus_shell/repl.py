"""The interactive loop: a prompt_toolkit prompt whose text shows the active alias."""

from __future__ import annotations

import importlib
import threading
from typing import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit import prompt as ask

from .shell import Shell


def prompt_text(shell: Shell) -> str:
    registry = shell.ctx.registry
    active = registry.active
    if active is None:
        return "milvus (not connected)> "
    view = registry.view(active)
    db = f"/{view.database}" if view and view.database not in ("", "default") else ""
    return f"milvus {active}{db}> "


def _warm_backend() -> None:
    """Import pymilvus on a thread once the prompt is on screen, so the first command is quick."""
    def load() -> None:
        try:
            importlib.import_module("milvus_shell.backend")
        except Exception:  # noqa: BLE001 - the first real use reports any problem
            pass

    threading.Thread(target=load, name="warm-backend", daemon=True).start()


def run(shell: Shell, before_first_prompt: Callable[[], bool]) -> int:
    shell.ctx.ask_secret = lambda message: ask(message, is_password=True)
    before_first_prompt()
    session: PromptSession[str] = PromptSession()
    warmed = False
    while True:
        try:
            text = session.prompt(lambda: prompt_text(shell), pre_run=None if warmed else _warm_backend)
            warmed = True
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        if not text.strip():
            continue
        outcome = shell.run_line(text)
        if outcome.exit_code is not None:
            return outcome.exit_code
