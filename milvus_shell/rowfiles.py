"""Rows from files, checked against a collection's schema: JSON lines, a JSON array, CSV.

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
import errno
import json
import math
import os
import re
import stat
from typing import IO, Any, Callable, Iterator, NamedTuple, Sequence

from .catalog import CollectionInfo, FieldInfo

FORMATS = ("jsonl", "json", "csv")
FLOAT32_MAX = 3.4028234663852886e38
INT_BOUNDS = {"INT8": 2**7, "INT16": 2**15, "INT32": 2**31, "INT64": 2**63}
_NUMBER_TYPES = frozenset({int, float})
ARRAY_CHUNK = 1 << 20  # a JSON array is read this many bytes at a time
_SHOWN = 60  # a value quoted in an error is cut to this many characters


class RowError(ValueError):
    """Why a row is bad; ``field`` names the field when one is to blame."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field

    def __str__(self) -> str:
        return f"field {self.field!r}: {self.reason}" if self.field else self.reason


class FileError(ValueError):
    """The file cannot be read as rows at all (not a JSON array, no CSV header, unreadable)."""


class Item(NamedTuple):
    line: int  # 1-based: where the row starts in the file
    text: str  # its source text (a CSV record may span lines; a line end may remain)
    size: int  # its size in bytes in the file
    row: dict[str, Any] | None = None
    error: RowError | None = None


# -- JSON values that JSON forbids ----------------------------------------------------------------

class BadNumber:
    """What NaN, Infinity and -Infinity parse into: not a number, so the field check names the field."""

    __slots__ = ("word",)

    def __init__(self, word: str) -> None:
        self.word = word

    def __repr__(self) -> str:
        return self.word


def loads(text: str | bytes) -> Any:
    """json.loads, with NaN / Infinity kept as BadNumber for the schema check to refuse by field."""
    return json.loads(text, parse_constant=BadNumber)


_DECODER = json.JSONDecoder(parse_constant=BadNumber)


# -- checking a row against the schema --------------------------------------------------------------

def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, (str, BadNumber)) else json.dumps(value, default=repr)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _type_word(value: Any) -> str:
    if isinstance(value, BadNumber):
        return value.word
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return type(value).__name__


def _wrong(value: Any, wanted: str, field: FieldInfo) -> RowError:
    if isinstance(value, BadNumber):
        return RowError(f"{value.word} is not a number JSON allows ({field.type_name} wants {wanted})", field.name)
    return RowError(f"{field.type_name} wants {wanted}, not {_type_word(value)} ({_shown(value)})", field.name)


Check = Callable[[Any], Any]  # value -> value to send; raises RowError


def _integer_check(field: FieldInfo) -> Check:
    bound = INT_BOUNDS.get(field.kind, 2**63)

    def check(value: Any) -> Any:
        if type(value) is not int:
            if isinstance(value, float) and value.is_integer() and not isinstance(value, bool):
                value = int(value)
            else:
                raise _wrong(value, "a whole number", field)
        if not -bound <= value < bound:
            raise RowError(f"{value} is out of range for {field.type_name} "
                           f"({-bound} to {bound - 1})", field.name)
        return value

    return check


def _float_check(field: FieldInfo) -> Check:
    limit = FLOAT32_MAX if field.kind == "FLOAT" else math.inf

    def check(value: Any) -> Any:
        if type(value) not in _NUMBER_TYPES:
            raise _wrong(value, "a number", field)
        if not -limit <= value <= limit or (limit == math.inf and not math.isfinite(value)):
            raise RowError(f"{_shown(value)} is out of range for {field.type_name}", field.name)
        return value

    return check


def _bool_check(field: FieldInfo) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, bool):
            raise _wrong(value, "true or false", field)
        return value

    return check


def _max_length(field: FieldInfo) -> int | None:
    m = re.match(r"VarChar\((\d+)\)", field.type_name)
    return int(m.group(1)) if m else None


def _varchar_check(field: FieldInfo) -> Check:
    longest = _max_length(field)

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _wrong(value, "a string", field)
        if longest is not None and len(value) > longest:
            raise RowError(f"{len(value)} characters is longer than {field.type_name} allows", field.name)
        return value

    return check


def _json_check(field: FieldInfo) -> Check:
    def check(value: Any) -> Any:
        _no_bad_numbers(value, field)
        return value

    return check


def _no_bad_numbers(value: Any, field: FieldInfo) -> None:
    if isinstance(value, BadNumber):
        raise RowError(f"{value.word} is not a number JSON allows", field.name)
    if isinstance(value, dict):
        for v in value.values():
            _no_bad_numbers(v, field)
    elif isinstance(value, list):
        for v in value:
            _no_bad_numbers(v, field)


_ARRAY_RE = re.compile(r"Array\((\w+)(?:\((\d+)\))?(?:, capacity (\d+))?\)")


def _array_check(field: FieldInfo) -> Check:
    m = _ARRAY_RE.match(field.type_name)
    element_name = m.group(1) if m else ""
    capacity = int(m.group(3)) if m and m.group(3) else None
    element_kind = element_name.upper()
    element = FieldInfo(field.name, element_name + (f"({m.group(2)})" if m and m.group(2) else ""), element_kind)
    inner = _CHECKS.get(element_kind)
    each = inner(element) if inner is not None and element_kind not in ("ARRAY", "JSON") else None

    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise _wrong(value, "a list", field)
        if capacity is not None and len(value) > capacity:
            raise RowError(f"{len(value)} elements is more than {field.type_name} holds", field.name)
        if each is not None:
            for i, v in enumerate(value):
                try:
                    each(v)
                except RowError as exc:
                    raise RowError(f"element {i}: {exc.reason}", field.name) from None
        return value

    return check


def _float_vector_check(field: FieldInfo) -> Check:
    dim = field.dim

    def check(value: Any) -> Any:
        if type(value) is not list:
            raise _wrong(value, f"a list of {dim} numbers", field)
        if dim is not None and len(value) != dim:
            raise RowError(f"wrong vector dimension: {len(value)} numbers, but {field.type_name} "
                           f"has {dim}", field.name)
        if not value:
            raise RowError("an empty vector", field.name)
        # Fast path, two passes in C: min and max raise TypeError unless every element is a number
        # (NaN and Infinity are BadNumbers, which do not compare), and give float32's range.
        try:
            if -FLOAT32_MAX <= min(value) and max(value) <= FLOAT32_MAX:
                return value
        except TypeError:
            pass
        for i, v in enumerate(value):
            if type(v) not in _NUMBER_TYPES:
                what = f"{v.word}, which JSON does not allow" if isinstance(v, BadNumber) else _type_word(v)
                raise RowError(f"element {i} is {what}: a vector holds numbers", field.name)
            if not -FLOAT32_MAX <= v <= FLOAT32_MAX:
                raise RowError(f"element {i} ({_shown(v)}) is out of float32's range", field.name)
        return value  # not reached: one element failed above

    return check


def _binary_vector_check(field: FieldInfo) -> Check:
    size = (field.dim or 0) // 8

    def check(value: Any) -> Any:
        if isinstance(value, list) and all(type(v) is int and 0 <= v <= 255 for v in value):
            if size and len(value) != size:
                raise RowError(f"wrong vector dimension: {len(value)} bytes, but {field.type_name} "
                               f"takes {size} bytes ({field.dim} bits)", field.name)
            return bytes(value)
        raise _wrong(value, f"a list of {size} bytes (whole numbers 0 to 255)", field)

    return check


def _sparse_check(field: FieldInfo) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _wrong(value, 'an object of index: value ({"3": 0.5, "17": 0.1})', field)
        out = {}
        for k, v in value.items():
            try:
                index = int(k)
            except (TypeError, ValueError):
                raise RowError(f"index {k!r} is not a whole number", field.name) from None
            if type(v) not in _NUMBER_TYPES or not math.isfinite(v):
                raise RowError(f"the value at index {k} is not a number", field.name)
            out[index] = v
        return out

    return check


def _pass(field: FieldInfo) -> Check:
    return lambda value: value


_CHECKS: dict[str, Callable[[FieldInfo], Check]] = {
    "INT8": _integer_check, "INT16": _integer_check, "INT32": _integer_check, "INT64": _integer_check,
    "FLOAT": _float_check, "DOUBLE": _float_check,
    "BOOL": _bool_check,
    "VARCHAR": _varchar_check, "STRING": _varchar_check, "TEXT": _varchar_check,
    "JSON": _json_check,
    "ARRAY": _array_check,
    "FLOAT_VECTOR": _float_vector_check, "FLOAT16_VECTOR": _float_vector_check,
    "BFLOAT16_VECTOR": _float_vector_check,
    "BINARY_VECTOR": _binary_vector_check,
    "SPARSE_FLOAT_VECTOR": _sparse_check,
}


class RowChecker:
    """Converts and checks rows (dicts) against a collection's schema. ``upsert`` rows must carry
    their primary key even when the server assigns ids on insert."""

    def __init__(self, info: CollectionInfo, upsert: bool = False) -> None:
        self.info = info
        self.dynamic = info.dynamic
        self.known = frozenset(info.field_names())
        self.checks: list[tuple[str, Check, bool]] = []  # (name, check, required)
        self.forbidden: dict[str, str] = {}  # field -> why a row must not give it
        for f in info.fields:
            if f.function_output:
                self.forbidden[f.name] = "the collection's function fills it; leave it out"
                continue
            if f.primary and f.auto_id and not upsert:
                self.forbidden[f.name] = ("an auto id, which the server assigns; leave it out "
                                          "(upsert takes it, to replace a row)")
                continue
            required = not (f.nullable or f.has_default)
            check = _CHECKS.get(f.kind, _pass)(f)
            if f.nullable:
                check = _nullable(check)
            self.checks.append((f.name, check, required))
        self.primary = info.primary.name
        self.checked = frozenset(name for name, _, _ in self.checks)

    def __call__(self, row: Any) -> dict[str, Any]:
        """The row itself, its values converted where needed (bytes for a binary vector, ...)."""
        if type(row) is not dict:
            raise RowError(f"a row is a JSON object of field: value, not {_type_word(row)}")
        present = 0
        for name, check, required in self.checks:
            value = row.get(name, _ABSENT)
            if value is _ABSENT:
                if required:
                    if name == self.primary:
                        raise RowError("the primary key is missing", name)
                    raise RowError("missing (it has no default and cannot be null)", name)
                continue
            present += 1
            new = check(value)
            if new is not value:
                row[name] = new
        if present != len(row):
            for key, value in row.items():
                if key in self.checked:
                    continue
                if key in self.forbidden:
                    raise RowError(self.forbidden[key], key)
                if not self.dynamic:
                    raise RowError(f"no such field in collection {self.info.name!r} (its fields: "
                                   f"{', '.join(self.info.field_names())}), and it has no dynamic field", key)
                _no_bad_numbers(value, FieldInfo(key, "", ""))
        return row


_ABSENT = object()


def _nullable(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


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

    def __init__(self, path: str, check: Callable[[Any], dict[str, Any]], fmt: str | None = None) -> None:
        self.path = path
        self.check = check
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            raise FileError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from None
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            os.close(fd)
            raise FileError(f"cannot read {path}: it is a folder")
        self.file: IO[bytes] = os.fdopen(fd, "rb", buffering=1 << 16)
        self.total_bytes = st.st_size if stat.S_ISREG(st.st_mode) else None
        self.bytes_read = 0
        self.header = ""
        first = self.file.peek(64)[:64] if hasattr(self.file, "peek") else b""
        self.format = fmt or detect_format(path, first)

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
        for raw in self.file:
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
                    if more():
                        continue
                    raise FileError(f"{self.path}: line {start_line}: not valid JSON: "
                                    f"{_json_reason(exc)}") from None
            text = buf[pos:end]
            line += text.count("\n")
            pos = end
            size = len(text.encode("utf-8")) if not text.isascii() else len(text)
            yield self._item(start_line, text.replace("\n", " ") if "\n" in text else text, size, value)

    # CSV: a header, then one row per record; cells converted by the field's type.
    def _csv(self) -> Iterator[Item]:
        convert = _CsvCells(self.check)
        number = 0
        pending: list[tuple[str, int]] = []  # the physical lines of the record being read

        def lines() -> Iterator[str]:
            nonlocal number
            for raw in self.file:
                number += 1
                self.bytes_read += len(raw)
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
                yield Item(first_line, text, size, error=RowError(f"not valid CSV: {exc}"))
                continue
            first_line = number - len(pending) + 1
            text = "".join(t for t, _ in pending).rstrip("\r\n")
            size = sum(s for _, s in pending)
            pending.clear()
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            try:
                yield Item(first_line, text, size, convert(record))
            except RowError as exc:
                yield Item(first_line, text, size, error=exc)


class _CsvCells:
    """A CSV record -> a checked row: each cell converted by the type of the field its column names."""

    def __init__(self, check: Callable[[Any], dict[str, Any]]) -> None:
        self.check = check
        info = getattr(check, "info", None)
        self.fields = {f.name: f for f in info.fields} if info is not None else {}
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
        return RowError(f"{field.type_name if field else 'the column'} wants {wanted}, not {_shown(cell)}", name)

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
        def parsed(cell: str) -> Any:
            if cell == "":
                return _MISSING
            try:
                return loads(cell)
            except ValueError as exc:
                raise RowError(f"not valid JSON in the cell: {_json_reason(exc)}", name) from None
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


def open_rows(path: str, info: CollectionInfo, upsert: bool = False, fmt: str | None = None) -> RowReader:
    checker = RowChecker(info, upsert)
    return RowReader(path, checker, fmt)


# -- the file of bad lines ------------------------------------------------------------------------

class BadLines:
    """``PATH.bad``: the bad lines, as they were (a CSV file's header first), created 0600 at the first
    bad line; never through a symbolic link, only ever a regular file."""

    def __init__(self, source: str, header: str = "") -> None:
        self.path = source + ".bad"
        self.header = header
        self.count = 0
        self._file: IO[str] | None = None

    def write(self, item: Item) -> None:
        if self._file is None:
            self._file = self._open()
            if self.header:
                self._file.write(self.header + "\n")
        self._file.write(item.text.rstrip("\r\n") + "\n")
        self.count += 1

    def _open(self) -> IO[str]:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK):
                raise FileError(f"will not write bad lines to {self.path}: it is a symbolic link") from None
            raise FileError(f"cannot write bad lines to {self.path}: "
                            f"{(exc.strerror or str(exc)).lower()}") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise FileError(f"will not write bad lines to {self.path}: it is not a regular file")
        if st.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "w", encoding="utf-8")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
