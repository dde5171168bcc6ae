"""The shell's own errors. Every failure the user sees is one of these, with a plain-words message."""

from __future__ import annotations


class ShellError(Exception):
    """A failure explained in words; the shell prints ``error: <message>`` and goes on."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ParseError(ShellError):
    """A line that does not fit the command table. ``column`` is 1-based."""

    def __init__(self, message: str, column: int, hint: str | None = None) -> None:
        super().__init__(f"column {column}: {message}", hint)
        self.column = column
        self.reason = message


class UsageError(ShellError):
    """A command was well formed but cannot be carried out as asked (unknown alias, bad address, ...)."""


class ConnectFailed(ShellError):
    """Connecting failed; ``kind`` names the class of failure (refused, timeout, auth, tls, dns, ...)."""

    def __init__(self, message: str, kind: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.kind = kind


class ServerError(ShellError):
    """A call reached the server (or tried to) and failed; ``kind`` as for ConnectFailed."""

    def __init__(self, message: str, kind: str = "server", hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.kind = kind


class Cancelled(ShellError):
    """The user pressed Ctrl-C while a command ran; ``note`` says what had been done by then."""

    def __init__(self, note: str = "") -> None:
        super().__init__(f"cancelled: {note}" if note else "cancelled")
        self.note = note


class Declined(ShellError):
    """The person did not confirm a destructive command; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("not confirmed; nothing changed")
