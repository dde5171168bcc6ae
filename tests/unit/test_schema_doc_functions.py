"""The schema document's newer parts without a server: functions (BM25), analyzers, text match,
properties, a partition key's partition count; the mistakes in them named by their place; and what a
server's capabilities refuse before anything is created."""

from __future__ import annotations

import pytest

from milvus_shell.catalog import CollectionInfo, FieldInfo, FunctionInfo, capabilities_of
from milvus_shell.errors import UsageError
from milvus_shell.schema_doc import document_of, parse_document
from milvus_shell.schema_support import loosened, several_vector_fields, unsupported

ANALYZER = {"tokenizer": "standard", "filter": ["lowercase"]}
INFO = CollectionInfo("docs", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("text", "VarChar(1000)", "VARCHAR", max_length=1000, enable_analyzer=True, analyzer_params=ANALYZER,
              enable_match=True),
    FieldInfo("sparse", "SparseFloatVector", "SPARSE_FLOAT_VECTOR", function_output=True),
    FieldInfo("shop", "VarChar(8)", "VARCHAR", max_length=8, partition_key=True),
), consistency="Strong", shards=1, properties={"mmap.enabled": "true"}, num_partitions=17,
    functions=(FunctionInfo("bm25_fn", "BM25", ("text",), ("sparse",), {}, "words to weights"),))
LITE_PARTITIONS = ["_default"] + [f"_pk_{i}" for i in range(16)]


def test_the_document_carries_functions_analyzers_and_properties():
    doc = document_of(INFO, (), LITE_PARTITIONS)
    assert doc["functions"] == [{"name": "bm25_fn", "type": "BM25", "input_fields": ["text"],
                                 "output_fields": ["sparse"], "params": {}, "description": "words to weights"}]
    text, sparse = doc["fields"][1], doc["fields"][2]
    assert text["enable_analyzer"] is True and text["analyzer_params"] == ANALYZER and text["enable_match"] is True
    assert sparse["function_output"] is True and "dim" not in sparse
    assert doc["properties"] == {"mmap.enabled": "true"}
    assert doc["num_partitions"] == 16  # Milvus Lite's '_default' beside the key's partitions is not counted
    assert doc["partitions"] == []
    assert list(doc) == ["collection", "description", "dynamic_field", "consistency", "shards", "num_partitions",
                         "properties", "fields", "functions", "indexes", "partitions"]


def test_without_a_partition_key_there_is_no_partition_count_and_plain_fields_stay_plain():
    info = CollectionInfo("plain", (FieldInfo("id", "Int64", "INT64", primary=True),
                                    FieldInfo("title", "VarChar(8)", "VARCHAR", max_length=8)), num_partitions=1)
    doc = document_of(info, (), ["_default"])
    assert "num_partitions" not in doc and doc["functions"] == [] and doc["properties"] == {}
    assert not {"enable_analyzer", "analyzer_params", "enable_match", "function_output"} & set(doc["fields"][1])


def test_the_document_reads_back_as_the_same_spec():
    spec = parse_document(document_of(INFO, (), LITE_PARTITIONS))
    (fn,) = spec.functions
    assert (fn.name, fn.type, fn.inputs, fn.outputs, fn.description) == (
        "bm25_fn", "BM25", ("text",), ("sparse",), "words to weights")
    text = spec.fields[1]
    assert text.enable_analyzer and text.analyzer_params == ANALYZER and text.enable_match
    assert spec.properties == {"mmap.enabled": "true"} and spec.num_partitions == 16


def test_properties_become_the_strings_the_server_keeps():
    spec = parse_document({"fields": [PK, VEC], "properties": {"collection.ttl.seconds": 60, "mmap.enabled": True}})
    assert spec.properties == {"collection.ttl.seconds": "60", "mmap.enabled": "true"}


def test_function_types_are_read_in_any_case_and_a_single_name_is_a_list():
    doc = {"fields": [PK, TEXT, SPARSE], "functions": [{**BM25, "type": "bm25", "input_fields": "text"}]}
    assert parse_document(doc).functions[0].inputs == ("text",)


PK = {"name": "id", "type": "Int64", "primary_key": True}
VEC = {"name": "v", "type": "FloatVector", "dim": 2}
TEXT = {"name": "text", "type": "VarChar", "max_length": 100, "enable_analyzer": True}
SPARSE = {"name": "sparse", "type": "SparseFloatVector"}
BM25 = {"name": "bm25", "type": "BM25", "input_fields": ["text"], "output_fields": ["sparse"]}
BASE = [PK, TEXT, SPARSE]


@pytest.mark.parametrize("doc, message", [
    ({"fields": BASE, "functions": [{**BM25, "type": "WORDS"}]}, "function 1 ('bm25'): type \"WORDS\" is not"),
    ({"fields": BASE, "functions": [{**BM25, "name": ""}]}, "function 1: it needs a \"name\""),
    ({"fields": BASE, "functions": ["bm25"]}, "function 1: a function is a JSON object"),
    ({"fields": BASE, "functions": [{**BM25, "input": ["text"]}]}, "function 1: unknown key 'input'"),
    ({"fields": BASE, "functions": [{**BM25, "input_fields": ["body"]}]},
     "input_fields names \"body\", which is not a field"),
    ({"fields": BASE, "functions": [{**BM25, "output_fields": []}]}, "output_fields must be a list of field names"),
    ({"fields": [PK, {**TEXT, "enable_analyzer": False}, SPARSE], "functions": [BM25]},
     "its input 'text' needs \"enable_analyzer\": true"),
    ({"fields": [PK, TEXT, VEC], "functions": [{**BM25, "output_fields": ["v"]}]},
     "a BM25 function writes one SparseFloatVector field"),
    ({"fields": [PK, TEXT, SPARSE, {"name": "n", "type": "Int64"}], "functions": [{**BM25, "input_fields": ["n"]}]},
     "a BM25 function reads one VarChar field"),
    ({"fields": BASE, "functions": [BM25, {**BM25, "name": "again"}]}, "field 'sparse' is already the output of 'bm25'"),
    ({"fields": [PK, TEXT, {**SPARSE, "function_output": True}]}, "field 'sparse': \"function_output\": true, but no"),
    ({"fields": BASE, "functions": [{**BM25, "params": [1]}]}, "params must be an object"),
    ({"fields": [PK, {**VEC, "enable_analyzer": True}]}, "enable_analyzer and enable_match belong to VarChar fields"),
    ({"fields": [PK, {**TEXT, "enable_analyzer": False, "analyzer_params": {}}]},
     "analyzer_params goes with \"enable_analyzer\": true"),
    ({"fields": [PK, {**TEXT, "analyzer_params": "standard"}]}, "analyzer_params must be an object"),
    ({"fields": [PK, VEC], "num_partitions": 8}, "num_partitions goes with a partition key field"),
    ({"fields": [PK, VEC, {"name": "p", "type": "Int64", "partition_key": True}], "num_partitions": 0},
     "num_partitions must be from 1 to"),
    ({"fields": [PK, VEC], "properties": {"a": [1]}}, "properties: 'a' must be a string, number or boolean"),
    ({"fields": [PK, VEC], "properties": "mmap"}, "properties must be an object"),
])
def test_mistakes_in_the_new_keys_are_named_by_their_place(doc, message):
    with pytest.raises(UsageError) as caught:
        parse_document(doc, "schema file s.json")
    assert str(caught.value).startswith("schema file s.json: ")
    assert message in str(caught.value)


# -- what a server's capabilities refuse -------------------------------------------------------------

EVERYTHING = parse_document({
    "fields": [PK, {**TEXT, "enable_match": True}, SPARSE, {**VEC, "name": "dense"},
               {"name": "n", "type": "Int32", "nullable": True},
               {"name": "ck", "type": "Int64", "clustering_key": True},
               {"name": "p", "type": "Int64", "partition_key": True},
               {"name": "tags", "type": "Array", "element_type": "VarChar", "max_capacity": 2, "max_length": 9}],
    "functions": [BM25], "num_partitions": 8})


def test_milvus_2_3_refuses_what_it_would_drop_silently():
    server = capabilities_of("v2.3.5")
    assert unsupported(EVERYTHING, server) == [
        "nullable fields ('n')", "sparse vector fields ('sparse')", "functions ('bm25: BM25')",
        "analyzers ('text')", "text match ('text')", "clustering keys ('ck')"]
    assert several_vector_fields(EVERYTHING, server) == "several vector fields ('sparse', 'dense')"
    assert loosened(EVERYTHING, server) == []


def test_milvus_lite_refuses_a_clustering_key_and_a_partition_count_it_ignores():
    server = capabilities_of("milvus_lite-3.2.2")
    assert unsupported(EVERYTHING, server) == [
        "clustering keys ('ck')", "a partition key's partition count (num_partitions 8: it always makes 16)"]
    assert several_vector_fields(EVERYTHING, server) is None
    assert loosened(EVERYTHING, server) == [
        "Milvus Lite 3.2.2 keeps no max_length for Array elements: 'tags' will take strings of any length"]
    sixteen = parse_document({"fields": [PK, VEC, {"name": "p", "type": "Int64", "partition_key": True}],
                              "num_partitions": 16})
    assert unsupported(sixteen, server) == []


def test_a_modern_server_is_refused_nothing():
    assert unsupported(EVERYTHING, capabilities_of("v2.5.4")) == []
    assert "clustering keys ('ck')" not in unsupported(EVERYTHING, capabilities_of("v2.4.9"))
    assert "functions ('bm25: BM25')" in unsupported(EVERYTHING, capabilities_of("v2.4.9"))
