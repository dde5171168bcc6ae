"""The benchmark package (scripts/bench) imports and starts: a broken import shows up in the fast tier.
No server; nothing is measured."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("startup", "overhead", "completion", "script", "query", "insert", "import", "search")


@pytest.fixture
def repo_root_importable(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))


@pytest.mark.parametrize("name", SECTIONS)
def test_every_section_module_imports(repo_root_importable, name):
    bench = importlib.import_module("scripts.bench")
    assert tuple(bench.SECTIONS) == SECTIONS
    module = importlib.import_module(f"scripts.bench.{name}")
    assert callable(module.run)


def test_help_of_the_entry_point_exits_0():
    done = subprocess.run([sys.executable, "-m", "scripts.bench", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--only" in done.stdout and "--write" in done.stdout and "--quick" in done.stdout


def test_the_doc_writer_finds_the_hand_written_part(repo_root_importable):
    doc = importlib.import_module("scripts.bench.common.doc")
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    kept = doc.kept_part(text)
    assert kept and text.endswith(kept), "docs/performance.md has lost the marker --write keeps the analysis below"


def test_the_bench_uses_no_test_helpers():
    for path in (ROOT / "scripts" / "bench").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "harness" not in source and "fake_sessions" not in source, path
