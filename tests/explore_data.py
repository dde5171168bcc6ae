"""Collections the exploring tests look at, made with pymilvus directly on a real server.

``explore_books``: Int64 primary key, VarChar, Int32, Double, JSON, Array(VarChar), FloatVector(dim 4),
a dynamic field, partitions ``old`` and ``new``, an IVF_FLAT index ``emb_idx``, alias
``explore_novels``, BOOKS rows (more than the shell's default page of 100), Strong consistency so rows
are visible at once; loaded. ``explore_unloaded``: indexed, never loaded. Row ``i``'s vector is
``vector(i)``, so a search for it finds row ``i`` first, at distance 0.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

from pymilvus import DataType, MilvusClient

logging.getLogger("pymilvus").setLevel(logging.CRITICAL)

BOOKS = "explore_books"
ALIAS = "explore_novels"
UNLOADED = "explore_unloaded"
DATABASE = "explore_db"  # holds IN_DATABASE only
IN_DATABASE = "explore_shop_items"
ROWS = 250
WIDE_TITLE = "三体 The Three-Body Problem"  # wide characters, row 3


def vector(i: int) -> list[float]:
    return [i / ROWS, 1 - i / ROWS, (i % 7) / 7, (i % 3) / 3]


def book(i: int) -> dict:
    row = {
        "id": i,
        "title": WIDE_TITLE if i == 3 else f"book {i}",
        "year": 1900 + i,
        "price": round(i * 1.5, 2),
        "meta": {"n": i, "even": i % 2 == 0},
        "tags": ["even" if i % 2 == 0 else "odd", f"t{i % 5}"],
        "embedding": vector(i),
        "shelf": f"s{i % 4}",  # lands in the dynamic field
    }
    return row


def create_all(client_kwargs: dict) -> None:
    client = MilvusClient(**client_kwargs, dedicated=True)
    try:
        _books(client)
        _unloaded(client)
        _database(client, client_kwargs)
    finally:
        client.close()


@contextmanager
def scratch_collection(client_kwargs: dict, name: str, **create) -> Iterator[MilvusClient]:
    """A quick-setup collection ``name`` (``dimension=2``, loaded; ``create`` adds to the arguments),
    made afresh; dropped, and its client closed, afterwards."""
    client = MilvusClient(**client_kwargs, dedicated=True)
    try:
        if client.has_collection(name):
            client.drop_collection(name)
        client.create_collection(name, dimension=2, **create)
        yield client
    finally:
        client.drop_collection(name)
        client.close()


def _books(client: MilvusClient) -> None:
    if client.has_collection(BOOKS):
        client.drop_alias(ALIAS) if ALIAS in client.list_aliases().get("aliases", []) else None
        client.drop_collection(BOOKS)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True, description="Books for the tests")
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("title", DataType.VARCHAR, max_length=256)
    schema.add_field("year", DataType.INT32)
    schema.add_field("price", DataType.DOUBLE)
    schema.add_field("meta", DataType.JSON)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=8, max_length=32)
    schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=4)
    index = client.prepare_index_params()
    index.add_index("embedding", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 16}, index_name="emb_idx")
    client.create_collection(BOOKS, schema=schema, index_params=index, consistency_level="Strong")
    client.create_partition(BOOKS, "old")
    client.create_partition(BOOKS, "new")
    half = ROWS // 2
    client.insert(BOOKS, [book(i) for i in range(half)], partition_name="old")
    client.insert(BOOKS, [book(i) for i in range(half, ROWS)], partition_name="new")
    client.flush(BOOKS)
    client.create_alias(BOOKS, ALIAS)
    client.load_collection(BOOKS)


def _simple_schema(description: str):
    schema = MilvusClient.create_schema(auto_id=True, description=description)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("name", DataType.VARCHAR, max_length=64)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    return schema


def _unloaded(client: MilvusClient) -> None:
    if client.has_collection(UNLOADED):
        client.drop_collection(UNLOADED)
    client.create_collection(UNLOADED, schema=_simple_schema("never loaded"), consistency_level="Strong")
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_index(UNLOADED, index)
    client.insert(UNLOADED, [{"name": f"n{i}", "v": [i, i]} for i in range(5)])
    client.flush(UNLOADED)
    client.release_collection(UNLOADED)


def _database(client: MilvusClient, client_kwargs: dict) -> None:
    if DATABASE not in client.list_databases():
        client.create_database(DATABASE)
    other = MilvusClient(**client_kwargs, db_name=DATABASE, dedicated=True)
    try:
        if not other.has_collection(IN_DATABASE):
            other.create_collection(IN_DATABASE, schema=_simple_schema("in another database"),
                                    consistency_level="Strong")
    finally:
        other.close()
