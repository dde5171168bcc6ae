"""Session settings: plain values the user can change while the shell runs.

The defaults are here; what each setting is (its kind, help, how it is checked) is declared once in
milvus_shell/setting_table.py, which drives `set`, the config file's [settings], the command-line
flags and `help set`.
"""

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
    pager: str = "on"  # on ($PAGER, else less -SRXFK), off (never page), or a command line
    history_size: int = 100_000  # entries of the history file loaded at start
    quiet: bool = False  # -q: scripts print data, warnings and errors only
    prompt: str = ""  # a template with {alias} {host} {db}; "" is the built-in prompt

    @property
    def paging(self) -> bool:
        return self.pager != "off"

    @property
    def pager_command(self) -> str:
        """The pager's command line when one is set; "" means $PAGER, else the default."""
        return "" if self.pager in ("on", "off") else self.pager
