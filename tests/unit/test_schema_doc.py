"""The schema document (docs/schema.md) without a server: catalog -> document -> spec, and every
mistake in a file named by its place."""

from __future__ import annotations

import pytest

from milvus_shell.catalog import CollectionInfo, FieldInfo, IndexInfo
from milvus_shell.errors import UsageError
from milvus_shell.schema_doc import document_of, parse_document, quick_spec, typed

INFO = CollectionInfo("books", (
    FieldInfo("id", "Int64", "INT64", primary=True, auto_id=True, description="key"),
    FieldInfo("title", "VarChar(64)", "VARCHAR", max_length=64, nullable=True, has_default=True, default="?"),
    FieldInfo("tags", "Array(VarChar(16), capacity 4)", "ARRAY", element_kind="VARCHAR", max_length=16,
              max_capacity=4),
    FieldInfo("shop", "VarChar(8)", "VARCHAR", max_length=8, partition_key=True),
    FieldInfo("vector", "FloatVector(dim 4)", "FLOAT_VECTOR", dim=4),
), description="Books", dynamic=True, auto_id=True, consistency="Strong", shards=1)
INDEX = IndexInfo("vec", "vector", "HNSW", "L2", {"M": "16", "efConstruction": "200"})


def test_the_document_is_typed_json():
    doc = document_of(INFO, [INDEX], ["_default", "p1"])
    assert doc["description"] == "Books" and doc["dynamic_field"] is True and doc["shards"] == 1
    assert doc["fields"][0] == {"name": "id", "type": "Int64", "primary_key": True, "auto_id": True,
                                "nullable": False, "partition_key": False, "description": "key"}
    assert doc["fields"][1]["nullable"] is True and doc["fields"][1]["default"] == "?"
    assert doc["fields"][2] == {"name": "tags", "type": "Array", "element_type": "VarChar", "max_capacity": 4,
                                "max_length": 16, "primary_key": False, "nullable": False,
                                "partition_key": False, "description": ""}
    assert doc["indexes"] == [{"name": "vec", "field": "vector", "type": "HNSW", "metric": "L2",
                               "params": {"M": 16, "efConstruction": 200}}]
    assert doc["partitions"] == []  # a partition key: the server makes the partitions itself


def test_a_document_reads_back_as_the_same_shape():
    spec = parse_document(document_of(INFO, [INDEX]))
    assert [f.name for f in spec.fields] == ["id", "title", "tags", "shop", "vector"]
    assert spec.primary.auto_id and spec.dynamic_field and spec.consistency == "Strong"
    title, tags, shop = spec.fields[1], spec.fields[2], spec.fields[3]
    assert title.nullable and title.has_default and title.default == "?" and title.max_length == 64
    assert tags.element_type == "VARCHAR" and tags.max_capacity == 4 and tags.max_length == 16
    assert shop.partition_key
    assert spec.indexes[0].params == {"M": 16, "efConstruction": 200} and spec.indexes[0].name == "vec"


def test_type_names_are_read_loosely():
    spec = parse_document({"fields": [{"name": "id", "type": "varchar", "max_length": 5, "primary_key": True},
                                      {"name": "v", "type": "FLOAT_VECTOR", "dim": 2}]})
    assert [f.type for f in spec.fields] == ["VARCHAR", "FLOAT_VECTOR"]


def test_quick_spec_defaults():
    spec = quick_spec(8)
    assert [(f.name, f.type) for f in spec.fields] == [("id", "INT64"), ("vector", "FLOAT_VECTOR")]
    assert spec.dynamic_field and not spec.primary.auto_id
    assert spec.indexes[0].type == "AUTOINDEX" and spec.indexes[0].metric == "COSINE"
    assert quick_spec(8, id_type="string").primary.max_length == 64
    with pytest.raises(UsageError, match="both named 'id'"):
        quick_spec(8, vector_field="id")


PK = {"name": "id", "type": "Int64", "primary_key": True}
VEC = {"name": "v", "type": "FloatVector", "dim": 2}


@pytest.mark.parametrize("doc, message", [
    ([], "a schema is a JSON object, not a list"),
    ({}, "'fields' must be a non-empty list"),
    ({"fields": [PK], "colour": 1}, "unknown key 'colour'"),
    ({"fields": [VEC]}, "exactly one field needs \"primary_key\": true (found 0)"),
    ({"fields": [PK, {**PK, "name": "id2"}]}, "(found 2)"),
    ({"fields": [PK, PK]}, "two fields are named 'id'"),
    ({"fields": [{**PK, "type": "Float"}]}, "field 'id': a primary key is Int64 or VarChar"),
    ({"fields": [PK, {"name": "t", "type": "VarChar"}]}, "field 2 ('t'): a VarChar needs \"max_length\""),
    ({"fields": [PK, {"name": "t", "type": "Text2"}]}, "field 2 ('t'): type 'Text2' is not one of the types"),
    ({"fields": [PK, {"name": "v", "type": "FloatVector"}]}, "field 2 ('v'): a vector needs \"dim\""),
    ({"fields": [PK, {**VEC, "dim": "2"}]}, "dim must be a whole number, not \"2\""),
    ({"fields": [PK, {**VEC, "nullable": "yes"}]}, "nullable must be true or false, not \"yes\""),
    ({"fields": [PK, {"name": "a", "type": "Array", "element_type": "Int64"}]}, "an Array needs \"max_capacity\""),
    ({"fields": [PK, {"name": "a", "type": "Array", "element_type": "JSON", "max_capacity": 2}]},
     "element_type 'JSON' is not one of"),
    ({"fields": [PK, {**VEC, "auto_id": True}]}, "auto_id belongs on the primary key only"),
    ({"fields": [PK, VEC], "indexes": [{"field": "w"}]}, "index 1: \"field\" must name one of the fields"),
    ({"fields": [PK, VEC], "indexes": [{"field": "v", "params": [1]}]}, "index 1: \"params\" is an object"),
    ({"fields": [PK, VEC], "consistency": "Always"}, "consistency must be one of Strong"),
    ({"fields": [PK, VEC], "partitions": [""]}, "'partitions' holds partition names"),
])
def test_mistakes_are_named_by_their_place(doc, message):
    with pytest.raises(UsageError) as caught:
        parse_document(doc, "schema file s.json")
    assert str(caught.value).startswith("schema file s.json: ")
    assert message in str(caught.value)


def test_index_params_come_back_as_numbers():
    assert [typed(v) for v in ("16", "0.5", "true", "IP", 8)] == [16, 0.5, True, "IP", 8]
