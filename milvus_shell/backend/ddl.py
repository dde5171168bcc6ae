"""Changing what a server holds: collections (and, as they come, databases, indexes, partitions,
aliases). The methods of DdlOps become methods of backend.Session."""

from __future__ import annotations

from typing import Any, Callable

from .explore import about


class DdlOps:
    """Schema changes, mixed into backend.Session; each call bounded by the session's timeout."""

    client: Any
    call: Callable[..., Any]

    def flush(self, name: str) -> None:
        """Seal the collection's growing segments and write them to storage."""
        with about(self, name):
            self.call(self.client.flush, name)

    def drop_collection(self, name: str) -> None:
        self.describe_collection(name)  # type: ignore[attr-defined]  # a missing name is an error, not a no-op
        with about(self, name):
            self.call(self.client.drop_collection, name)
