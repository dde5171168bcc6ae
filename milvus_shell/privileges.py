"""The access-control vocabulary of Milvus: object types and the privileges granted on each.

Plain data (no imports), shared by the command table (completion and checking of `grant`/`revoke`)
and the backend (a PERMISSION_DENIED names a privilege; the hint says on which object type it is
granted). Names as Milvus 2.3 spells them; Milvus matches them case-sensitively.
"""

from __future__ import annotations

OBJECT_TYPES = ("Collection", "Global", "User")

PRIVILEGES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "Collection": (
        "CreateIndex", "DropIndex", "IndexDetail", "Load", "GetLoadingProgress", "GetLoadState",
        "Release", "Insert", "Delete", "Upsert", "Search", "Flush", "GetFlushState", "Query",
        "GetStatistics", "Compaction", "Import", "LoadBalance", "CreatePartition", "DropPartition",
        "ShowPartitions", "HasPartition",
    ),
    "Global": (
        "All", "CreateCollection", "DropCollection", "DescribeCollection", "ShowCollections",
        "RenameCollection", "FlushAll", "CreateOwnership", "DropOwnership", "SelectOwnership",
        "ManageOwnership", "CreateResourceGroup", "DropResourceGroup", "DescribeResourceGroup",
        "ListResourceGroups", "TransferNode", "TransferReplica", "CreateDatabase", "DropDatabase",
        "ListDatabases", "CreateAlias", "DropAlias", "DescribeAlias", "ListAliases",
    ),
    "User": ("UpdateUser", "SelectUser"),
}

# Every privilege name once, in the order above; "*" stands for all privileges of the object type.
PRIVILEGES: tuple[str, ...] = tuple(dict.fromkeys(
    ["*"] + [p for names in PRIVILEGES_BY_TYPE.values() for p in names]))


def object_type_of(privilege: str) -> str | None:
    """The object type ``privilege`` is granted on (Query -> Collection), None when unknown."""
    for object_type, names in PRIVILEGES_BY_TYPE.items():
        if privilege in names:
            return object_type
    return None
