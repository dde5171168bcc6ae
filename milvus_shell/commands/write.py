"""Writing rows: insert, upsert (a JSON row or array on the line, or a file), delete (by filter or ids).

A file is read lazily (rowfiles.py) and sent in batches bounded by rows and by bytes, so memory stays
flat and no request nears the server's message limit. Before each batch the handler reports progress
through ``ctx.progress``: that is also where a command abandoned by Ctrl-C stops (the interactive
runner refuses a progress report from an abandoned worker), so nothing is sent after Ctrl-C but the
batch already on its way. What went in is kept in a ``Tally`` that the shell asks, on the main thread,
when it reports "cancelled" (``ctx.cancel_note``).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from ..catalog import CollectionInfo, FieldInfo, ServerCapabilities
from ..context import ShellContext
from ..errors import Cancelled, ServerError, UsageError
from ..expr import one_of
from ..results import Message
from ..badlines import BadLines
from ..batch_keys import BatchKeys, repeated_key
from ..load_progress import Progress, Tally, rate
from ..rowcheck import RowChecker, RowError
from ..parquetfiles import open_row_file
from ..rowfiles import FORMATS, FileError
from ..session_api import ServerSession
from ..tokens import tokenize
from ..wording import Context, reraise
from .spec import Command, Effect, Invocation, Kind, Option, Positional

BATCH_BYTES = 16 * 1024 * 1024  # of source text per batch: far under the server's 256 MB message limit
BATCH_ROWS = 5000  # rows per batch at most
SHOWN_IDS = 20  # an insert of at most this many rows says the primary keys they got


# -- insert and upsert -------------------------------------------------------------------------------

def insert(ctx: ShellContext, inv: Invocation) -> Message:
    return _write(ctx, inv, "insert")


def upsert(ctx: ShellContext, inv: Invocation) -> Message:
    return _write(ctx, inv, "upsert")


def _write(ctx: ShellContext, inv: Invocation, verb: str) -> Message:
    name = inv.arg("COLLECTION")
    value, path = inv.arg("JSON"), inv.opt("file")
    if (value is None) == (path is None):
        raise UsageError(f"{verb} needs rows: a JSON row or array on the line, or --file PATH (one of the two)",
                         f"e.g. {verb} {name} '{{\"id\": 1, \"vector\": [0.1, 0.2]}}' or {verb} {name} --file rows.jsonl")
    if value is not None and (inv.opt("skip_bad") or inv.opt("file_format")):
        raise UsageError("--skip-bad and --file-format go with --file")
    session = ctx.session()
    info = session.describe_collection(name)
    send = session.upsert if verb == "upsert" else session.insert
    partition = inv.opt("partition") or ""
    if value is not None:
        return _write_inline(session, info, send, value, partition, verb, inv.opt("batch") or BATCH_ROWS)
    return _write_file(ctx, info, send, path, partition, verb, inv, session.server)


def _write_inline(session: ServerSession, info: CollectionInfo, send: Callable[..., list[Any]], value: Any,
                  partition: str, verb: str, batch_rows: int) -> Message:
    rows = value if isinstance(value, list) else [value]
    if not rows:
        raise UsageError("no rows: the JSON array is empty")
    check = RowChecker(info, upsert=verb == "upsert", server=session.server)
    keys = BatchKeys(info.primary.name)
    checked: list[dict[str, Any]] = []
    for number, row in enumerate(rows, 1):
        which = f"row {number}: " if len(rows) > 1 else ""
        try:
            row = check(row)
        except RowError as exc:
            raise UsageError(f"{which}{exc}; nothing was sent", _hint(exc, info)) from None
        earlier = keys.seen(row)
        if earlier is not None and verb == "insert":
            twice = repeated_key(info.primary.name, row[info.primary.name], earlier[0], "row")
            raise UsageError(f"{which}{twice}; nothing was sent", _hint(twice, info))
        if earlier is not None:
            keys.fold(earlier[0], number)
            checked[earlier[1]] = row
        else:
            keys.add(row, number, len(checked))
            checked.append(row)
    started = time.perf_counter()
    ids: list[Any] = []
    done = 0
    for i in range(0, len(checked), batch_rows):
        part = checked[i:i + batch_rows]
        try:
            ids += send(info.name, part, partition)
        except ServerError as exc:
            reraise(exc, Context(after=_after(done, info.name)))
        done += len(part)
    text = f"{verb}ed {rate(done, time.perf_counter() - started)} into {info.name}"
    if keys.folded_count:
        text += "\n" + keys.folded_note("row")
    if ids and len(ids) <= SHOWN_IDS and (verb == "insert" and info.primary.auto_id):
        text += f"\n{info.primary.name}: " + ", ".join(str(i) for i in ids)
    return Message(text)


def _write_file(ctx: ShellContext, info: CollectionInfo, send: Callable[..., list[Any]], path: str,
                partition: str, verb: str, inv: Invocation, server: ServerCapabilities) -> Message:
    name = info.name
    max_rows = inv.opt("batch") or BATCH_ROWS

    def waiting() -> None:  # a pipe with nothing in it yet; Ctrl-C stops here
        ctx.progress(f"waiting for the rows of {path} to arrive")

    try:
        reader = open_row_file(path, info, upsert=verb == "upsert", fmt=inv.opt("file_format"), waiting=waiting,
                           server=server)
    except FileError as exc:
        raise UsageError(f"{exc}; nothing was {verb}ed", exc.hint or None) from None
    bad = BadLines(path) if inv.opt("skip_bad") else None
    if bad is not None:
        try:
            bad.open()  # before any row is sent: an existing PATH.bad is refused, never written
        except FileError as exc:
            reader.close()
            raise UsageError(f"{exc}; nothing was {verb}ed",
                             "remove it or move it aside (it may hold the bad lines of an earlier load), "
                             "then load again") from None
    tally = Tally(name, path, verb)
    ctx.cancel_note = tally.note
    progress = Progress(ctx, f"{verb}ing {path} into {name}", reader.total_bytes)
    batch: list[dict[str, Any]] = []
    size = 0
    first = last = 0
    keys = BatchKeys(info.primary.name)

    def flush() -> None:
        nonlocal batch, size
        progress.report(tally.rows, reader.bytes_read, force=True)  # Ctrl-C'd: Cancelled here
        tally.start(len(batch), (first, last))
        try:
            send(name, batch, partition)
        except ServerError as exc:
            tally.done(False)
            reraise(exc, Context(after=_after(tally.rows, name, (first, last), path)))
        tally.done(True)
        batch, size = [], 0
        keys.clear()

    cancelled = False
    try:
        with reader:
            for item in reader:
                if tally.stopped:  # Ctrl-C was reported: read no further
                    raise Cancelled()
                row = item.row
                earlier = keys.seen(row) if row is not None else None
                if row is not None and earlier is not None and verb == "insert":
                    item = item._replace(row=None, error=repeated_key(keys.primary, row[keys.primary], earlier[0]))
                elif row is not None and earlier is not None:  # upsert: the later row replaces the earlier
                    keys.fold(earlier[0], item.line)
                    batch[earlier[1]] = row
                    keys.add(row, item.line, earlier[1])
                    last = item.line
                    continue
                if item.error is not None:
                    if bad is None:
                        if batch:
                            flush()
                        raise UsageError(
                            f"{path}:{item.line}: {item.error}; {_went(tally.rows, name)}"
                            + (f" (every row before line {item.line:,})" if tally.rows else ""),
                            _hint(item.error, info) + "; fix the line and load the rest, or add --skip-bad "
                            "to set bad lines aside",
                        )
                    bad.header = reader.header
                    bad.write(item)
                    continue
                if batch and (len(batch) >= max_rows or size + item.size > BATCH_BYTES):
                    flush()
                if not batch:
                    first = item.line
                assert item.row is not None  # an Item without an error carries its row
                keys.add(item.row, item.line, len(batch))
                batch.append(item.row)
                size += item.size
                last = item.line
            if batch:
                flush()
    except FileError as exc:
        if batch:  # as for a bad row: the rows before it go in
            flush()
        raise UsageError(f"{exc}; {_went(tally.rows, name)}", exc.hint or None) from None
    except (Cancelled, KeyboardInterrupt):
        cancelled = True  # the shell asks tally.note for what went in
        raise
    finally:
        if bad is not None:
            bad.close()
        if not cancelled and ctx.cancel_note == tally.note:
            ctx.cancel_note = None
    seconds = time.perf_counter() - progress.started
    if tally.rows == 0 and not (bad and bad.count):
        return Message(f"{path} holds no rows: nothing was {verb}ed", "warning")
    if tally.rows == 0 and bad is not None:  # every row bad: the load failed
        raise UsageError(f"every row of {path} is bad: nothing was {verb}ed; {bad.count:,} bad "
                         f"line{'s' if bad.count != 1 else ''} written to {bad.path}",
                         "fix them and load that file")
    text = f"{verb}ed {rate(tally.rows, seconds)} from {path} into {name}"
    if keys.folded_count:
        text += "\n" + keys.folded_note()
    if bad is not None and bad.count:
        text += (f"\n{bad.count:,} bad line{'s' if bad.count != 1 else ''} skipped, written to {bad.path}"
                 " (fix and load that file)")
    return Message(text)


def _went(rows: int, name: str) -> str:
    return f"{rows:,} row{'s' if rows != 1 else ''} went into {name} before it" if rows else \
        f"no rows went into {name}"


def _hint(exc: RowError, info: CollectionInfo) -> str:
    field = info.field(exc.field) if exc.field else None
    if field is not None:
        return f"{field.name} is {field.type_name}" + (f", {field.flags()}" if field.flags() else "")
    return "its fields: " + ", ".join(f"{f.name} {f.type_name}" for f in info.fields)


def _after(done: int, name: str, lines: tuple[int, int] | None = None, path: str = "") -> str:
    """What a failed write adds to the server's words: which batch, and what went in before it."""
    where = f" (the batch of lines {lines[0]:,} to {lines[1]:,} of {path})" if lines else ""
    return f"{where}; {_went(done, name)}"


# -- delete ------------------------------------------------------------------------------------------

def _id_words(inv: Invocation) -> list[str]:
    """The ids after ``--ids``, each word as the shell reads it (its quotes removed); a comma between
    ids in one unquoted word separates them (``1,2 3``), a quoted word is one id (``'a,b'``)."""
    words: list[str] = []
    for start, end in inv.spans.get("FILTER", ()):
        for statement in tokenize(inv.text[start:end]):
            for tok in statement.tokens:
                words += [tok.value] if tok.quoted else [w for w in tok.value.split(",") if w]
    return words


def _pk_values(pk: FieldInfo, words: list[str]) -> list[Any]:
    if not words:
        raise UsageError("--ids needs primary keys: delete COLLECTION --ids 1 2 3")
    if not pk.is_integer:
        return words
    values = []
    for w in words:
        try:
            values.append(int(w))
        except ValueError:
            raise UsageError(f"{w!r} is not a valid id: {pk.name} is {pk.type_name}") from None
    return values


def _target(ctx: ShellContext, inv: Invocation) -> tuple[ServerSession, str, str, list[Any] | None]:
    """(session, collection, the filter to count with and then send, ids or None)."""
    name = inv.arg("COLLECTION")
    text = inv.arg("FILTER", "") or ""
    session = ctx.session()
    if not text.strip():
        raise UsageError("delete needs a FILTER or --ids ID ...",
                         f"e.g. delete {name} year < 1950, or delete {name} --ids 1 2 3 "
                         f"(drop collection {name} removes everything)")
    if not inv.opt("ids"):
        return session, name, text.strip(), None
    pk = session.describe_collection(name).primary
    ids = _pk_values(pk, _id_words(inv))
    return session, name, one_of(pk.name, ids), ids


def _matching(session: ServerSession, name: str, expr: str) -> int | None:
    """How many rows match ``expr``; None when the server cannot count them now (not loaded)."""
    try:
        return session.count(name, expr)
    except ServerError as exc:
        if exc.kind == "not-loaded":
            return None
        raise


def delete_loss(ctx: ShellContext, inv: Invocation) -> str:
    session, name, expr, ids = _target(ctx, inv)
    matching = _matching(session, name, expr)
    where = f" in partition {inv.opt('partition')!r}" if inv.opt("partition") else ""
    what = f"with primary key {', '.join(map(str, ids))}" if ids is not None else f"matching {expr}"
    if matching is None:
        return (f"delete the rows of {name!r}{where} {what} (how many cannot be counted: the collection "
                "is not loaded)")
    rows = f"{matching:,} row{'s' if matching != 1 else ''}"
    return f"delete {'up to ' if where else ''}{rows} of {name!r}{where} {what} (this cannot be undone)"


def delete(ctx: ShellContext, inv: Invocation) -> Message:
    session, name, expr, ids = _target(ctx, inv)
    partition = inv.opt("partition") or ""
    before = _matching(session, name, expr) if not partition else None
    session.delete(name, expr, partition)
    if before is None:
        return Message(f"deleted the rows of {name} " + (f"with primary key in {ids}" if ids is not None
                                                          else f"matching {expr}"))
    return Message(f"deleted {before:,} row{'s' if before != 1 else ''} from {name}")


# -- the table -----------------------------------------------------------------------------------------

_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)


def _write_options(verb: str) -> tuple[Option, ...]:
    return (
        Option("--file", f"rows to {verb} from a file: JSON lines, a JSON array, CSV, or Parquet", Kind.PATH, "PATH"),
        Option("--partition", f"{verb} into this partition", Kind.PARTITION, "P"),
        Option("--skip-bad", "go on past bad rows, writing them to PATH.bad (with --file)"),
        Option("--file-format", "how to read the file (default: from its name, else its first character)",
               Kind.CHOICE, "FORMAT", choices=FORMATS),
        Option("--batch", f"rows per request at most (default {BATCH_ROWS}; a request also stays under "
               f"{BATCH_BYTES // 2**20} MB)", Kind.INTEGER, "N", bounds=(1, 100_000)),
    )


_LOADING_DETAILS = (
    "Rows are checked against the collection's schema before they are sent; a bad row stops a file "
    "with its line, field and reason, and the rows before it are in (--skip-bad writes bad lines to "
    "PATH.bad and goes on). A file is read as it is sent, in batches bounded by rows and bytes, with "
    "progress on a terminal; Ctrl-C stops before the next batch and says how many rows went in. "
    "See docs/loading.md."
)

_ROWS_JSON = Positional("JSON", Kind.JSON, "a row (a JSON object) or a JSON array of rows")

COMMANDS = (
    Command(
        name="insert",
        changes=frozenset({Effect.ROWS}),
        summary="Add rows to a collection: a JSON row or array on the line, or a file",
        handler=insert,
        positionals=(_COLLECTION, _ROWS_JSON),
        options=_write_options("insert"),
        examples=(
            "insert books '{\"id\": 1, \"title\": \"Dune\", \"year\": 1965, \"vector\": [0.1, 0.2, 0.3, 0.4]}'",
            "insert books --file docs/data/books.jsonl",
            "insert books --file books.csv --skip-bad",
        ),
        details=_LOADING_DETAILS + " Insert never replaces: a primary key already there gives a second "
        "row with it (use upsert to replace).",
    ),
    Command(
        name="upsert",
        changes=frozenset({Effect.ROWS}),
        summary="Add rows, replacing those whose primary key is already there",
        handler=upsert,
        positionals=(_COLLECTION, _ROWS_JSON),
        options=_write_options("upsert"),
        examples=(
            "upsert books '{\"id\": 1, \"title\": \"Dune\", \"year\": 1965, \"vector\": [0.1, 0.2, 0.3, 0.4]}'",
            "upsert books --file changes.jsonl",
        ),
        details=_LOADING_DETAILS,
    ),
    Command(
        name="delete",
        changes=frozenset({Effect.ROWS}),
        summary="Delete the rows matching FILTER, or with the primary keys given after --ids",
        handler=delete,
        positionals=(_COLLECTION, Positional(
            "FILTER", Kind.TEXT, "a filter expression (or, with --ids, primary keys)", repeat=True)),
        options=(
            Option("--ids", "the words after COLLECTION are primary keys, not a filter"),
            Option("--partition", "delete only in this partition", Kind.PARTITION, "P"),
        ),
        examples=("delete books year < 1950", "delete books --ids 1 2 3", "delete books title like 'Draft%' --yes"),
        details="Asks first, saying how many rows match (a script must add --yes). Milvus 2.3.5 deletes by "
        "a filter only in a loaded collection; by primary key always.",
        destroys=delete_loss,
    ),
)
