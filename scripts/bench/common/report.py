"""The table of results the sections fill, notes, and the progress log."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

MILVUS_CLI_VERSION = "1.2.1"


@dataclass
class Row:
    what: str
    shell: str
    cli: str = ""
    budget: str = ""
    verdict: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # extra paragraphs for the doc (e.g. import profile)
    loads: list[str] = field(default_factory=list)  # 1-minute load average as each section began

    def row(self, *args: Any, **kwargs: Any) -> None:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        print(f"  | {row.what} | {row.shell} | {row.cli} | {row.budget} | {row.verdict}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def table(self) -> str:
        lines = [
            f"| Measure | milvus-shell | milvus_cli {MILVUS_CLI_VERSION} | Budget | Verdict |",
            "|---|---|---|---|---|",
        ]
        for r in self.rows:
            lines.append(f"| {r.what} | {r.shell} | {r.cli or '–'} | {r.budget or '–'} | {r.verdict or '–'} |")
        return "\n".join(lines)


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def verdict(ok: bool, text: str) -> str:
    return ("met: " if ok else "**MISSED**: ") + text

