"""What a server holds, as plain data: the backend fills these, commands and the cache read them.

Nothing here imports pymilvus; type names are already human (``Int64``, ``VarChar(256)``,
``FloatVector(dim 768)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from typing import Any, Mapping


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type_name: str  # for people: VarChar(256), FloatVector(dim 4), Array(VarChar(32), capacity 8)
    kind: str  # the server's type: INT64, VARCHAR, FLOAT_VECTOR, ...
    primary: bool = False
    auto_id: bool = False
    nullable: bool = False
    default: Any = None
    has_default: bool = False
    description: str = ""
    dim: int | None = None
    partition_key: bool = False
    clustering_key: bool = False
    function_output: bool = False
    max_length: int | None = None  # VarChar, and the elements of an Array of VarChar
    element_kind: str = ""  # Array: its elements' type (INT64, VARCHAR, ...)
    max_capacity: int | None = None  # Array: at most this many elements
    enable_analyzer: bool = False  # VarChar: its text is split into words (a BM25 function's input)
    analyzer_params: Mapping[str, Any] | None = None  # how: {"tokenizer": "standard", ...}; None: the default
    enable_match: bool = False  # VarChar: TEXT_MATCH filters may use it

    @property
    def is_vector(self) -> bool:
        return self.kind.endswith("_VECTOR")

    @property
    def is_integer(self) -> bool:
        return self.kind in ("INT8", "INT16", "INT32", "INT64")

    def flags(self) -> str:
        """Primary key, auto id, nullable, ... in a few words."""
        words = []
        if self.primary:
            words.append("primary key")
        if self.auto_id:
            words.append("auto id")
        if self.partition_key:
            words.append("partition key")
        if self.clustering_key:
            words.append("clustering key")
        if self.nullable:
            words.append("nullable")
        if self.has_default:
            words.append(f"default {self.default!r}")
        if self.function_output:
            words.append("function output")
        if self.enable_analyzer:
            words.append("analyzer")
        if self.enable_match:
            words.append("text match")
        return ", ".join(words)


@dataclass(frozen=True)
class IndexInfo:
    name: str
    field: str
    index_type: str
    metric_type: str = ""
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)
    state: str = ""
    indexed_rows: int | None = None
    total_rows: int | None = None
    pending_rows: int | None = None

    def params_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.params.items())


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    type_name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class CollectionInfo:
    """A collection's schema and settings (describe_collection), without per-call statistics."""

    name: str
    fields: tuple[FieldInfo, ...]
    description: str = ""
    dynamic: bool = False
    auto_id: bool = False
    consistency: str = ""
    shards: int | None = None
    functions: tuple[FunctionInfo, ...] = ()
    aliases: tuple[str, ...] = ()
    properties: Mapping[str, str] = dataclass_field(default_factory=dict)
    num_partitions: int | None = None  # as the server reports it (with a partition key: how many it made)

    @property
    def primary(self) -> FieldInfo:
        for f in self.fields:
            if f.primary:
                return f
        return self.fields[0]

    @property
    def vector_fields(self) -> tuple[FieldInfo, ...]:
        return tuple(f for f in self.fields if f.is_vector)

    def field(self, name: str) -> FieldInfo | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class LoadInfo:
    """Load state in words: loaded, loading (with progress), not loaded."""

    state: str
    progress: int | None = None

    def __str__(self) -> str:
        if self.state == "loading" and self.progress is not None:
            return f"loading ({self.progress}%)"
        return self.state


@dataclass(frozen=True)
class ServerInfo:
    version: str
    deploy_mode: str
    build_time: str = ""
    git_commit: str = ""
    healthy: bool = True
    health: str = ""
    round_trip_ms: float = 0.0


@dataclass(frozen=True)
class CollectionDetails:
    """Everything ``describe`` shows of one collection. ``statistics_rows`` is the server's estimate
    (Milvus counts flushed rows only); an exact count needs a loaded collection."""

    info: CollectionInfo
    indexes: tuple[IndexInfo, ...]
    partitions: tuple[str, ...]
    load: LoadInfo
    statistics_rows: int


@dataclass(frozen=True)
class CreatedCollection:
    """What ``create collection`` made: ``notes`` say what the server left out (descriptions on Milvus
    Lite); ``loaded`` when every vector field had an index, so it could be loaded at once."""

    name: str
    notes: tuple[str, ...] = ()
    loaded: bool = False


# Milvus refuses a query whose offset + limit exceeds this (its "max query result window").
MAX_QUERY_WINDOW = 16384


# -- access control and a server's inner state (backend/admin.py fills these) ----------------------

@dataclass(frozen=True)
class Grant:
    """One privilege a role holds on one object."""

    object_type: str  # Collection, Global, User
    object_name: str  # a collection, a user, or * for all
    privilege: str
    database: str = "*"
    grantor: str = ""
    role: str = ""


@dataclass(frozen=True)
class SegmentInfo:
    """One segment of a collection: from the data coordinator (flushed, sealed) and, when loaded,
    from the query nodes (growing ones too)."""

    segment_id: int
    partition: str
    state: str  # growing, sealed, flushing, flushed, importing, dropped
    rows: int
    level: str = ""
    index: str = ""  # the index name on a loaded segment, else ""
    nodes: tuple[int, ...] = ()  # query nodes holding it (empty: not loaded)


@dataclass(frozen=True)
class ReplicaInfo:
    replica_id: int
    nodes: tuple[int, ...]
    shards: tuple[tuple[str, int, tuple[int, ...]], ...]  # (channel, leader node, nodes)
    resource_group: str = ""


@dataclass(frozen=True)
class CompactionInfo:
    job_id: int
    state: str  # executing, completed, ...
    executing_plans: int = 0
    completed_plans: int = 0
    timed_out_plans: int = 0


@dataclass(frozen=True)
class NodeInfo:
    """One node of the server as its metrics API reports it (GetMetrics system_info)."""

    name: str
    role: str
    version: str = ""
    address: str = ""
    created: str = ""
    memory_used: int | None = None
    memory_total: int | None = None
    cpu_cores: int | None = None
    cpu_usage: float | None = None
    error: str = ""


@dataclass(frozen=True)
class ResourceGroupInfo:
    """A resource group: query nodes set apart for some collections' replicas (Milvus, not Lite)."""

    name: str
    capacity: int | None = None  # Milvus 2.3: how many nodes it may hold
    available_nodes: int = 0
    loaded_replicas: Mapping[str, int] = dataclass_field(default_factory=dict)  # collection -> replicas here
    incoming_nodes: Mapping[str, int] = dataclass_field(default_factory=dict)
    outgoing_nodes: Mapping[str, int] = dataclass_field(default_factory=dict)
    requests: int | None = None  # Milvus 2.4 on: nodes it asks for, and at most
    limits: int | None = None
    nodes: tuple[str, ...] = ()  # 'node 5 (host:port)'


# -- what a server is and what it implements (asked once, at connect) ------------------------------

@dataclass(frozen=True)
class ServerCapabilities:
    """The server behind a session: Lite or not, its version, and what it implements.

    Built once from the version the server reports (``capabilities_of``); commands ask these
    fields instead of testing version strings. The feature lists are measured (design.md, "What the
    servers here do"): Milvus Lite 3.2.2 and Milvus 2.3.5; a Milvus from 2.4 on has what 2.3 lacks
    (nullable fields from 2.5).
    """

    version_text: str = ""  # as reported: 'v2.3.5', 'milvus_lite-3.2.2'; '' before it answered
    is_lite: bool = False
    version: tuple[int, ...] = ()
    hybrid_search: bool = True
    search_grouping: bool = True  # Milvus 2.3 ignores group_by silently
    several_vector_fields: bool = True
    sparse_vectors: bool = True
    nullable_fields: bool = True
    users_and_roles: bool = True
    resource_groups: bool = True
    import_jobs: bool = True
    describe_database: bool = True
    compaction: bool = True
    metrics: bool = True
    functions: bool = True  # BM25 functions (from 2.5)
    analyzers: bool = True  # enable_analyzer, analyzer_params, enable_match on VarChar (from 2.5)
    clustering_keys: bool = True  # kept from 2.4; Milvus Lite accepts one and drops it
    partition_counts: bool = True  # num_partitions with a partition key; Milvus Lite always makes 16
    # VarChar max_length counts UTF-8 bytes (Milvus 2.3.5 refused 10 x "é" in a VarChar(10));
    # Milvus Lite counts characters.
    varchar_in_bytes: bool = False
    # The longest JSON value (compact, UTF-8) a JSON field takes: 65,536 bytes on Milvus 2.3.5
    # ("the length (200011) of json field (meta) exceeds max length (65536)"); None: no known bound.
    json_max_bytes: int | None = None
    # Searching a Float16 / BFloat16 field: Milvus 2.3.5 stores such vectors but a search of one gave
    # no hits, or a distance of 3e34 between a vector and itself (measured with pymilvus 3.0.2).
    half_float_search: bool = True
    partition_loading: bool = True  # load/release of single partitions (Milvus Lite loads whole collections)
    dropping_collection_properties: bool = True  # Milvus 2.3 keeps properties but cannot drop one
    resource_group_config: bool = True  # requests and limits of a resource group, from Milvus 2.4
    privilege_groups: bool = True  # privilege groups and the v2 privilege calls, from Milvus 2.5

    @property
    def label(self) -> str:
        """'Milvus v2.3.5', 'Milvus Lite 3.2.2', or 'this server' before the version is known."""
        if self.is_lite:  # it reports 'milvus_lite-3.2.2'
            return f"Milvus Lite {self.version_text.partition('-')[2]}".strip()
        return f"Milvus {self.version_text}" if self.version_text else "this server"


def _version_numbers(text: str) -> tuple[int, ...]:
    numbers = []
    for part in text.lstrip("v").split("-")[0].split("."):
        if not part.isdigit():
            break
        numbers.append(int(part))
    return tuple(numbers)


def capabilities_of(version_text: str) -> ServerCapabilities:
    """What a server reporting ``version_text`` implements (the one place that reads that string)."""
    if version_text.startswith("milvus_lite"):  # Milvus Lite reports 'milvus_lite-3.2.2'
        return ServerCapabilities(
            version_text=version_text, is_lite=True, version=_version_numbers(version_text.partition("-")[2]),
            users_and_roles=False, resource_groups=False, import_jobs=False, compaction=False, metrics=False,
            clustering_keys=False, partition_counts=False,
            partition_loading=False, resource_group_config=False, privilege_groups=False,
        )
    version = _version_numbers(version_text)
    modern = not version or version >= (2, 4)  # an unknown version is given the benefit of the doubt
    from_2_5 = not version or version >= (2, 5)
    return ServerCapabilities(
        version_text=version_text, version=version, hybrid_search=modern, search_grouping=modern,
        several_vector_fields=modern,
        sparse_vectors=modern, nullable_fields=from_2_5, describe_database=modern,
        functions=from_2_5, analyzers=from_2_5, clustering_keys=modern,
        varchar_in_bytes=True, json_max_bytes=65_536 if version and version < (2, 4) else None,
        half_float_search=modern,
        dropping_collection_properties=modern, resource_group_config=modern, privilege_groups=from_2_5,
    )
