"""milvus-shell: an interactive shell for the Milvus vector database."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .registry import ConnectionRegistry

__all__ = ["ConnectionRegistry", "__version__"]


def __getattr__(name: str) -> object:
    if name == "ConnectionRegistry":
        from .registry import ConnectionRegistry  # noqa: PLC0415

        return ConnectionRegistry
    raise AttributeError(name)
