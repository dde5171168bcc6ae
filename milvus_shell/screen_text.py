"""Text as a terminal shows it: characters that would act instead of show are escaped, and widths
are counted in terminal cells (wide characters take two). Pure."""

from __future__ import annotations

import re
from functools import lru_cache

ELLIPSIS = "…"


# Characters that would act on the terminal rather than show (ESC starts colour and cursor sequences,
# BEL rings, CR and LF break rows) or that hide or reorder text: C0 and C1 controls, DEL, the line and
# paragraph separators, lone surrogates and the format characters (bidi overrides and isolates,
# zero-width spaces, BOM). Not ZWJ/ZWNJ (U+200C/D: emoji sequences and several scripts need them) nor
# the tag characters U+E0020-E007F (flag emoji). test_output_escaping checks this against unicodedata.
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(match: "re.Match[str]") -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, newlines: bool = False) -> str:
    """``text`` safe to put on a terminal: characters that would act instead of show are escaped.

    ESC becomes ``\\x1b``, a tab ``\\t``, a newline ``\\n`` (kept as is with ``newlines``, for messages
    of several lines), C1 controls ``\\x85``, U+202E ``\\u202e`` and so on; everything else, wide
    characters included, is untouched. Backslashes are not doubled, so a value holding the four
    characters ``\\x1b`` looks the same as one holding ESC: json output tells them apart.
    """
    if text.isprintable():  # the usual case, decided in C
        return text
    if newlines and "\n" in text:
        return "\n".join(_UNSHOWABLE.sub(_escape_char, part) for part in text.split("\n"))
    return _UNSHOWABLE.sub(_escape_char, text)


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Terminal cells of one character, as prompt_toolkit counts them (wcwidth, never negative).
    wcwidth is imported on the first character that is not ASCII: a script printing ASCII tables
    (nearly all of them) never pays for it."""
    if " " <= ch < "\x7f":
        return 1
    from wcwidth import wcwidth  # noqa: PLC0415

    return max(0, wcwidth(ch))


def text_width(text: str) -> int:
    if text.isascii() and text.isprintable():  # the usual case, decided in C
        return len(text)
    return sum(char_width(ch) for ch in text)


def truncate(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells, ending in an ellipsis when cut."""
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))

