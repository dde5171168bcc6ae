"""Key bindings of the interactive shell, on top of prompt_toolkit's Emacs-style defaults.

Ctrl-C clears the line (prompt_toolkit would end the prompt with KeyboardInterrupt); while a history
search (Ctrl-R) is open it cancels the search, as before. Ctrl-D on an empty line ends the shell and
Ctrl-L clears the screen: both are prompt_toolkit's defaults, kept.
"""

from __future__ import annotations

from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent


def shell_key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("c-c", filter=has_focus(DEFAULT_BUFFER))
    def _clear_line(event: KeyPressEvent) -> None:
        event.current_buffer.reset()

    return bindings
