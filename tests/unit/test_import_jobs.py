"""Import jobs without a server: how files become jobs, how a job is said, and what Ctrl-C stops while
`import --wait` follows one (tests/server/test_import_server.py runs the same on Milvus 2.3.5)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from milvus_shell.commands import imports
from milvus_shell.errors import Cancelled, ServerError
from milvus_shell.import_jobs import ImportJob, failure_words, job_files


def test_row_files_are_jobs_of_their_own_and_numpy_files_one_job_together():
    assert job_files(["/a.json", "/b/id.npy", "/c.parquet", "/b/vector.NPY"]) == [
        ["/a.json"], ["/c.parquet"], ["/b/id.npy", "/b/vector.NPY"]]


def test_the_progress_line_says_state_rows_percent_and_time():
    job = ImportJob(7, "started", collection="books", rows=60_000, progress=40)
    assert job.progress_line(3.21) == "import job 7 into books: started, 60,000 rows, 40%, 3.2 s"
    assert ImportJob(7, "pending", collection="books").progress_line(0) == \
        "import job 7 into books: pending, 0 rows, 0.0 s"


@pytest.mark.parametrize("reason, meaning", [
    ("failed to get file size of 'x.json', error:stat x.json: no such file or directory", "found no file at x.json"),
    ("the field 'extra' is not defined in collection schema", "has no dynamic field"),
    ("value of field 'vector' is missed", "missing from the file"),
    ("unsupported file type: 'x.jsonl'", "imports JSON"),
    ("array size 3 doesn't equal to vector dimension 2 of field 'v'", "as long as the field's dimension"),
])
def test_a_failure_keeps_the_servers_reason_and_says_what_it_means(reason, meaning):
    job = ImportJob(9, "failed", collection="books", files=("x.json",), reason=reason)
    said = failure_words(job)
    assert said.startswith(f"import job 9 into books failed: {reason}")
    assert meaning in said


class _Jobs:
    """A session whose one job never ends; it records every call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def import_job(self, job_id: int) -> ImportJob:
        self.calls.append("import_job")
        return ImportJob(job_id, "started", collection="books", rows=10, progress=5)

    def cancel_import(self, job_id: int) -> None:  # pragma: no cover - must never be called
        self.calls.append("cancel_import")


def test_ctrl_c_stops_following_never_the_job(monkeypatch):
    monkeypatch.setattr(imports, "POLL_SECONDS", 0)
    drawn: list[str] = []

    def progress(text: str) -> None:
        drawn.append(text)
        if len(drawn) == 3:
            raise Cancelled()  # what the runner does to an abandoned worker's progress report

    ctx = SimpleNamespace(progress=progress, cancel_note=None)
    session = _Jobs()
    with pytest.raises(Cancelled):
        imports._follow(ctx, session, "books", [7], 60.0)
    assert session.calls == ["import_job"] * 3  # no cancel reached the server
    assert drawn[0] == "import job 7 into books: started, 10 rows, 5%, 0.0 s"


def test_the_note_on_ctrl_c_says_the_job_goes_on(monkeypatch):
    monkeypatch.setattr(imports, "POLL_SECONDS", 0)
    seen: list[str] = []

    def progress(text: str) -> None:
        seen.append(ctx.cancel_note())  # asked while following, as the shell asks on Ctrl-C
        raise Cancelled()

    ctx = SimpleNamespace(progress=progress, cancel_note=None)
    with pytest.raises(Cancelled):
        imports._follow(ctx, _Jobs(), "books", [7], 60.0)
    assert seen[0].startswith("stopped following import job 7; the server goes on importing: show import 7")
    assert ctx.cancel_note() == seen[0]  # kept for the shell, which asks it as it reports "cancelled"


def test_the_note_is_gone_once_the_jobs_end(monkeypatch):
    monkeypatch.setattr(imports, "POLL_SECONDS", 0)

    class Done(_Jobs):
        def import_job(self, job_id: int) -> ImportJob:
            return ImportJob(job_id, "completed", collection="books", rows=3, files=("/x.json",))

        def load_state(self, name: str):
            return SimpleNamespace(state="not loaded")

    ctx = SimpleNamespace(progress=lambda text: None, cancel_note=None)
    result = imports._follow(ctx, Done(), "books", [7], 60.0)
    assert ctx.cancel_note is None
    assert [m.text for m in result.parts] == [
        result.parts[0].text, "books is not loaded: load books makes the rows searchable"]
    assert result.parts[0].text.startswith("imported 3 rows from /x.json into books in ")


def test_following_gives_up_after_the_timeout_saying_the_job_goes_on(monkeypatch):
    monkeypatch.setattr(imports, "POLL_SECONDS", 0)
    ctx = SimpleNamespace(progress=lambda text: None, cancel_note=None)
    with pytest.raises(ServerError) as caught:
        imports._follow(ctx, _Jobs(), "books", [7], 0.001)
    assert "import job 7 into books has not ended after 0.001 s" in caught.value.message
    assert "show import 7" in caught.value.hint
