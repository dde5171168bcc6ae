"""The pandas stand-in (backend/deferred_pandas.py) in a fresh interpreter: a version asked for is the
real one (an embedded Milvus Lite's insert asks for it), other dunders do not import pandas."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from transcripts import ROOT


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_version_of_pandas_is_the_real_one():
    out = run("""
        import sys
        from milvus_shell.backend import deferred_pandas
        deferred_pandas.install()
        import pandas
        before = deferred_pandas.real_pandas_loaded()
        print(before, pandas.__version__ == __import__("importlib.metadata").metadata.version("pandas"))
    """)
    assert out == "False True"


def test_other_dunders_do_not_import_pandas():
    out = run("""
        from milvus_shell.backend import deferred_pandas
        deferred_pandas.install()
        import pandas
        print(getattr(pandas, "__wrapped__", None), getattr(pandas, "__file__", None),
              deferred_pandas.real_pandas_loaded())
    """)
    assert out == "None None False"
