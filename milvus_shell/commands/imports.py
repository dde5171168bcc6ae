"""Server-side import jobs (import, show imports, show import, cancel import) and refresh.

``import`` names files already in the server's object storage; the server's data nodes read them, so
nothing streams through the shell. ``--wait`` follows the jobs with a progress line; Ctrl-C stops
following, never the job. When a job completes on a loaded collection the shell refreshes the load
(refresh_load), so the new rows are counted and searchable at once.
"""

from __future__ import annotations

import time

from ..context import ShellContext
from ..errors import Cancelled, ServerError, ShellError, UsageError
from ..import_jobs import ImportJob, failure_words, job_files
from ..results import Document, Group, Message, Result, Table
from ..session_api import ServerSession
from .spec import FORMAT_OPTION, Command, Effect, Invocation, Kind, Option, Positional

DEFAULT_IMPORT_WAIT = 3600.0  # seconds `import --wait` follows its jobs
DEFAULT_REFRESH_WAIT = 600.0  # seconds `refresh` waits for the reload
POLL_SECONDS = 0.5
LITE_REFUSAL = "not supported by Milvus Lite: import jobs; use insert --file"


def _import_session(ctx: ShellContext) -> ServerSession:
    session = ctx.session()
    if session.server.is_lite or not session.server.import_jobs:
        raise ServerError(LITE_REFUSAL if session.server.is_lite
                          else f"not supported by {session.server.label}: import jobs; use insert --file",
                          "unsupported")
    return session


# -- import --------------------------------------------------------------------------------------------

def import_files(ctx: ShellContext, inv: Invocation) -> Result:
    session = _import_session(ctx)
    name = inv.arg("COLLECTION")
    paths = list(inv.arg("PATH") or ())
    partition = inv.opt("partition") or ""
    real = session.describe_collection(name).name or name  # a missing collection is said before any job
    if partition and partition not in session.list_partitions(real):
        raise UsageError(f"partition {partition!r} not found in collection {real!r}",
                         f"show partitions {real} lists them; create partition {real} {partition} makes it")
    jobs = [session.start_import(real, files, partition) for files in job_files(paths)]
    if not inv.opt("wait"):
        follow = "; ".join(f"show import {j} follows it" for j in jobs)
        return Message(f"import job{'s' if len(jobs) > 1 else ''} {', '.join(map(str, jobs))} started "
                       f"for {real}: {follow} (import --wait waits for it)")
    return _follow(ctx, session, real, jobs, inv.opt("timeout") or DEFAULT_IMPORT_WAIT)


def _follow(ctx: ShellContext, session: ServerSession, name: str, job_ids: list[int], wait: float) -> Result:
    """Poll the jobs until each has ended (or ``wait`` passed), drawing the progress line."""
    started = time.monotonic()
    shown = ", ".join(map(str, job_ids))
    ctx.cancel_note = lambda: (f"stopped following import job {shown}; the server goes on importing: "
                               f"show import {job_ids[0]} tells its state (refresh {name} makes the rows "
                               "searchable once it completes)")
    finished: dict[int, ImportJob] = {}
    try:
        while len(finished) < len(job_ids):
            for job_id in job_ids:
                if job_id in finished:
                    continue
                job = session.import_job(job_id)
                ctx.progress(job.progress_line(time.monotonic() - started))  # Ctrl-C'd: stops here
                if job.done:
                    finished[job_id] = job
            if len(finished) < len(job_ids):
                if time.monotonic() - started > wait:
                    pending = [j for j in job_ids if j not in finished]
                    raise ServerError(
                        f"import job {pending[0]} into {name} has not ended after {wait:g} s", "still-importing",
                        f"it goes on on the server: show import {pending[0]} tells its state")
                time.sleep(POLL_SECONDS)
    except (Cancelled, KeyboardInterrupt):
        raise  # the note stays for the shell, which asks it when it says "cancelled"
    except BaseException:
        ctx.cancel_note = None
        raise
    ctx.cancel_note = None
    seconds = time.monotonic() - started
    jobs = [finished[j] for j in job_ids]
    failed = [j for j in jobs if j.failed]
    done = [j for j in jobs if j.completed]
    rows = sum(j.rows for j in done)
    if failed:
        went = (f"; job {', '.join(str(j.job_id) for j in done)} completed with {rows:,} rows" if done else "")
        raise ServerError("; ".join(failure_words(j) for j in failed) + went, "import-failed",
                          "show import JOB shows a job; fix the file in the server's storage and import it again")
    files = ", ".join(f for j in done for f in j.files)
    said = Message(f"imported {rows:,} row{'s' if rows != 1 else ''} from {files} into {name} in {seconds:.1f} s "
                   f"(job{'s' if len(done) > 1 else ''} {shown})")
    return Group((said, _after_import(session, name)))


def _after_import(session: ServerSession, name: str) -> Message:
    """Refresh a loaded collection so the imported rows count; else say what makes them searchable."""
    try:
        loaded = session.load_state(name).state == "loaded"
    except ShellError:
        loaded = False
    if not loaded:
        return Message(f"{name} is not loaded: load {name} makes the rows searchable")
    try:
        session.refresh_load(name, DEFAULT_REFRESH_WAIT)
    except ShellError as exc:
        return Message(f"the rows are not searchable yet: refreshing the load failed ({exc.message}); "
                       f"run: refresh {name}", "warning")
    return Message(f"refreshed the load of {name}: the new rows are counted and searchable")


# -- show imports, show import, cancel import --------------------------------------------------------------

_JOB_COLUMNS = ["job", "collection", "partition", "state", "rows", "progress", "files", "created", "reason"]


def _job_row(job: ImportJob) -> list[object]:
    progress = f"{job.progress}%" if job.progress is not None else ""
    return [job.job_id, job.collection, job.partition, job.state, job.rows, progress, ", ".join(job.files),
            job.created_text(), job.reason]


def show_imports(ctx: ShellContext, inv: Invocation) -> Table:
    session = _import_session(ctx)
    name = inv.arg("COLLECTION") or ""
    if name:
        name = session.describe_collection(name).name or name
    jobs = sorted(session.list_imports(name), key=lambda j: (j.created, j.job_id))
    return Table(_JOB_COLUMNS, [_job_row(j) for j in jobs])


def show_import(ctx: ShellContext, inv: Invocation) -> Document:
    job = _import_session(ctx).import_job(inv.arg("JOB"))
    facts = list(zip(_JOB_COLUMNS, _job_row(job)))
    if job.failed:
        facts.append(("said", failure_words(job)))
    return Document(facts)


def cancel_import(ctx: ShellContext, inv: Invocation) -> Message:
    session = _import_session(ctx)
    job_id = inv.arg("JOB")
    job = session.import_job(job_id)
    if job.done:
        return Message(f"import job {job_id} has already ended ({job.state}): nothing to cancel", "warning")
    session.cancel_import(job_id)
    return Message(f"cancelled import job {job_id}")


# -- refresh -------------------------------------------------------------------------------------------------

def refresh(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    name = inv.arg("COLLECTION")
    real = session.describe_collection(name).name or name
    if session.server.is_lite:  # it has no import jobs, and counts what is inserted at once
        return Message(f"{real}: Milvus Lite counts and searches new rows at once; nothing to refresh")
    if session.load_state(real).state != "loaded":
        raise UsageError(f"collection {real!r} is not loaded: refresh reloads a loaded collection",
                         f"load {real} loads every row it holds")
    started = time.monotonic()
    session.refresh_load(real, inv.opt("wait") or DEFAULT_REFRESH_WAIT)
    return Message(f"refreshed the load of {real} in {time.monotonic() - started:.1f} s: rows that arrived "
                   "since it was loaded (by import) are counted and searchable")


_COLLECTION = Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True)
_JOB = Positional("JOB", Kind.INTEGER, "an import job's id (import printed it; show imports lists them)",
                  required=True, bounds=(0, 2**63 - 1))

_IMPORT_DETAILS = (
    "Each PATH is a file in the server's object storage, named as the server sees it: on a standalone "
    "with local storage, a full path under its storage root (localStorage.path); on a cluster, the "
    "object's key in its bucket. The shell never copies files there (see docs/loading.md, \"Large data: "
    "import jobs\"). A JSON file ({\"rows\": [...]}) or a Parquet file is a job of its own; NumPy files "
    "(.npy, one per field) given together are one job. --wait follows the jobs with a progress line; "
    "Ctrl-C stops following, never the job. When a job completes on a loaded collection the shell "
    "refreshes the load, so the rows are counted and searchable at once. Milvus Lite has no import jobs."
)

COMMANDS = (
    Command(
        name="import",
        summary="Start server-side import jobs for files already in the server's object storage",
        handler=import_files,
        positionals=(_COLLECTION, Positional("PATH", Kind.PATH, "a file in the server's storage, as the server "
                                             "names it", required=True, repeat=True)),
        options=(
            Option("--partition", "import into this partition", Kind.PARTITION, "P"),
            Option("--wait", "follow the jobs until they end, with progress (Ctrl-C stops following)"),
            Option("--timeout", f"with --wait: seconds to follow at most (default {DEFAULT_IMPORT_WAIT:g})",
                   Kind.NUMBER, "SECONDS", bounds=(0.001, 7 * 86400)),
        ),
        examples=(
            "import books /var/lib/milvus/data/import/books.json --wait",
            "import books import/books.parquet --partition classics",
            "import books import/b/id.npy import/b/vector.npy",
        ),
        details=_IMPORT_DETAILS,
        changes=frozenset({Effect.ROWS}),
    ),
    Command(
        name="show imports",
        summary="The import jobs the server remembers (of one collection, when given)",
        handler=show_imports,
        positionals=(Positional("COLLECTION", Kind.COLLECTION, "only this collection's jobs"),),
        options=(FORMAT_OPTION,),
        examples=("show imports", "show imports books"),
    ),
    Command(
        name="show import",
        summary="One import job: its state, rows, progress, files, and why it failed",
        handler=show_import,
        positionals=(_JOB,),
        options=(FORMAT_OPTION,),
        examples=("show import 447857983637340161", "watch 1 show import 447857983637340161"),
    ),
    Command(
        name="cancel import",
        summary="Stop an import job, where the server has a call for it (Milvus 2.3.5 has none)",
        handler=cancel_import,
        positionals=(_JOB,),
        examples=("cancel import 447857983637340161",),
        details="Where the server has no call that stops an import job, the shell says so, and how to undo one.",
        changes=frozenset({Effect.ROWS}),
    ),
    Command(
        name="refresh",
        summary="Reload a loaded collection so rows that arrived by import are counted and searchable",
        handler=refresh,
        positionals=(_COLLECTION,),
        options=(Option("--wait", f"seconds to wait for the reload (default {DEFAULT_REFRESH_WAIT:g})",
                        Kind.NUMBER, "SECONDS", bounds=(0.001, 86400)),),
        examples=("refresh books",),
        details="refresh_load: the server loads the segments an import added, keeping the collection loaded.",
        changes=frozenset({Effect.LOADED}),
    ),
)
