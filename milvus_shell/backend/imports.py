"""Import jobs and refresh_load, mixed into backend.Session.

Milvus's import RPCs (Import, GetImportState, ListImportTasks) have no MilvusClient wrapper in
pymilvus 3.0; they are called on the session's own connection handler, bounded by its timeout like
every call. Milvus has no call that cancels an import job.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..errors import ServerError
from ..import_jobs import ImportJob
from ..wording import Context, reraise, server_shown, worded

LIST_LIMIT = 0  # ListImportTasks: 0 asks for every job the server remembers

NO_IMPORT_JOBS = "import jobs; use insert --file"


class ImportOps:
    """import, show imports, show import, cancel import and refresh, for backend.Session."""

    client: Any
    call: Callable[..., Any]
    server: Any

    def _import_handler(self) -> Any:
        self._check_imports()
        return self.client._get_connection()  # noqa: SLF001 - no public wrapper for the import RPCs

    def _check_imports(self) -> None:
        if self.server.is_lite or not self.server.import_jobs:
            who = "Milvus Lite" if self.server.is_lite else server_shown(self)
            raise ServerError(f"not supported by {who}: {NO_IMPORT_JOBS}", "unsupported")

    def start_import(self, collection: str, files: Sequence[str], partition: str = "") -> int:
        """Start one job reading ``files`` (one row-based file, or .npy files together); its id."""
        handler = self._import_handler()
        with worded(self, collection=collection, partition=partition,
                    action=f"import {', '.join(files)} into {collection!r}"):
            return int(self.call(handler.do_bulk_insert, collection, partition or "", list(files)))

    def import_job(self, job_id: int) -> ImportJob:
        handler = self._import_handler()
        missing = ServerError(f"import job {job_id} not found on {server_shown(self)}", "import-not-found",
                              "show imports lists the jobs it remembers")
        try:
            state = self.call(handler.get_bulk_insert_state, job_id)
        except ServerError as exc:
            if "not found" in exc.message.lower():  # Milvus 2.3.5: "key not found[key=…/importtask/ID]"
                raise missing from exc
            reraise(exc, Context(action=f"tell the state of import job {job_id}"), self)
        job = _job(state)
        if job.state == "unknown" or (not job.collection and not job.files):
            raise missing
        return job

    def list_imports(self, collection: str = "") -> list[ImportJob]:
        handler = self._import_handler()
        with worded(self, collection=collection):
            tasks = self.call(handler.list_bulk_insert_tasks, LIST_LIMIT, collection or "")
        return [_job(t) for t in tasks]

    def cancel_import(self, job_id: int) -> None:
        self._check_imports()
        raise ServerError(f"not supported by this server ({server_shown(self)}): cancelling an import job "
                          "(it has no call for it; the job runs to its end)", "unsupported",
                          f"show import {job_id} follows it; delete the rows it brought, or drop the "
                          "partition it went into, to undo it")

    def refresh_load(self, name: str, wait: float) -> None:
        """Make rows that arrived by import visible in a loaded collection (the server loads the new
        segments); waits up to ``wait`` seconds."""
        with worded(self, collection=name, action=f"refresh the load of {name!r}"):
            self.call(self.client.load_collection, name, refresh=True, timeout=wait)


def _job(state: Any) -> ImportJob:
    infos = dict(getattr(state, "infos", {}) or {})
    progress_text = str(infos.get("progress_percent", "")).strip()
    files = tuple(f for f in str(infos.get("files", "")).split(",") if f)
    return ImportJob(
        job_id=int(state.task_id),
        state=str(state.state_name).lower(),
        collection=str(infos.get("collection", "")),
        partition=str(infos.get("partition", "")),
        files=files,
        rows=int(state.row_count or 0),
        progress=int(float(progress_text)) if progress_text.replace(".", "", 1).isdigit() else None,
        reason=str(infos.get("failed_reason", "")),
        created=int(getattr(state, "create_timestamp", 0) or 0),
    )
