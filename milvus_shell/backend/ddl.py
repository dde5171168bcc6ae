"""Changing what a server holds: databases and collections (indexes, partitions and aliases are in
backend/layout.py). The methods of DdlOps become methods of backend.Session.

Milvus 2.3.5 and Milvus Lite answer the same mistake differently, and sometimes not at all (2.3.5
accepts a duplicate collection of the same schema, drops a missing database or alias without a
word, silently ignores "nullable"): so names are checked before the call and the result after it,
and every refusal is said the same way on both.
"""

from __future__ import annotations

from typing import Any, Callable

from ..catalog import CollectionInfo, CreatedCollection, ServerCapabilities
from ..errors import ServerError, UsageError
from ..schema_doc import CollectionSpec
from ..schema_support import loosened, several_vector_fields, unsupported
from ..wording import NO_ANSWER_KINDS, Context, not_supported, reraise, server_shown, worded
from .layout import LayoutOps
from .schema import build_schema


class DdlOps(LayoutOps):
    """Schema changes, mixed into backend.Session; each call bounded by the session's timeout."""

    client: Any
    database: str
    server: ServerCapabilities
    timeout: float
    call: Callable[..., Any]
    describe_collection: Callable[[str], CollectionInfo]
    list_collections: Callable[[], list[str]]
    list_databases: Callable[[], list[str]]
    load_state: Callable[..., Any]

    # -- databases ----------------------------------------------------------------------------------
    def create_database(self, name: str) -> None:
        if name in self.list_databases():
            raise ServerError(f"database {name!r} already exists", "exists", "show databases lists them")
        with worded(self, action=f"create database {name!r}"):
            self.call(self.client.create_database, name)

    def drop_database(self, name: str) -> None:
        if name == "default":
            raise UsageError("the default database cannot be dropped")
        if name not in self.list_databases():
            raise ServerError(f"database {name!r} not found", "database-not-found", "show databases lists them")
        if name == (self.database or "default"):
            raise UsageError(f"database {name!r} is the one this connection uses",
                             "use database default first, then drop it")
        with worded(self, names=(("database", name),)):
            self.call(self.client.drop_database, name)

    # -- collections --------------------------------------------------------------------------------
    def create_collection(self, name: str, spec: CollectionSpec) -> CreatedCollection:
        """Make ``name`` as ``spec`` says, with its partitions and indexes; load it when every vector
        field has an index. All or nothing: when a part fails, the new collection is dropped again."""
        if name in self.list_collections():
            raise ServerError(f"collection {name!r} already exists in database {self.database or 'default'!r}",
                              "exists", f"describe {name} shows it; drop collection {name} first to replace it")
        lacking = unsupported(spec, self.server)
        if lacking:
            raise ServerError(not_supported(server_shown(self), ", ".join(lacking)) + "; nothing was created",
                              "unsupported")
        schema = build_schema(spec)
        kwargs: dict[str, Any] = {"schema": schema}
        if spec.consistency:
            kwargs["consistency_level"] = spec.consistency
        if spec.shards:
            kwargs["num_shards"] = spec.shards
        if spec.num_partitions is not None:
            kwargs["num_partitions"] = spec.num_partitions
        if spec.properties:
            kwargs["properties"] = dict(spec.properties)
        self._create(name, spec, kwargs)
        try:
            notes = self._check_kept(name, spec) + loosened(spec, self.server)
            for partition in spec.partitions:
                self.create_partition(name, partition)
            for index in spec.indexes:
                self.create_index(name, index, wait=self.timeout)
            indexed = {i.field for i in spec.indexes}
            loaded = all(f.name in indexed for f in spec.fields if f.is_vector)
            if loaded:
                with worded(self, collection=name):
                    self.call(self.client.load_collection, name)
        except BaseException:
            self._undo_create(name)
            raise
        return CreatedCollection(name, tuple(notes), loaded)

    def _create(self, name: str, spec: CollectionSpec, kwargs: dict[str, Any]) -> None:
        """The create call; a server with one vector field at most says why it refuses several."""
        several = several_vector_fields(spec, self.server)
        try:
            self.call(self.client.create_collection, name, **kwargs)
        except ServerError as exc:
            if several is None or exc.kind in NO_ANSWER_KINDS:
                reraise(exc, Context(action=f"create collection {name!r}"), self)
            said = not_supported(server_shown(self), "") + ": "  # the backend may have said it already
            reason = exc.message[len(said):] if exc.message.startswith(said) else exc.message
            raise ServerError(not_supported(server_shown(self), f"{several}: {reason}") + "; nothing was created",
                              "unsupported") from exc

    def _check_kept(self, name: str, spec: CollectionSpec) -> list[str]:
        """What the server silently left out: an error for what matters (nullable, functions, ...), notes
        for the rest. The capabilities refused what is known beforehand; this catches the servers they
        do not know."""
        info = self.describe_collection(name)
        lost: list[str] = []
        notes: list[str] = []
        for want in spec.fields:
            got = info.field(want.name)
            if got is None:
                lost.append(f"field {want.name!r}")
                continue
            if want.nullable and not got.nullable:
                lost.append(f"nullable fields ({want.name!r})")
            if want.has_default and not got.has_default:
                lost.append(f"default values ({want.name!r})")
            if want.partition_key and not got.partition_key:
                lost.append(f"partition keys ({want.name!r})")
            if want.clustering_key and not got.clustering_key:
                lost.append(f"clustering keys ({want.name!r})")
            if want.enable_analyzer and not got.enable_analyzer:
                lost.append(f"analyzers ({want.name!r})")
            if want.enable_match and not got.enable_match:
                lost.append(f"text match ({want.name!r})")
        kept_functions = {fn.name for fn in info.functions}
        lost += [f"functions ({fn.name!r})" for fn in spec.functions if fn.name not in kept_functions]
        lost += [f"properties ({key!r})" for key in spec.properties if key not in info.properties]
        if spec.dynamic_field and not info.dynamic:
            lost.append("a dynamic field")
        if lost:
            raise ServerError(f"not supported by this server ({server_shown(self)}): " + ", ".join(lost)
                              + "; nothing was created", "unsupported")
        described = [f.description for f in spec.fields if f.description] + [spec.description] * bool(spec.description)
        if described and not info.description and not any(f.description for f in info.fields):
            notes.append(f"{server_shown(self)} keeps no descriptions: they were left out")
        return notes

    def _undo_create(self, name: str) -> None:
        try:
            self.call(self.client.drop_collection, name)
        except Exception:  # noqa: BLE001 - the first failure is the one to report
            pass

    def drop_collection(self, name: str) -> None:
        self.describe_collection(name)  # a missing name is an error, not a no-op
        with worded(self, collection=name):
            self.call(self.client.drop_collection, name)

    def rename_collection(self, old: str, new: str) -> None:
        self.describe_collection(old)
        if new in self.list_collections():
            raise ServerError(f"collection {new!r} already exists in database {self.database or 'default'!r}",
                              "exists")
        with worded(self, collection=old, action=f"rename collection {old!r} to {new!r}"):
            self.call(self.client.rename_collection, old, new)

    def flush(self, name: str) -> None:
        """Seal the collection's growing segments and write them to storage."""
        with worded(self, collection=name):
            self.call(self.client.flush, name)
