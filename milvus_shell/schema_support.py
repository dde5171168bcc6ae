"""What of a CollectionSpec a server cannot hold, asked of its capabilities before anything is made.

Milvus 2.3.5 silently ignores nullable, functions and clustering keys and accepts a sparse field it
cannot index; Milvus Lite accepts a clustering key and drops it, and always makes 16 partitions for
a partition key. So these are refused up front, each named ("nullable fields ('year')"), instead of
being found missing after the collection is made. What only loosens a check (Milvus Lite keeps no
max_length for Array elements) is a note, as descriptions are.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .catalog import ServerCapabilities
from .schema_doc import CollectionSpec, FieldSpec

LITE_PARTITION_KEY_PARTITIONS = 16  # what Milvus Lite makes, whatever num_partitions says


def _named(what: str, names: Iterable[str]) -> str | None:
    names = list(names)
    return f"{what} ({', '.join(repr(n) for n in names)})" if names else None


def _fields(spec: CollectionSpec, test: Callable[[FieldSpec], bool]) -> list[str]:
    return [f.name for f in spec.fields if test(f)]


def unsupported(spec: CollectionSpec, server: ServerCapabilities) -> list[str]:
    """What ``spec`` asks that ``server`` does not keep, each with the names it concerns."""
    wanted: list[str | None] = []
    if not server.nullable_fields:
        wanted.append(_named("nullable fields", _fields(spec, lambda f: f.nullable)))
    if not server.sparse_vectors:
        wanted.append(_named("sparse vector fields", _fields(spec, lambda f: f.type == "SPARSE_FLOAT_VECTOR")))
    if not server.functions:
        wanted.append(_named("functions", (f"{fn.name}: {fn.type}" for fn in spec.functions)))
    if not server.analyzers:
        wanted.append(_named("analyzers", _fields(spec, lambda f: f.enable_analyzer)))
        wanted.append(_named("text match", _fields(spec, lambda f: f.enable_match)))
    if not server.clustering_keys:
        wanted.append(_named("clustering keys", _fields(spec, lambda f: f.clustering_key)))
    if (not server.partition_counts and spec.num_partitions is not None
            and spec.num_partitions != LITE_PARTITION_KEY_PARTITIONS):
        wanted.append(f"a partition key's partition count (num_partitions {spec.num_partitions}: it always "
                      f"makes {LITE_PARTITION_KEY_PARTITIONS})")
    return [w for w in wanted if w]


def several_vector_fields(spec: CollectionSpec, server: ServerCapabilities) -> str | None:
    """'several vector fields ('v', 'w')' when the server has one vector field at most (it says why)."""
    vectors = [f.name for f in spec.fields if f.is_vector]
    if server.several_vector_fields or len(vectors) < 2:
        return None
    return _named("several vector fields", vectors)


def loosened(spec: CollectionSpec, server: ServerCapabilities) -> list[str]:
    """Notes on what the server keeps more loosely than asked (not refused: the data is not changed)."""
    if not server.is_lite:
        return []
    arrays = _fields(spec, lambda f: f.type == "ARRAY" and f.max_length is not None)
    if not arrays:
        return []
    return [f"{server.label} keeps no max_length for Array elements: "
            + ", ".join(repr(a) for a in arrays) + " will take strings of any length"]
