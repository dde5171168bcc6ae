"""The output formats, pure: rows (a Table, a StreamTable, a Document) become table, vertical, json
or csv text. Nothing here writes: the renderer (output.py) decides where the text goes."""

from __future__ import annotations

import csv
import json
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .results import ABSENT, Document, Float32, StreamTable, Table
from .screen_text import ELLIPSIS, pad, text_width, truncate, visible
from .styles import ACTIVE_ALIAS_SGR

RESET = "\x1b[0m"
VECTOR_SHOWN = 4  # a vector cell shows this many values, then "… dim N"
STREAM_MIN_WIDTH = 10  # a streamed table's columns are sized by its first batch, but no narrower


def shown_cell(value: Any, vector: bool = False, digits: int | None = None) -> str:
    """A value as table and vertical output show it: cell_text, made safe for the terminal; with
    ``digits`` (the `digits` setting), floats rounded to that many decimals."""
    if digits is not None and isinstance(value, float) and not vector:
        return repr(round(float(value), digits))
    return visible(cell_text(value, vector))


def cell_text(value: Any, vector: bool = False) -> str:
    if value is None or value is ABSENT:
        return ""
    if vector:
        return short_vector(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Float32):
        return _short_float(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return str(value)


def short_vector(value: Any) -> str:
    """[0.4153, 0.9247, 0.5728, 0.0619, … dim 768]: enough to recognise, short enough to read."""
    if isinstance(value, (bytes, str)) or not isinstance(value, (list, tuple)):
        text = value.hex() if isinstance(value, bytes) else str(value)
        return text if len(text) <= 24 else text[:20] + ELLIPSIS
    shown = ", ".join(_short_number(v) for v in value[:VECTOR_SHOWN])
    if len(value) > VECTOR_SHOWN:
        return f"[{shown}, {ELLIPSIS} dim {len(value)}]"
    return f"[{shown}]"


def _short_float(v: float) -> str:
    """0.010000001639127731 (a float32 read back as a double) reads as 0.01, the digits a float32
    holds; short values stay as they are."""
    text = repr(v)
    return text if len(text) <= 10 else f"{v:.7g}"


def _short_number(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def format_table(table: Table, fmt: str, width: int = 100, color: bool = False, digits: int | None = None) -> str:
    if fmt == "json":
        return "".join(_json_chunks(table.columns, [table.rows]))
    if fmt == "csv":
        return "".join(_csv_chunks(table.columns, [table.rows]))
    if fmt == "vertical":
        return _vertical(table, width, digits)
    return _aligned(table, width, color, digits)


def format_document(doc: Document, fmt: str, width: int = 100) -> str:
    if fmt == "json" and doc.json is not None:
        return json.dumps(doc.json, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if fmt == "json":
        obj: dict[str, Any] = {_json_key(k): v for k, v in doc.facts}
        for title, table in doc.sections:
            obj[_json_key(title)] = [dict(zip(table.columns, row)) for row in table.rows]
        return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if fmt == "csv":
        if doc.sections:
            return format_table(doc.sections[0][1], fmt)
        return format_table(Table(["property", "value"], [list(f) for f in doc.facts]), fmt)
    facts = [(visible(k), shown_cell(v)) for k, v in doc.facts]
    label = max((text_width(k) for k, _ in facts), default=0)
    parts = ["\n".join(f"{pad(k + ':', label + 1)} {v}".rstrip() for k, v in facts) + "\n"]
    for title, table in doc.sections:
        body = format_table(table, fmt, width)
        title = visible(title)
        parts.append(f"\n{title}:\n{body}" if table.rows else f"\n{title}: none\n")
    return "".join(parts)


def _json_key(label: str) -> str:
    return label.replace(" ", "_")


def stream_chunks(stream: StreamTable, fmt: str, width: int, color: bool = False,
                  digits: int | None = None) -> Iterator[str]:
    """The text of a StreamTable, one chunk per batch."""
    if fmt == "json":
        yield from _json_chunks(stream.columns, stream.batches)
    elif fmt == "csv":
        yield from _csv_chunks(stream.columns, stream.batches)
    elif fmt == "vertical":
        yield from _vertical_chunks(stream.columns, stream.batches, stream.vector_columns, width, digits,
                                    stream.labels)
    else:
        yield from _aligned_chunks(stream, width, digits)


def _json_chunks(columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]) -> Iterator[str]:
    """A JSON array, one row object per line: ``[\\n  {...},\\n  {...}\\n]``."""
    first = True
    for batch in batches:
        lines = [
            json.dumps({c: v for c, v in zip(columns, row) if v is not ABSENT}, ensure_ascii=False,
                       default=_json_default)
            for row in batch
        ]
        if not lines:
            continue
        yield ("[\n  " if first else ",\n  ") + ",\n  ".join(lines)
        first = False
    yield "[]\n" if first else "\n]\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    tolist = getattr(value, "tolist", None)  # numpy arrays and scalars
    if tolist is not None:
        return tolist()
    return str(value)


def _csv_chunks(columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]) -> Iterator[str]:
    # The writer writes into a list, joined once per batch: a StringIO that is emptied and reused
    # keeps its text as 4 bytes a character, 4 times a batch of wide ASCII rows.
    parts: list[str] = []
    writer = csv.writer(_Appender(parts), lineterminator="\n")
    _csv_rows(writer, parts, [list(columns)])
    as_is = _CSV_AS_IS
    for batch in batches:
        # str, int and float (csv writes a float's repr) go to the writer as they are; the rest,
        # cell by cell. Decided by exact type: bool, Float32 and ABSENT are not among them.
        _csv_rows(writer, parts, [[v if type(v) in as_is else _csv_cell(v) for v in row] for row in batch])
        del batch  # not kept while the next batch is fetched
        text = "".join(parts)
        parts.clear()
        yield text
        del text
    yield "".join(parts)


def _csv_rows(writer: Any, parts: list[str], rows: list[list[Any]]) -> None:
    """Append ``rows`` to ``parts`` through ``writer``. A writer whose rows end in LF quotes a cell
    holding LF but not one holding a lone CR, which would then not read back: rows with a CR (rare,
    found by one scan of the text) are written again by a writer that ends rows in CRLF and so quotes
    both, and their CRLF ending becomes LF."""
    mark = len(parts)
    writer.writerows(rows)
    if not any("\r" in part for part in parts[mark:]):
        return
    del parts[mark:]
    crlf = csv.writer(_Appender(parts), lineterminator="\r\n")
    for row in rows:
        if any(type(v) is str and "\r" in v for v in row):
            crlf.writerow(row)
            parts[-1] = parts[-1][:-2] + "\n"  # csv writes a row in one write
        else:
            writer.writerow(row)


class _Appender:
    """A file-like ``write`` that appends to a list."""

    __slots__ = ("write",)

    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


_CSV_AS_IS = frozenset({str, int, float})
_CSV_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default).encode


def _csv_cell(value: Any) -> str:
    if isinstance(value, list) and value and type(value[0]) is float:
        try:  # a float vector: what json writes, without its per-value machinery
            text = ",".join(map(float.__repr__, value))
        except TypeError:  # not all floats
            pass
        else:
            if "n" not in text:  # no nan or inf, which json spells NaN and Infinity
                return f"[{text}]"
    if isinstance(value, (list, tuple, dict)):
        return _CSV_JSON(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float):
        return float.__repr__(value)  # whole, as in json
    return cell_text(value)


def _cells(columns: Sequence[str], row: Sequence[Any], vectors: frozenset[str], digits: int | None = None) -> list[str]:
    return [shown_cell(v, c in vectors, digits) for c, v in zip(columns, row)]


def _headers(columns: Sequence[str], labels: Mapping[str, str]) -> list[str]:
    return [visible(str(labels.get(c, c))) for c in columns]


def _aligned(table: Table, width: int, color: bool, digits: int | None = None) -> str:
    body = [_cells(table.columns, row, table.vector_columns, digits) for row in table.rows]
    header = _headers(table.columns, table.labels)
    widths = _fit(_natural_widths(header, body), width - 3 * (len(header) - 1))
    lines = []
    if table.title:
        lines.append(visible(table.title, newlines=True))
    lines.append(_row(header, widths).rstrip())
    lines.append("-+-".join("-" * w for w in widths))
    for i, row in enumerate(body):
        line = _row(row, widths).rstrip()
        if color and i == table.active_row:
            line = f"{ACTIVE_ALIAS_SGR}{line}{RESET}"  # the prompt's active-alias style
        lines.append(line)
    lines.append(visible(table.footer, newlines=True) or _count(len(body)))
    return "\n".join(lines) + "\n"


def _aligned_chunks(stream: StreamTable, width: int, digits: int | None = None) -> Iterator[str]:
    """An aligned table whose column widths come from the first rows; later cells are cut to fit."""
    header = _headers(stream.columns, stream.labels)
    widths: list[int] | None = None
    count = 0
    for batch in stream.batches:
        body = [_cells(stream.columns, row, stream.vector_columns, digits) for row in batch]
        if not body:
            continue
        if widths is None:  # later rows may be wider (growing ids): leave them some room
            natural = [max(w, STREAM_MIN_WIDTH) for w in _natural_widths(header, body)]
            widths = _fit(natural, width - 3 * (len(header) - 1))
            yield _row(header, widths).rstrip() + "\n" + "-+-".join("-" * w for w in widths) + "\n"
        count += len(body)
        yield "".join(_row(r, widths).rstrip() + "\n" for r in body)
    if widths is None:
        widths = _fit(_natural_widths(header, []), width - 3 * (len(header) - 1))
        yield _row(header, widths).rstrip() + "\n" + "-+-".join("-" * w for w in widths) + "\n"
    yield _count(count) + "\n"


def _count(n: int) -> str:
    return f"({n} row{'s' if n != 1 else ''})"


def _natural_widths(header: Sequence[str], body: Sequence[Sequence[str]]) -> list[int]:
    return [max([text_width(h)] + [text_width(r[i]) for r in body]) for i, h in enumerate(header)]


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


def _vertical(table: Table, width: int, digits: int | None = None) -> str:
    text = "".join(_vertical_chunks(table.columns, [table.rows], table.vector_columns, width, digits,
                                    table.labels))
    return text


def _vertical_chunks(columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]],
                     vectors: frozenset[str] = frozenset(), width: int = 100, digits: int | None = None,
                     headers: Mapping[str, str] | None = None) -> Iterator[str]:
    labels = _headers(columns, headers or {})
    label = max((text_width(c) for c in labels), default=0)
    n = 0
    for batch in batches:
        lines = []
        for row in batch:
            n += 1
            lines.append(f"-[ RECORD {n} ]" + "-" * max(0, min(width, 40) - 14 - len(str(n))))
            for col, shown, value in zip(columns, labels, row):
                lines.append(f"{pad(shown, label)} | {shown_cell(value, col in vectors, digits)}")
        if lines:
            yield "\n".join(lines) + "\n"
    if n == 0:
        yield "(0 rows)\n"
