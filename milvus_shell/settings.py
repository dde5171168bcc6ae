"""Session settings: plain values the user can change while the shell runs."""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("table", "vertical", "json", "csv")


@dataclass
class Settings:
    timeout: float = 10.0  # seconds, for every server call
    format: str = "table"
    color: bool = True
    debug: bool = False
    interactive: bool = False
    timing: bool = False  # `set timing on`: say how long each command took
    pager: bool = True  # `set pager off`: never page, even in the interactive shell
    quiet: bool = False  # -q: scripts print data, warnings and errors only
