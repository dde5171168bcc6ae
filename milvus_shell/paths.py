"""Where the shell keeps its files (XDG base directories). Everything it creates is private (0700/0600)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

APP = "milvus-shell"


def _base(env: Mapping[str, str], var: str, fallback: str) -> Path:
    value = env.get(var, "")
    if value and os.path.isabs(value):
        return Path(value) / APP
    return Path(env.get("HOME") or os.path.expanduser("~")) / fallback / APP


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    return _base(env, "XDG_DATA_HOME", ".local/share")


def state_dir(env: Mapping[str, str] = os.environ) -> Path:
    return _base(env, "XDG_STATE_HOME", ".local/state")


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    return _base(env, "XDG_CONFIG_HOME", ".config")


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the user only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_lite_dir(env: Mapping[str, str] = os.environ) -> Path:
    return data_dir(env) / "lite.db"
