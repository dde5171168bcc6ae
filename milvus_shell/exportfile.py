"""``query … --output FILE``: rows streamed into a new file, a batch at a time, in any output format.

Parquet goes through parquetfiles.ParquetRowWriter (the layout import jobs take); the text formats
through the same formatting as the screen (formats.stream_chunks). The file is made by
safe_files.create_new (new, 0600, never through a link); when the export fails or Ctrl-C stops it,
the unfinished file is removed again, so a file that is there is whole.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Sequence

from .catalog import CollectionInfo
from .errors import UsageError
from .results import Message
from .rowfiles import FileError
from .safe_files import Refused, create_new, remove_created

PROGRESS_SECONDS = 0.1


def export_rows(batches: Any, info: CollectionInfo, fields: Sequence[str] | None, path: str, fmt: str,
                progress: Callable[[str], None]) -> Message:
    """Write every row of ``batches`` (a RowBatches) to ``path`` in ``fmt``; closes ``batches``."""
    started = time.perf_counter()
    try:
        if fmt == "parquet":
            rows = _parquet(batches, info, fields, path, progress)
        else:
            rows = _text(batches, info, fields, path, fmt, progress)
    finally:
        batches.close()
    seconds = time.perf_counter() - started
    return Message(f"wrote {rows:,} row{'s' if rows != 1 else ''} of {info.name} to {path} ({fmt}) "
                   f"in {seconds:.1f} s")


def _said(path: str, rows: int, progress: Callable[[str], None]) -> None:
    progress(f"writing {path}: {rows:,} rows")


def _parquet(batches: Any, info: CollectionInfo, fields: Sequence[str] | None, path: str,
             progress: Callable[[str], None]) -> int:
    from .parquetfiles import ParquetRowWriter  # noqa: PLC0415 - pyarrow only for a Parquet export
    from .rowshape import columns_of  # noqa: PLC0415

    iterator = iter(batches)
    head: list[dict[str, Any]] = next(iterator, [])
    columns = columns_of(info, head, fields)
    if not head and info.dynamic and not fields:
        columns.append("$meta")  # an empty export still has the column an import of the schema expects
    try:
        writer = ParquetRowWriter(path, info, columns)
    except FileError as exc:
        raise UsageError(str(exc)) from None
    try:
        writer.write(head)
        del head
        for batch in iterator:
            _said(path, writer.rows, progress)  # Ctrl-C'd: stops here, and the file goes
            writer.write(batch)
    except BaseException:
        writer.discard()
        raise
    writer.close()
    return writer.rows


def _text(batches: Any, info: CollectionInfo, fields: Sequence[str] | None, path: str, fmt: str,
          progress: Callable[[str], None]) -> int:
    from .formats import stream_chunks  # noqa: PLC0415
    from .rowshape import stream_table  # noqa: PLC0415

    try:
        fd = create_new(path)
    except Refused as exc:
        raise UsageError(f"cannot write {path}: {exc.reason}", "name a new file: --output never replaces one") from None
    rows = 0
    try:
        stream = stream_table(info, batches, fields)

        def counted() -> Any:
            nonlocal rows
            for batch in stream.batches:
                _said(path, rows, progress)
                rows += len(batch)
                yield batch

        from dataclasses import replace  # noqa: PLC0415

        with os.fdopen(os.dup(fd), "w", encoding="utf-8", newline="") as out:
            for chunk in stream_chunks(replace(stream, batches=counted()), fmt, 100):
                out.write(chunk)
    except BaseException:
        remove_created(path, fd)
        os.close(fd)
        raise
    os.close(fd)
    return rows
