"""The one renderer: Results become text in table, vertical, json or csv form."""

from __future__ import annotations

import csv
import io
import json
import shutil
from typing import Any, Sequence, TextIO

from prompt_toolkit.utils import get_cwidth

from .results import Exit, Group, Message, Result, Table
from .styles import ACTIVE_ALIAS_SGR

YELLOW = "\x1b[33m"
RED = "\x1b[31m"
RESET = "\x1b[0m"
ELLIPSIS = "…"


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return str(value)


def text_width(text: str) -> int:
    return sum(get_cwidth(ch) for ch in text)


def truncate(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells, ending in an ellipsis when cut."""
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = get_cwidth(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


class Renderer:
    """Writes results to ``out`` (data) and ``err`` (errors, and notes when the data is json/csv)."""

    def __init__(self, out: TextIO, err: TextIO, color: bool = False, width: int | None = None) -> None:
        self.out = out
        self.err = err
        self.color = color
        self._width = width

    @property
    def width(self) -> int:
        return self._width or shutil.get_terminal_size((100, 24)).columns

    def render(self, result: Result, fmt: str = "table") -> None:
        if result is None or isinstance(result, Exit):
            return
        if isinstance(result, Group):
            for part in result.parts:
                self.render(part, fmt)
            return
        if isinstance(result, Message):
            stream = self.err if fmt in ("json", "csv") else self.out
            text = result.text
            if result.level == "warning":
                text = self._paint("warning: " + text, YELLOW)
            stream.write(text + "\n")
            stream.flush()
            return
        self.out.write(format_table(result, fmt, self.width, self.color))
        self.out.flush()

    def error(self, message: str) -> None:
        self.err.write(self._paint("error: ", RED) + message + "\n")
        self.err.flush()

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.color else text


def format_table(table: Table, fmt: str, width: int = 100, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(table.columns, row)) for row in table.rows], ensure_ascii=False,
                          indent=2, default=str) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows([[cell_text(v) for v in row] for row in table.rows])
        return buf.getvalue()
    if fmt == "vertical":
        return _vertical(table, width)
    return _aligned(table, width, color)


def _aligned(table: Table, width: int, color: bool) -> str:
    header = [str(c) for c in table.columns]
    body = [[cell_text(v) for v in row] for row in table.rows]
    widths = [max([text_width(h)] + [text_width(r[i]) for r in body]) for i, h in enumerate(header)]
    widths = _fit(widths, width - 3 * (len(widths) - 1))
    lines = []
    if table.title:
        lines.append(table.title)
    lines.append(_row(header, widths).rstrip())
    lines.append("-+-".join("-" * w for w in widths))
    for i, row in enumerate(body):
        line = _row(row, widths).rstrip()
        if color and i == table.active_row:
            line = f"{ACTIVE_ALIAS_SGR}{line}{RESET}"  # the prompt's active-alias style
        lines.append(line)
    n = len(body)
    lines.append(table.footer or f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return " | ".join(pad(truncate(c, w), w) for c, w in zip(cells, widths))


def _fit(widths: list[int], room: int) -> list[int]:
    """Shrink the widest columns until the row fits ``room`` cells (never below 6 each)."""
    widths = list(widths)
    while sum(widths) > room:
        i = max(range(len(widths)), key=widths.__getitem__)
        if widths[i] <= 6:
            break
        widths[i] -= 1
    return widths


def _vertical(table: Table, width: int) -> str:
    label = max((text_width(str(c)) for c in table.columns), default=0)
    lines = []
    for n, row in enumerate(table.rows, 1):
        lines.append(f"-[ RECORD {n} ]" + "-" * max(0, min(width, 40) - 14 - len(str(n))))
        for col, value in zip(table.columns, row):
            lines.append(f"{pad(str(col), label)} | {cell_text(value)}")
    if not table.rows:
        lines.append("(0 rows)")
    return "\n".join(lines) + "\n"
