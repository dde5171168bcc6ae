"""A collection's layout: indexes, partitions and aliases (mixed into backend.Session via DdlOps).

Names are checked before each call: Milvus 2.3.5 accepts a duplicate partition and drops a missing
partition or alias without a word, where Milvus Lite says something terse ("p1"); checked here,
both say the same thing in words.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from ..catalog import CollectionInfo, IndexInfo
from ..errors import ServerError, UsageError
from ..schema_doc import IndexSpec
from ..wording import worded
from .schema import build_index_params

INDEX_POLL_SECONDS = 0.2


class LayoutOps:
    client: Any
    database: str
    call: Callable[..., Any]
    describe_collection: Callable[[str], CollectionInfo]
    list_indexes: Callable[[str], list[IndexInfo]]
    list_partitions: Callable[[str], list[str]]
    list_aliases: Callable[..., list[tuple[str, str]]]
    list_collections: Callable[[], list[str]]

    # -- indexes ------------------------------------------------------------------------------------
    def create_index(self, collection: str, index: IndexSpec, wait: float,
                     progress: Callable[[int, int], None] = lambda done, total: None) -> IndexInfo:
        """Build ``index`` and wait until the server has, up to ``wait`` seconds; ``progress`` hears
        (indexed rows, total rows) at every poll. Returns the index as the server describes it."""
        info = self.describe_collection(collection)
        real = info.name or collection
        if info.field(index.field) is None:
            raise ServerError(f"no field {index.field!r} in collection {real!r}", "no-field",
                              "its fields: " + ", ".join(info.field_names()))
        for existing in self.list_indexes(real):
            if existing.field == index.field:
                raise ServerError(
                    f"field {index.field!r} of {real!r} already has an index, {existing.name!r} ({existing.index_type})",
                    "exists", f"drop index {collection} {existing.name} first (after release {collection} if it is loaded)")
            if index.name and existing.name == index.name:
                raise ServerError(f"collection {real!r} already has an index named {index.name!r} (on field "
                                  f"{existing.field!r})", "exists", "--name NAME gives it another name")
        params = build_index_params(self.client, index)
        with worded(self, collection=collection, action=f"build a {index.type} index on {real}.{index.field}",
                    hint="help create index lists index types and parameters"):
            self.call(self.client.create_index, real, params, sync=False)
        started = time.monotonic()
        while True:
            built = next((i for i in self.list_indexes(real) if i.field == index.field), None)
            state = built.state if built is not None else ""
            done, total = (built.indexed_rows or 0, built.total_rows or 0) if built is not None else (0, 0)
            progress(done, total)
            if built is not None and state in ("Finished", ""):
                return built
            if state == "Failed":
                raise ServerError(f"the server failed to build index {built.name!r} on {real}.{index.field}",  # type: ignore[union-attr]
                                  "index-failed", f"show indexes {collection} shows it; drop it and try other parameters")
            if time.monotonic() - started > wait:
                raise ServerError(f"index on {real}.{index.field} is still building ({done}/{total} rows) after {wait:g} s",
                                  "still-building", f"it goes on building on the server; show indexes {collection} tells its progress")
            time.sleep(INDEX_POLL_SECONDS)

    def drop_index(self, collection: str, name: str) -> None:
        info = self.describe_collection(collection)
        real = info.name or collection
        names = [i.name for i in self.list_indexes(real)]
        if name not in names:
            raise ServerError(f"no index {name!r} on collection {real!r}", "index-not-found",
                              ("its indexes: " + ", ".join(names)) if names else "it has no index")
        with worded(self, collection=collection, dropping=("index", name)):
            self.call(self.client.drop_index, real, name)

    # -- partitions ---------------------------------------------------------------------------------
    def create_partition(self, collection: str, name: str) -> None:
        if name in self.list_partitions(collection):
            raise ServerError(f"partition {name!r} already exists in {collection!r}", "exists",
                              f"show partitions {collection} lists them")
        with worded(self, collection=collection, action=f"create partition {name!r} in {collection!r}"):
            self.call(self.client.create_partition, collection, name)

    def drop_partition(self, collection: str, name: str) -> None:
        if name == "_default":
            raise UsageError("the _default partition cannot be dropped")
        if name not in self.list_partitions(collection):
            raise ServerError(f"no partition {name!r} in {collection!r}", "partition-not-found",
                              f"show partitions {collection} lists them")
        with worded(self, collection=collection, action=f"drop partition {name!r} of {collection!r}",
                    dropping=("partition", name)):
            self.call(self.client.drop_partition, collection, name)

    # -- aliases ------------------------------------------------------------------------------------
    def alias_target(self, alias: str) -> str | None:
        """The collection ``alias`` points to, None when there is no such alias here."""
        return dict(self.list_aliases()).get(alias)

    def create_alias(self, alias: str, collection: str) -> None:
        real = self.describe_collection(collection).name or collection
        target = self.alias_target(alias)
        if target is not None:
            raise ServerError(f"alias {alias!r} already exists (for collection {target!r})", "exists",
                              f"alter alias {alias} {real} moves it")
        if alias in self.list_collections():
            raise ServerError(f"{alias!r} is already the name of a collection", "exists")
        with worded(self, action=f"create alias {alias!r}"):
            self.call(self.client.create_alias, real, alias)

    def alter_alias(self, alias: str, collection: str) -> str:
        """Point ``alias`` at ``collection``; returns the collection it pointed to before."""
        real = self.describe_collection(collection).name or collection
        before = self.alias_target(alias)
        if before is None:
            raise ServerError(f"alias {alias!r} not found in database {self.database or 'default'!r}",
                              "alias-not-found", f"create alias {alias} {real} makes it")
        with worded(self, action=f"move alias {alias!r} to {real!r}"):
            self.call(self.client.alter_alias, real, alias)
        return before

    def drop_alias(self, alias: str) -> None:
        if self.alias_target(alias) is None:
            raise ServerError(f"alias {alias!r} not found in database {self.database or 'default'!r}",
                              "alias-not-found", "show aliases lists them")
        with worded(self, action=f"drop alias {alias!r}"):
            self.call(self.client.drop_alias, alias)
