"""The shell's colors in one place: prompt, highlighted input, toolbar and the connections table.

Plain data (prompt_toolkit style strings, one escape sequence), so the renderer can import it without
loading pygments or prompt_toolkit's styles. 16 ANSI colors only: they follow the terminal's theme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prompt_toolkit.styles import Style

ACTIVE_ALIAS = "bold ansigreen"
ACTIVE_ALIAS_SGR = "\x1b[1;32m"  # ACTIVE_ALIAS as an SGR escape, for rows of plain output
KNOWN_ALIAS = "ansiblue"
ERROR = "ansired underline"

# Class name -> style. Highlighted input uses prompt_toolkit's pygments classes
# ("pygments.name.alias.active" for pygments' Token.Name.Alias.Active).
RULES: dict[str, str] = {
    "pygments.keyword": "bold",
    "pygments.name.attribute": "ansimagenta",
    "pygments.literal.string": "ansiyellow",
    "pygments.literal.number": "ansicyan",
    "pygments.name.constant": "ansicyan",
    "pygments.comment": "italic ansibrightblack",
    "pygments.error": ERROR,
    "pygments.name.alias.active": ACTIVE_ALIAS,
    "pygments.name.alias.known": KNOWN_ALIAS,
    "pygments.name.alias.unknown": ERROR,
    "prompt.program": "",
    "prompt.alias": ACTIVE_ALIAS,
    "prompt.where": "",
    "prompt.lost": "ansired",
    "prompt.idle": "",
    "bottom-toolbar.state.connected": "",
    "bottom-toolbar.state.lost": "bold",
    "bottom-toolbar.syntax.current": "bold underline",
}


def shell_style() -> "Style":
    """The prompt_toolkit style of the interactive shell. Without colors (NO_COLOR, --no-color) the
    session's color depth drops the colors; bold and underline stay, so the active alias still shows."""
    from prompt_toolkit.styles import Style  # noqa: PLC0415 - only the interactive shell needs it

    return Style.from_dict(RULES)
