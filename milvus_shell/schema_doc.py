"""The schema document: a collection's shape as typed JSON (docs/schema.md).

``describe C --format json`` prints it and ``create collection D --schema FILE`` reads it, so the
two together copy a collection's shape. This module is pure (no pymilvus): it turns what the server
holds (catalog.py) into the document, and a document into a CollectionSpec, checking every key with
an error that names the field. The backend turns a CollectionSpec into pymilvus calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from typing import Any, Iterable, Mapping, Sequence

from .catalog import CollectionInfo, FieldInfo, IndexInfo
from .doc_checks import Where, as_list, json_text, json_type, no_unknown, optional, typed  # noqa: F401 - for callers
from .errors import UsageError
from .schema_functions import FunctionSpec, check_outputs, function_doc, parse_function

# The server's type (pymilvus DataType name) -> how the document and people write it.
TYPE_NAMES = {
    "BOOL": "Bool",
    "INT8": "Int8",
    "INT16": "Int16",
    "INT32": "Int32",
    "INT64": "Int64",
    "FLOAT": "Float",
    "DOUBLE": "Double",
    "STRING": "String",
    "VARCHAR": "VarChar",
    "TEXT": "Text",
    "ARRAY": "Array",
    "JSON": "JSON",
    "GEOMETRY": "Geometry",
    "TIMESTAMPTZ": "Timestamptz",
    "BINARY_VECTOR": "BinaryVector",
    "FLOAT_VECTOR": "FloatVector",
    "FLOAT16_VECTOR": "Float16Vector",
    "BFLOAT16_VECTOR": "BFloat16Vector",
    "SPARSE_FLOAT_VECTOR": "SparseFloatVector",
    "INT8_VECTOR": "Int8Vector",
    "STRUCT": "Struct",
    "_ARRAY_OF_VECTOR": "ArrayOfVector",
    "_ARRAY_OF_STRUCT": "ArrayOfStruct",
}
# Types a schema file may use (the rest are shown by describe but cannot be made from a file).
CREATABLE = ("BOOL", "INT8", "INT16", "INT32", "INT64", "FLOAT", "DOUBLE", "VARCHAR", "JSON", "ARRAY",
             "BINARY_VECTOR", "FLOAT_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR", "SPARSE_FLOAT_VECTOR")
_BY_WORD = {**{k.lower(): k for k in CREATABLE}, **{TYPE_NAMES[k].lower(): k for k in CREATABLE}}
ELEMENT_TYPES = ("BOOL", "INT8", "INT16", "INT32", "INT64", "FLOAT", "DOUBLE", "VARCHAR")
MAX_VARCHAR = 65535
MAX_DIM = 32768
MAX_CAPACITY = 4096
MAX_PARTITIONS = 4096

QUICK_VARCHAR_ID_LENGTH = 64  # create collection --id-type string: the id's max length


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # the server's type name: INT64, VARCHAR, FLOAT_VECTOR, ...
    primary_key: bool = False
    auto_id: bool = False
    max_length: int | None = None
    dim: int | None = None
    element_type: str | None = None
    max_capacity: int | None = None
    nullable: bool = False
    has_default: bool = False
    default: Any = None
    partition_key: bool = False
    clustering_key: bool = False
    description: str = ""
    enable_analyzer: bool = False
    analyzer_params: Mapping[str, Any] | None = None
    enable_match: bool = False
    function_output: bool = False  # as the document says; the functions decide (check_outputs)

    @property
    def is_vector(self) -> bool:
        return self.type.endswith("_VECTOR")


@dataclass(frozen=True)
class IndexSpec:
    field: str
    type: str = "AUTOINDEX"
    metric: str = ""  # "" lets the server choose
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)
    name: str = ""  # "" names it after the field


@dataclass(frozen=True)
class CollectionSpec:
    """What ``create collection`` asks the server for."""

    fields: tuple[FieldSpec, ...]
    description: str = ""
    dynamic_field: bool = False
    consistency: str = ""  # "" for the server's default
    shards: int | None = None
    indexes: tuple[IndexSpec, ...] = ()
    partitions: tuple[str, ...] = ()
    functions: tuple[FunctionSpec, ...] = ()
    properties: Mapping[str, str] = dataclass_field(default_factory=dict)
    num_partitions: int | None = None  # with a partition key: how many partitions the server makes

    @property
    def primary(self) -> FieldSpec:
        return next(f for f in self.fields if f.primary_key)


def quick_spec(dim: int, metric: str = "COSINE", id_type: str = "int", auto_id: bool = False,
               vector_field: str = "vector", id_field: str = "id", description: str = "") -> CollectionSpec:
    """create collection NAME --dim N: an id, one float vector with an AUTOINDEX, a dynamic field."""
    if id_type == "string":
        pk = FieldSpec(id_field, "VARCHAR", primary_key=True, auto_id=auto_id, max_length=QUICK_VARCHAR_ID_LENGTH)
    else:
        pk = FieldSpec(id_field, "INT64", primary_key=True, auto_id=auto_id)
    if vector_field == id_field:
        raise UsageError(f"the id and the vector field are both named {id_field!r}",
                         "--vector-field NAME gives the vector field another name")
    return CollectionSpec(
        fields=(pk, FieldSpec(vector_field, "FLOAT_VECTOR", dim=dim)),
        description=description,
        dynamic_field=True,
        indexes=(IndexSpec(vector_field, "AUTOINDEX", metric),),
    )


# -- server -> document ------------------------------------------------------------------------------

def document_of(info: CollectionInfo, indexes: Sequence[IndexInfo] = (),
                partitions: Sequence[str] = ()) -> dict[str, Any]:
    """The schema document of a collection as the server describes it."""
    has_partition_key = any(f.partition_key for f in info.fields)
    doc: dict[str, Any] = {
        "collection": info.name,
        "description": info.description,
        "dynamic_field": info.dynamic,
        "consistency": info.consistency or None,
        "shards": info.shards,
    }
    if has_partition_key:
        # Milvus Lite lists a '_default' partition beside the ones the key spreads rows over.
        made = [p for p in partitions if p != "_default"]
        doc["num_partitions"] = len(made) if made else info.num_partitions
    doc["properties"] = dict(info.properties)
    doc["fields"] = [_field_doc(f) for f in info.fields]
    doc["functions"] = [function_doc(fn) for fn in info.functions]
    doc["indexes"] = [_index_doc(i) for i in indexes]
    # With a partition key the server makes the partitions itself.
    doc["partitions"] = [] if has_partition_key else [p for p in partitions if p != "_default"]
    return doc


def _field_doc(f: FieldInfo) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": f.name, "type": TYPE_NAMES.get(f.kind, f.kind.title())}
    if f.kind == "ARRAY":
        doc["element_type"] = TYPE_NAMES.get(f.element_kind, f.element_kind.title()) if f.element_kind else None
        doc["max_capacity"] = f.max_capacity
    if f.max_length is not None:
        doc["max_length"] = f.max_length
    if f.dim is not None:
        doc["dim"] = f.dim
    doc["primary_key"] = f.primary
    if f.primary:
        doc["auto_id"] = f.auto_id
    doc["nullable"] = f.nullable
    if f.has_default:
        doc["default"] = f.default
    doc["partition_key"] = f.partition_key
    if f.clustering_key:
        doc["clustering_key"] = True
    if f.enable_analyzer:
        doc["enable_analyzer"] = True
        if f.analyzer_params is not None:
            doc["analyzer_params"] = dict(f.analyzer_params)
    if f.enable_match:
        doc["enable_match"] = True
    if f.function_output:
        doc["function_output"] = True
    doc["description"] = f.description
    return doc


def _index_doc(i: IndexInfo) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": i.name, "field": i.field, "type": i.index_type}
    if i.metric_type:
        doc["metric"] = i.metric_type
    doc["params"] = {k: typed(v) for k, v in i.params.items()}
    return doc


# -- document -> spec --------------------------------------------------------------------------------

_TOP_KEYS = ("collection", "description", "dynamic_field", "consistency", "shards", "num_partitions", "properties",
             "fields", "functions", "indexes", "partitions")
_FIELD_KEYS = ("name", "type", "element_type", "max_capacity", "max_length", "dim", "primary_key", "auto_id",
               "nullable", "default", "partition_key", "clustering_key", "enable_analyzer", "analyzer_params",
               "enable_match", "function_output", "description")
_INDEX_KEYS = ("name", "field", "type", "metric", "params")
CONSISTENCY_LEVELS = ("Strong", "Bounded", "Session", "Eventually")


def parse_document(doc: Any, source: str = "schema") -> CollectionSpec:
    """A CollectionSpec from a schema document; a UsageError naming the place of any mistake."""
    w = Where(source)
    if not isinstance(doc, dict):
        raise w.fail("", f"a schema is a JSON object, not {json_type(doc)}", "describe COLLECTION --format json "
                     "prints one; help create collection describes it")
    no_unknown(w, "", doc, _TOP_KEYS)
    raw_fields = doc.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise w.fail("", "'fields' must be a non-empty list of field objects")
    fields = tuple(_field(w, i + 1, raw) for i, raw in enumerate(raw_fields))
    names = [f.name for f in fields]
    for name in names:
        if names.count(name) > 1:
            raise w.fail("", f"two fields are named {name!r}")
    primaries = [f for f in fields if f.primary_key]
    if len(primaries) != 1:
        raise w.fail("", f"exactly one field needs \"primary_key\": true (found {len(primaries)})")
    if primaries[0].type not in ("INT64", "VARCHAR"):
        raise w.fail(f"field {primaries[0].name!r}", "a primary key is Int64 or VarChar")
    consistency = optional(w, "", doc, "consistency", str) or ""
    if consistency and consistency not in CONSISTENCY_LEVELS:
        raise w.fail("", f"consistency must be one of {', '.join(CONSISTENCY_LEVELS)}, not {consistency!r}")
    shards = optional(w, "", doc, "shards", int)
    if shards is not None and not 1 <= shards <= 64:
        raise w.fail("", f"shards must be from 1 to 64, not {shards}")
    indexes = tuple(_index(w, i + 1, raw, names) for i, raw in enumerate(as_list(w, "", doc, "indexes")))
    partitions = tuple(as_list(w, "", doc, "partitions"))
    for p in partitions:
        if not isinstance(p, str) or not p:
            raise w.fail("", f"'partitions' holds partition names, not {p!r}")
    functions = tuple(parse_function(w, i + 1, raw, fields) for i, raw in enumerate(as_list(w, "", doc, "functions")))
    check_outputs(w, fields, functions)
    num_partitions = optional(w, "", doc, "num_partitions", int)
    if num_partitions is not None:
        if not any(f.partition_key for f in fields):
            raise w.fail("", "num_partitions goes with a partition key field (\"partition_key\": true)")
        if not 1 <= num_partitions <= MAX_PARTITIONS:
            raise w.fail("", f"num_partitions must be from 1 to {MAX_PARTITIONS}, not {num_partitions}")
    return CollectionSpec(
        fields=fields,
        description=optional(w, "", doc, "description", str) or "",
        dynamic_field=bool(optional(w, "", doc, "dynamic_field", bool)),
        consistency=consistency,
        shards=shards,
        indexes=indexes,
        partitions=partitions,
        functions=functions,
        properties=_properties(w, doc),
        num_partitions=num_partitions,
    )


def _properties(w: Where, doc: Mapping[str, Any]) -> dict[str, str]:
    """Collection properties: the server keeps them as strings ("collection.ttl.seconds": "3600")."""
    raw = optional(w, "", doc, "properties", dict) or {}
    properties = {}
    for key, value in raw.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif not isinstance(value, str):
            raise w.fail("properties", f"{key!r} must be a string, number or boolean, not {json_type(value)}")
        properties[key] = value
    return properties


def _field(w: Where, number: int, raw: Any) -> FieldSpec:
    if not isinstance(raw, dict):
        raise w.fail(f"field {number}", f"a field is a JSON object, not {json_type(raw)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise w.fail(f"field {number}", "it needs a \"name\"")
    where = f"field {number} ({name!r})"
    no_unknown(w, where, raw, _FIELD_KEYS)
    kind = _type(w, where, raw.get("type"), "type")
    spec: dict[str, Any] = {"name": name, "type": kind}
    for key in ("primary_key", "auto_id", "nullable", "partition_key", "clustering_key", "enable_analyzer",
                "enable_match", "function_output"):
        spec[key] = bool(optional(w, where, raw, key, bool))
    spec["analyzer_params"] = optional(w, where, raw, "analyzer_params", dict)
    if (spec["enable_analyzer"] or spec["enable_match"]) and kind != "VARCHAR":
        raise w.fail(where, "enable_analyzer and enable_match belong to VarChar fields")
    if spec["analyzer_params"] is not None and not spec["enable_analyzer"]:
        raise w.fail(where, "analyzer_params goes with \"enable_analyzer\": true")
    spec["description"] = optional(w, where, raw, "description", str) or ""
    if spec["auto_id"] and not spec["primary_key"]:
        raise w.fail(where, "auto_id belongs on the primary key only")
    max_length = optional(w, where, raw, "max_length", int)
    if kind == "VARCHAR" and max_length is None:
        raise w.fail(where, f"a VarChar needs \"max_length\" (1 to {MAX_VARCHAR})")
    if max_length is not None and not 1 <= max_length <= MAX_VARCHAR:
        raise w.fail(where, f"max_length must be from 1 to {MAX_VARCHAR}, not {max_length}")
    spec["max_length"] = max_length
    dim = optional(w, where, raw, "dim", int)
    if kind.endswith("_VECTOR") and kind != "SPARSE_FLOAT_VECTOR":
        if dim is None or not 1 <= dim <= MAX_DIM:
            raise w.fail(where, f"a vector needs \"dim\" from 1 to {MAX_DIM}" + (f", not {dim}" if dim else ""))
    spec["dim"] = dim
    if kind == "ARRAY":
        spec["element_type"] = _type(w, where, raw.get("element_type"), "element_type", ELEMENT_TYPES)
        capacity = optional(w, where, raw, "max_capacity", int)
        if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
            raise w.fail(where, f"an Array needs \"max_capacity\" from 1 to {MAX_CAPACITY}")
        spec["max_capacity"] = capacity
    elif raw.get("element_type") is not None or raw.get("max_capacity") is not None:
        raise w.fail(where, "element_type and max_capacity belong to Array fields")
    if "default" in raw:
        spec["has_default"], spec["default"] = True, raw["default"]
    return FieldSpec(**spec)


def _index(w: Where, number: int, raw: Any, fields: Sequence[str]) -> IndexSpec:
    where = f"index {number}"
    if not isinstance(raw, dict):
        raise w.fail(where, f"an index is a JSON object, not {json_type(raw)}")
    no_unknown(w, where, raw, _INDEX_KEYS)
    field_name = raw.get("field")
    if not isinstance(field_name, str) or field_name not in fields:
        raise w.fail(where, f"\"field\" must name one of the fields ({', '.join(fields)}), not {field_name!r}")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise w.fail(where, "\"params\" is an object of index parameters, e.g. {\"nlist\": 128}")
    return IndexSpec(
        field=field_name,
        type=(optional(w, where, raw, "type", str) or "AUTOINDEX").upper(),
        metric=(optional(w, where, raw, "metric", str) or "").upper(),
        params=params,
        name=optional(w, where, raw, "name", str) or "",
    )


def _type(w: Where, where: str, value: Any, key: str, allowed: Iterable[str] = CREATABLE) -> str:
    allowed = tuple(allowed)
    kind = _BY_WORD.get(value.lower()) if isinstance(value, str) else None
    if kind is None or kind not in allowed:
        names = ", ".join(TYPE_NAMES[k] for k in allowed)
        raise w.fail(where, f"{key} {value!r} is not one of the types a collection can be made with", names)
    return kind
