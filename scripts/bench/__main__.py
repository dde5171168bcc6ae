"""``python -m scripts.bench`` from the repository root (see scripts/bench/__init__.py)."""

import sys

if not __package__:  # `python scripts/bench`: make the repository root importable instead of this folder
    from pathlib import Path

    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(here.parents[1]))

from scripts.bench.main import main  # noqa: E402

sys.exit(main())
