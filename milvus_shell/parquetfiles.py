"""Parquet files of rows, through pyarrow (the optional extra ``milvus-shell[parquet]``).

Reading (``ParquetRows``) gives the same Items as rowfiles.RowReader, a batch of rows at a time, so
``insert --file rows.parquet`` checks and sends rows like any other file. Writing (``ParquetRowWriter``)
is what ``query … --format parquet --output FILE`` streams into, a batch at a time.

The layout is the one Milvus import jobs and pymilvus's bulk writer use: one column per field (vectors
as lists of float32, binary vectors as lists of uint8, JSON fields as JSON text) and the dynamic
field's keys in one ``$meta`` column of JSON text. So a file the shell writes is one an import job
takes, and back.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Iterator, Sequence

from .catalog import CollectionInfo, FieldInfo, ServerCapabilities
from .rowcheck import RowChecker, RowError
from .rowfiles import FileError, Item, RowReader, open_rows
from .safe_files import Refused, create_new, remove_created

META = "$meta"  # the dynamic field's column
READ_BATCH_ROWS = 2048
EXTRA_HINT = "pip install 'milvus-shell[parquet]' (it adds pyarrow)"


class NeedsPyarrow(FileError):
    """pyarrow is not installed: Parquet needs the parquet extra."""


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow  # noqa: PLC0415 - optional, and heavy: only when a Parquet file is read or written
        import pyarrow.parquet as parquet  # noqa: PLC0415
    except ImportError:
        raise NeedsPyarrow(f"Parquet needs pyarrow, which is not installed: {EXTRA_HINT}") from None
    return pyarrow, parquet


def is_parquet(path: str) -> bool:
    return path.lower().endswith((".parquet", ".pq"))


def open_row_file(path: str, info: CollectionInfo, upsert: bool = False, fmt: str | None = None,
                  waiting: Callable[[], None] | None = None,
                  server: ServerCapabilities | None = None) -> "RowReader | ParquetRows":
    """rowfiles.open_rows, or for Parquet (by --file-format or the file's name) a ParquetRows."""
    if fmt == "parquet" or (fmt is None and is_parquet(path)):
        return ParquetRows(path, RowChecker(info, upsert, server))
    return open_rows(path, info, upsert, fmt, waiting, server)


# -- reading -----------------------------------------------------------------------------------------

class ParquetRows:
    """Items of a Parquet file (``line`` is the row's number, from 1), checked by ``check``."""

    format = "parquet"

    def __init__(self, path: str, check: RowChecker) -> None:
        _, parquet = _pyarrow()
        self.path = path
        self.check = check
        self.header = ""
        try:
            self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        except IsADirectoryError:
            raise FileError(f"cannot read {path}: it is a folder") from None
        except OSError as exc:
            raise FileError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from None
        try:
            self._parquet = parquet.ParquetFile(self._file)
        except Exception as exc:  # noqa: BLE001 - pyarrow says what is wrong in its own words
            self._file.close()
            raise FileError(f"{path}: not a Parquet file ({exc})") from None
        self.total_bytes = os.fstat(self._file.fileno()).st_size
        self.rows_total = self._parquet.metadata.num_rows
        self.bytes_read = 0
        self._json_fields = {f.name for f in check.info.fields if f.kind == "JSON"}

    def __enter__(self) -> "ParquetRows":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def __iter__(self) -> Iterator[Item]:
        number = 0
        per_row = self.total_bytes / max(self.rows_total, 1)
        try:
            batches = self._parquet.iter_batches(batch_size=READ_BATCH_ROWS)
            for batch in batches:
                rows = batch.to_pylist()
                size = max(int(batch.nbytes / max(len(rows), 1)), 1)
                for row in rows:
                    number += 1
                    yield self._item(number, row, size)
                self.bytes_read = min(int(number * per_row), self.total_bytes)
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            raise FileError(f"{self.path}: cannot read row {number + 1}: {exc}") from None

    def _item(self, number: int, raw: dict[str, Any], size: int) -> Item:
        try:
            return Item(number, "", size, self.check(self._row(raw)))
        except RowError as exc:
            return Item(number, _text(raw), size, error=exc)

    def _row(self, raw: dict[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for key, value in raw.items():
            if value is None:
                continue  # a missing value: a nullable field, a default, or a key this row lacks
            if key == META:
                row.update(_json_object(value, META))
            elif key in self._json_fields and isinstance(value, str):
                row[key] = _json_value(value, key)
            else:
                row[key] = value
        return row


def _json_value(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise RowError(f"not valid JSON text: {exc}", name) from None


def _json_object(value: Any, name: str) -> dict[str, Any]:
    found = _json_value(value, name) if isinstance(value, str) else value
    if not isinstance(found, dict):
        raise RowError("the dynamic field's column holds a JSON object", name)
    return found


def _text(raw: dict[str, Any]) -> str:
    """A row as one JSON line (a Parquet file's bad rows are set aside as JSON lines)."""
    return json.dumps(raw, ensure_ascii=False, default=lambda v: list(v) if isinstance(v, bytes) else str(v))


# -- writing -----------------------------------------------------------------------------------------

def _arrow_type(pa: Any, field: FieldInfo) -> Any:
    scalar = {
        "BOOL": pa.bool_(), "INT8": pa.int8(), "INT16": pa.int16(), "INT32": pa.int32(), "INT64": pa.int64(),
        "FLOAT": pa.float32(), "DOUBLE": pa.float64(), "VARCHAR": pa.string(), "STRING": pa.string(),
        "JSON": pa.string(),
    }
    if field.kind in scalar:
        return scalar[field.kind]
    if field.kind == "FLOAT_VECTOR":
        return pa.list_(pa.float32())
    if field.kind in ("BINARY_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR"):
        return pa.list_(pa.uint8())
    if field.kind == "ARRAY":
        element = FieldInfo(field.name, "", field.element_kind)
        return pa.list_(_arrow_type(pa, element))
    return pa.string()  # sparse vectors and anything else: JSON text


def _cell(field: FieldInfo | None, value: Any) -> Any:
    """A value as its column holds it: JSON text for JSON fields and sparse vectors, bytes as a list."""
    if value is None:
        return None
    if field is None or field.kind in ("JSON", "SPARSE_FLOAT_VECTOR") or field.kind not in _TYPED:
        return json.dumps(value, ensure_ascii=False, default=_plain)
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (bytes, bytearray)):
        return list(value[0])  # pymilvus gives a binary vector as [b'...']
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    tolist = getattr(value, "tolist", None)  # numpy arrays
    return tolist() if tolist is not None else value


_TYPED = frozenset({"BOOL", "INT8", "INT16", "INT32", "INT64", "FLOAT", "DOUBLE", "VARCHAR", "STRING",
                    "FLOAT_VECTOR", "BINARY_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR", "ARRAY"})


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    tolist = getattr(value, "tolist", None)
    return tolist() if tolist is not None else str(value)


class ParquetRowWriter:
    """A new Parquet file (made by safe_files.create_new: 0600, never over anything) of the fields
    ``columns`` names; keys outside the schema go to the ``$meta`` column. ``write`` a batch of row
    dicts at a time; ``close`` finishes the file, ``discard`` removes it (a failed or stopped export)."""

    def __init__(self, path: str, info: CollectionInfo, columns: Sequence[str]) -> None:
        pa, parquet = _pyarrow()
        self._pa = pa
        self.path = path
        self.rows = 0
        self.fields = [f for f in (info.field(c) for c in columns) if f is not None]
        self.extra = info.dynamic and any(info.field(c) is None for c in columns)
        arrow_fields = [pa.field(f.name, _arrow_type(pa, f)) for f in self.fields]
        if self.extra:
            arrow_fields.append(pa.field(META, pa.string()))
        self.schema = pa.schema(arrow_fields)
        try:
            self._fd = create_new(path)
        except Refused as exc:
            raise FileError(f"cannot write {path}: {exc.reason}") from None
        self._file = os.fdopen(os.dup(self._fd), "wb")
        self._writer = parquet.ParquetWriter(self._file, self.schema)
        self._known = {f.name for f in self.fields}

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        pa = self._pa
        arrays = [pa.array([_cell(f, r.get(f.name)) for r in rows], type=_arrow_type(pa, f)) for f in self.fields]
        if self.extra:
            known = self._known
            arrays.append(pa.array([json.dumps({k: v for k, v in r.items() if k not in known},
                                               ensure_ascii=False, default=_plain) for r in rows], type=pa.string()))
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.rows += len(rows)

    def close(self) -> None:
        self._writer.close()
        self._file.close()
        os.close(self._fd)

    def discard(self) -> None:
        try:
            self._writer.close()
        except Exception:  # noqa: BLE001 - the file goes anyway
            pass
        self._file.close()
        remove_created(self.path, self._fd)
        os.close(self._fd)
