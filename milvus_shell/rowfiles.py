"""Rows from files: JSON lines, a JSON array, CSV, each row checked by a ``RowChecker`` (rowcheck.py).

Pure: no server, no pymilvus. A file is read lazily (a line, or a JSON array element, at a time), so
memory stays flat whatever its size. Each row comes out as an ``Item``: its line number, its source
text (for a file of bad lines), its size in bytes (to bound a batch by bytes) and either the row,
converted and checked, or why it is bad, naming the field.

    reader = open_rows(path, info)          # format from the name, else from the first character
    for item in reader:                     # reader.bytes_read / reader.total_bytes: for an ETA
        item.row or item.error

CSV: the first record names the columns; a cell is converted by its field's type (numbers, true/false,
JSON for JSON, array and vector fields); an empty cell is a missing value (an empty string for a
VarChar field). JSON: NaN and Infinity are refused, as JSON itself refuses them.
"""

from __future__ import annotations

import csv
import json
from typing import Any, Callable, Iterator, NamedTuple, Sequence

from .catalog import CollectionInfo, FieldInfo, ServerCapabilities
from .rowcheck import INT_BOUNDS, TOO_DEEP, BadNumber, RowChecker, RowError, loads, shown
from .rowinput import InputError, encoding_problem, open_input
from .rowlimits import largest_row_bytes

FORMATS = ("jsonl", "json", "csv", "parquet")  # parquet: parquetfiles.py, with the parquet extra
ARRAY_CHUNK = 1 << 20  # a JSON array is read this many bytes at a time


class FileError(ValueError):
    """The file cannot be read as rows at all (not a JSON array, no CSV header, unreadable)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class Item(NamedTuple):
    line: int  # 1-based: where the row starts in the file
    text: str  # its source text (a CSV record may span lines; a line end may remain)
    size: int  # its size in bytes in the file
    row: dict[str, Any] | None = None
    error: RowError | None = None


_DECODER = json.JSONDecoder(parse_constant=BadNumber)


# -- reading files -----------------------------------------------------------------------------------

def detect_format(path: str, first: bytes) -> str:
    """jsonl, json or csv: from the name (.jsonl, .ndjson, .csv), else from the first character."""
    low = path.lower()
    if low.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if low.endswith(".csv"):
        return "csv"
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "jsonl"
    return "csv"


class RowReader:
    """Items of a file, in order; ``bytes_read`` of ``total_bytes`` so far. Use as a context manager
    (or call ``close``). ``header`` is the CSV header line (a file of bad CSV lines starts with it)."""

    def __init__(self, path: str, check: RowChecker, fmt: str | None = None,
                 waiting: Callable[[], None] | None = None) -> None:
        self.path = path
        self.check = check
        self.longest = largest_row_bytes(check.info)  # a longer line or record cannot be a row
        try:
            self.file, self.total_bytes = open_input(path, waiting)
        except InputError as exc:
            raise FileError(str(exc)) from None
        self.bytes_read = 0
        self.header = ""
        first = self.file.peek(64)[:64]
        problem = encoding_problem(first)
        if problem is not None:
            self.file.close()
            raise FileError(f"cannot read {path} as rows: {problem}",
                            "save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8) and load that")
        self.format = fmt or detect_format(path, first)

    def _too_long(self, line: int) -> FileError:
        return FileError(f"{self.path}: line {line:,} is longer than any row of {self.check.info.name!r} "
                         f"can be ({self.longest:,} bytes): nothing after it was read")

    def _lines(self) -> Iterator[bytes]:
        """The file's lines, each refused (FileError) once longer than a row can be."""
        readline, longest, number = self.file.readline, self.longest, 0
        while True:
            raw = readline(longest + 1)
            if not raw:
                return
            number += 1
            if len(raw) > longest:
                raise self._too_long(number)
            yield raw

    def __enter__(self) -> "RowReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.file.close()

    def __iter__(self) -> Iterator[Item]:
        if self.format == "jsonl":
            return self._jsonl()
        if self.format == "json":
            return self._array()
        return self._csv()

    def _item(self, line: int, text: str, size: int, value: Any) -> Item:
        try:
            return Item(line, text, size, self.check(value))
        except RowError as exc:
            return Item(line, text, size, error=exc)

    # JSON lines: one object per line; blank lines are skipped.
    def _jsonl(self) -> Iterator[Item]:
        check, decode, raw_decode = self.check, _DECODER.decode, _DECODER.raw_decode
        number = 0
        for raw in self._lines():
            number += 1
            size = len(raw)
            self.bytes_read += size
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Item(number, raw.decode("utf-8", errors="replace"), size,
                           error=RowError(f"not UTF-8 text (byte {exc.start + 1})"))
                continue
            if number == 1:
                text = text.lstrip("\ufeff")
            try:
                value, end = raw_decode(text)  # the usual line: a row, then the line end
                if end < len(text) and text[end:].strip():
                    raise ValueError("more after the row")
            except RecursionError:  # deeper than Python's parser goes: a bad row like any other
                yield Item(number, text, size, error=RowError(TOO_DEEP))
                continue
            except ValueError:
                try:
                    value = decode(text)  # whitespace around a row; or say what is wrong
                except ValueError as exc:
                    if text.strip():
                        yield Item(number, text, size, error=RowError(f"not valid JSON: {_json_reason(exc)}"))
                    continue  # a blank line
            try:
                yield Item(number, text, size, check(value))
            except RowError as exc:
                yield Item(number, text, size, error=exc)

    # A JSON array of objects, read a chunk at a time; one element is decoded at a time.
    def _array(self) -> Iterator[Item]:
        buf = ""
        pos = 0
        line = 1
        eof = False

        def more() -> bool:
            nonlocal buf, pos, eof
            if eof:
                return False
            chunk = self.file.read(ARRAY_CHUNK)
            if not chunk:
                eof = True
                return False
            self.bytes_read += len(chunk)
            while True:  # never cut a UTF-8 sequence in two
                try:
                    text = chunk.decode("utf-8")
                    break
                except UnicodeDecodeError as exc:
                    if exc.start < len(chunk) - 4:
                        text = chunk.decode("utf-8", errors="replace")
                        break
                    extra = self.file.read(1)
                    if not extra:
                        text = chunk.decode("utf-8", errors="replace")
                        break
                    self.bytes_read += 1
                    chunk += extra
            buf = buf[pos:] + text
            pos = 0
            return True

        def skip_space() -> bool:
            """Move past whitespace (counting lines); False at the end of the file."""
            nonlocal pos, line
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n\ufeff":
                    if buf[pos] == "\n":
                        line += 1
                    pos += 1
                if pos < len(buf):
                    return True
                if not more():
                    return False

        if not skip_space() or buf[pos] != "[":
            raise FileError(f"{self.path}: not a JSON array (it should start with '[')")
        pos += 1
        first = True
        while True:
            if not skip_space():
                raise FileError(f"{self.path}: the JSON array is not closed (missing ']' at the end)")
            if buf[pos] == "]":
                return
            if not first:
                if buf[pos] != ",":
                    raise FileError(f"{self.path}: line {line}: expected ',' or ']' between rows")
                pos += 1
                if not skip_space():
                    raise FileError(f"{self.path}: the JSON array is not closed (missing ']' at the end)")
            first = False
            start_line = line
            while True:
                try:
                    value, end = _DECODER.raw_decode(buf, pos)
                    if end == len(buf) and not eof and more():  # a number may go on in the next chunk
                        continue
                    break
                except ValueError as exc:
                    if len(buf) - pos > self.longest:
                        raise self._too_long(start_line) from None
                    if more():
                        continue
                    raise FileError(f"{self.path}: line {start_line}: not valid JSON: "
                                    f"{_json_reason(exc)}") from None
                except RecursionError:  # where such a row ends cannot be known: the file stops here
                    raise FileError(f"{self.path}: line {start_line}: a row {TOO_DEEP}") from None
            text = buf[pos:end]
            line += text.count("\n")
            pos = end
            size = len(text.encode("utf-8")) if not text.isascii() else len(text)
            yield self._item(start_line, text.replace("\n", " ") if "\n" in text else text, size, value)

    # CSV: a header, then one row per record; cells converted by the field's type.
    def _csv(self) -> Iterator[Item]:
        convert = _CsvCells(self.check)
        number = record_bytes = 0
        if csv.field_size_limit() < self.longest:  # the csv module's own limit is 128 KB a cell
            csv.field_size_limit(self.longest)
        pending: list[tuple[str, int]] = []  # the physical lines of the record being read

        def lines() -> Iterator[str]:
            nonlocal number, record_bytes
            for raw in self._lines():
                number += 1
                self.bytes_read += len(raw)
                record_bytes += len(raw)
                if record_bytes > self.longest:  # a quoted cell that goes on and on
                    raise self._too_long(number - len(pending))
                text = raw.decode("utf-8", errors="replace")
                if number == 1:
                    text = text.lstrip("\ufeff")
                pending.append((text, len(raw)))
                yield text

        reader = csv.reader(lines(), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise FileError(f"{self.path}: line 1: not a CSV header: {exc}") from None
        if not header or not any(h.strip() for h in header):
            raise FileError(f"{self.path}: no CSV header (the first line names the columns)")
        self.header = "".join(t for t, _ in pending).rstrip("\r\n")
        names = [h.strip() for h in header]
        convert.set_header(names)
        pending.clear()
        record_bytes = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                first_line = number - len(pending) + 1
                text = "".join(t for t, _ in pending).rstrip("\r\n")
                size = sum(s for _, s in pending)
                pending.clear()
                record_bytes = 0
                yield Item(first_line, text, size, error=RowError(f"not valid CSV: {exc}"))
                continue
            first_line = number - len(pending) + 1
            text = "".join(t for t, _ in pending).rstrip("\r\n")
            size = sum(s for _, s in pending)
            pending.clear()
            record_bytes = 0
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            try:
                yield Item(first_line, text, size, convert(record))
            except RowError as exc:
                yield Item(first_line, text, size, error=exc)


class _CsvCells:
    """A CSV record -> a checked row: each cell converted by the type of the field its column names."""

    def __init__(self, check: RowChecker) -> None:
        self.check = check
        self.fields = {f.name: f for f in check.info.fields}
        self.names: list[str] = []
        self.converters: list[Callable[[str], Any]] = []

    def set_header(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self.converters = [_cell_converter(self.fields.get(n), n) for n in names]

    def __call__(self, record: Sequence[str]) -> dict[str, Any]:
        if len(record) != len(self.names):
            raise RowError(f"{len(record)} cells, but the header names {len(self.names)} columns")
        row: dict[str, Any] = {}
        for name, convert, cell in zip(self.names, self.converters, record):
            value = convert(cell)
            if value is not _MISSING:
                row[name] = value
        return self.check(row)


_MISSING = object()
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _cell_converter(field: FieldInfo | None, name: str) -> Callable[[str], Any]:
    kind = field.kind if field is not None else ""

    def bad(cell: str, wanted: str) -> RowError:
        return RowError(f"{field.type_name if field else 'the column'} wants {wanted}, not {shown(cell)}", name)

    if kind in ("VARCHAR", "STRING", "TEXT"):
        return lambda cell: cell
    if kind in INT_BOUNDS:
        def integer(cell: str) -> Any:
            if cell == "":
                return _MISSING
            try:
                return int(cell)
            except ValueError:
                raise bad(cell, "a whole number") from None
        return integer
    if kind in ("FLOAT", "DOUBLE"):
        def number(cell: str) -> Any:
            if cell == "":
                return _MISSING
            word = cell.strip().lower().lstrip("+-")
            if word in ("nan", "inf", "infinity"):
                raise RowError(f"{cell.strip()} is not a number a row may hold", name)
            try:
                return float(cell)
            except ValueError:
                raise bad(cell, "a number") from None
        return number
    if kind == "BOOL":
        def boolean(cell: str) -> Any:
            if cell == "":
                return _MISSING
            word = cell.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise bad(cell, "true or false")
        return boolean
    if kind in ("JSON", "ARRAY") or kind.endswith("_VECTOR"):
        hex_ok = kind in ("BINARY_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR")

        def parsed(cell: str) -> Any:
            if cell == "":
                return _MISSING
            if hex_ok and not cell.lstrip().startswith("["):
                return cell.strip()  # its bytes in hex, as export writes them
            try:
                return loads(cell)
            except ValueError as exc:
                raise RowError(f"not valid JSON in the cell: {_json_reason(exc)}", name) from None
            except RecursionError:
                raise RowError(TOO_DEEP, name) from None
        return parsed

    def other(cell: str) -> Any:  # a dynamic field's column, or a type we pass as it is
        if cell == "":
            return _MISSING
        return cell
    return other


def _json_reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos + 1}"
    return str(exc)


def open_rows(path: str, info: CollectionInfo, upsert: bool = False, fmt: str | None = None,
              waiting: Callable[[], None] | None = None, server: ServerCapabilities | None = None) -> RowReader:
    """``waiting`` is called while a pipe has no bytes yet; ``server``: see RowChecker."""
    checker = RowChecker(info, upsert, server)
    return RowReader(path, checker, fmt, waiting)
