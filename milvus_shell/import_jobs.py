"""Server-side import jobs as plain data, and the words for them. Pure: no server, no pymilvus.

An import job reads files that are already in the server's object storage (the data nodes of a
cluster read them from S3/MinIO; a standalone with local storage reads them from its storage root).
The shell names the files; it never copies them anywhere.

How files become jobs (``job_files``): a row-based file (JSON ``{"rows": [...]}``, Parquet) is a job
of its own; NumPy files (``.npy``, one per field) given together are one column-based job.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# The states a job ends in; every other state is on its way.
DONE_STATES = frozenset({"completed", "failed", "failed and cleaned"})
FAILED_STATES = frozenset({"failed", "failed and cleaned"})
ROW_FILE_SUFFIXES = (".json", ".parquet")
COLUMN_FILE_SUFFIX = ".npy"


@dataclass(frozen=True)
class ImportJob:
    """One import job as the server reports it. ``state``: pending, started, persisted, completed,
    failed, failed and cleaned (lower case); ``progress`` in percent when the server says."""

    job_id: int
    state: str
    collection: str = ""
    partition: str = ""
    files: tuple[str, ...] = ()
    rows: int = 0
    progress: int | None = None
    reason: str = ""  # why it failed, in the server's words
    created: int = 0  # seconds since the epoch (0: not known)

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def failed(self) -> bool:
        return self.state in FAILED_STATES

    @property
    def completed(self) -> bool:
        return self.state == "completed"

    def created_text(self) -> str:
        if not self.created:
            return ""
        return datetime.datetime.fromtimestamp(self.created).strftime("%Y-%m-%d %H:%M:%S")

    def progress_line(self, seconds: float) -> str:
        """'import job 4471…: started, 60,000 rows, 40%, 3.2 s' (the --wait progress line)."""
        parts = [self.state, f"{self.rows:,} row{'s' if self.rows != 1 else ''}"]
        if self.progress is not None:
            parts.append(f"{self.progress}%")
        parts.append(f"{seconds:.1f} s")
        return f"import job {self.job_id} into {self.collection}: " + ", ".join(parts)


def job_files(paths: tuple[str, ...] | list[str]) -> list[list[str]]:
    """The files of each job to start: every row-based file alone, the .npy files together."""
    columns = [p for p in paths if p.lower().endswith(COLUMN_FILE_SUFFIX)]
    jobs = [[p] for p in paths if not p.lower().endswith(COLUMN_FILE_SUFFIX)]
    if columns:
        jobs.append(columns)
    return jobs


def failure_words(job: ImportJob) -> str:
    """Why a job failed, said for the person who started it: the server's reason, and what it means."""
    reason = job.reason.strip() or "the server gave no reason"
    low = reason.lower()
    files = ", ".join(job.files) or "its files"
    if "no such file" in low or "failed to get file size" in low:
        meaning = (f"the server found no file at {files}: a path is read inside the server's own storage "
                   "(a standalone's storage root, a cluster's bucket), by its full path there")
    elif "unsupported file type" in low:
        meaning = f"{files}: this server imports JSON ({{\"rows\": [...]}}), Parquet and NumPy (.npy) files"
    elif "is missed" in low or "missing" in low:
        meaning = "a field of the collection is missing from the file"
    elif "not defined in" in low or "not in schema" in low:
        meaning = "the file has a field the collection does not, and the collection has no dynamic field"
    elif "dimension" in low:
        meaning = "a vector in the file is not as long as the field's dimension"
    elif "field" in low:
        meaning = "the file's fields do not match the collection's"
    else:
        meaning = ""
    said = f"import job {job.job_id} into {job.collection or 'the collection'} failed: {reason}"
    return said + (f" ({meaning})" if meaning else "")
