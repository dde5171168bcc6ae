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


class OutputError(ShellError):
    """The output could not be written (a full disk, say): nothing more can be shown, so the run ends.

    Raised by the renderer for writes to the data stream; the shell reports it (``error: cannot write
    the output: no space left on device``) and ends the run with exit status 1.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"cannot write the output: {reason}")


class OutputClosed(OutputError):
    """Whoever read the output went away (``| head``): the run ends quietly, as Unix tools do."""

    def __init__(self) -> None:
        super().__init__("the reader closed it")


def output_error(exc: OSError) -> OutputError:
    """The OutputError for a failed write: OutputClosed for a closed pipe, else the reason in words."""
    if isinstance(exc, BrokenPipeError):
        return OutputClosed()
    return OutputError(os_reason(exc))


def os_reason(exc: OSError) -> str:
    """An OSError's reason in words, as a sentence continues: 'no space left on device'."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]
