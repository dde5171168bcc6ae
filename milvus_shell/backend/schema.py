"""pymilvus's describe results -> catalog dataclasses, with type names people read (VarChar(256));
and the other way, a CollectionSpec (schema_doc.py) -> a pymilvus schema and index parameters."""

from __future__ import annotations

import json
from typing import Any, Mapping

from ..catalog import CollectionInfo, FieldInfo, FunctionInfo, IndexInfo
from ..schema_doc import CollectionSpec, FieldSpec, IndexSpec, TYPE_NAMES  # DataType name -> Int64, VarChar
from ..schema_functions import FunctionSpec


def _kind(data_type: Any) -> str:
    """The DataType's name whether we got an enum, an int or a string."""
    name = getattr(data_type, "name", None)
    if name:
        return str(name)
    if isinstance(data_type, int):
        from pymilvus import DataType  # noqa: PLC0415

        try:
            return str(DataType(data_type).name)
        except ValueError:
            return f"TYPE_{data_type}"
    return str(data_type).upper()


def type_name(data_type: Any, params: Mapping[str, Any], element_type: Any = None) -> str:
    """Int64, VarChar(256), FloatVector(dim 768), Array(Int32, capacity 8), ..."""
    kind = _kind(data_type)
    base = TYPE_NAMES.get(kind, kind.title())
    if kind == "VARCHAR" and "max_length" in params:
        return f"{base}({params['max_length']})"
    if kind.endswith("_VECTOR") and kind != "SPARSE_FLOAT_VECTOR" and "dim" in params:
        return f"{base}(dim {params['dim']})"
    if kind == "ARRAY":
        element = type_name(element_type, {"max_length": params["max_length"]} if "max_length" in params else {})
        capacity = params.get("max_capacity")
        return f"{base}({element}, capacity {capacity})" if capacity is not None else f"{base}({element})"
    return base


def _default_value(raw: Any) -> tuple[bool, Any]:
    """A protobuf ValueField (or a plain value) -> (has_default, python value)."""
    if raw is None:
        return False, None
    which = getattr(raw, "WhichOneof", None)
    if which is None:
        return True, raw
    slot = which("data")
    if slot is None:
        return False, None
    return True, getattr(raw, slot)


def _flag(value: Any) -> bool:
    """Type params come back as strings on some servers ('true') and booleans on others."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _analyzer_params(value: Any) -> Mapping[str, Any] | None:
    """analyzer_params: a JSON object (the server keeps it as text); unreadable text is kept as it is."""
    if value is None or isinstance(value, Mapping):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return {"text": value}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


def field_info(raw: Mapping[str, Any]) -> FieldInfo:
    params = dict(raw.get("params") or {})
    kind = _kind(raw.get("type"))
    has_default, default = _default_value(raw.get("default_value"))
    dim = params.get("dim")
    max_length = params.get("max_length")
    capacity = params.get("max_capacity")
    return FieldInfo(
        name=raw["name"],
        type_name=type_name(raw.get("type"), params, raw.get("element_type")),
        kind=kind,
        primary=bool(raw.get("is_primary")),
        auto_id=bool(raw.get("auto_id")),
        nullable=bool(raw.get("nullable")),
        default=default,
        has_default=has_default,
        description=raw.get("description") or "",
        dim=int(dim) if dim is not None else None,
        partition_key=bool(raw.get("is_partition_key")),
        clustering_key=bool(raw.get("is_clustering_key")),
        function_output=bool(raw.get("is_function_output")),
        max_length=int(max_length) if max_length is not None else None,
        element_kind=_kind(raw["element_type"]) if raw.get("element_type") is not None else "",
        max_capacity=int(capacity) if capacity is not None else None,
        enable_analyzer=_flag(params.get("enable_analyzer")),
        analyzer_params=_analyzer_params(params.get("analyzer_params")),
        enable_match=_flag(params.get("enable_match")),
    )


def collection_info(raw: Mapping[str, Any]) -> CollectionInfo:
    fields = tuple(field_info(f) for f in raw.get("fields", ()))
    auto_id = bool(raw.get("auto_id"))
    if auto_id:  # pymilvus reports auto id on the collection; show it on the primary key too
        fields = tuple(
            FieldInfo(**{**f.__dict__, "auto_id": True}) if f.primary else f for f in fields
        )
    functions = tuple(
        FunctionInfo(
            name=fn.get("name", ""),
            type_name=getattr(fn.get("type"), "name", str(fn.get("type"))),
            inputs=tuple(fn.get("input_field_names") or ()),
            outputs=tuple(fn.get("output_field_names") or ()),
            params=dict(fn.get("params") or {}),
            description=fn.get("description") or "",
        )
        for fn in raw.get("functions") or ()
    )
    return CollectionInfo(
        name=raw.get("collection_name", ""),
        fields=fields,
        description=raw.get("description") or "",
        dynamic=bool(raw.get("enable_dynamic_field")),
        auto_id=auto_id,
        consistency=raw.get("consistency_level_name") or "",
        shards=raw.get("num_shards"),
        functions=functions,
        aliases=tuple(raw.get("aliases") or ()),
        properties=dict(raw.get("properties") or {}),
        num_partitions=raw.get("num_partitions"),
    )


_INDEX_KEYS = {"field_name", "index_name", "index_type", "metric_type", "state", "indexed_rows",
               "total_rows", "pending_index_rows", "params"}


def index_info(name: str, raw: Mapping[str, Any]) -> IndexInfo:
    """describe_index's dict; whatever is not a known key is an index parameter (nlist=16)."""
    params = dict(raw.get("params") or {})
    params.update({k: v for k, v in raw.items() if k not in _INDEX_KEYS})

    def number(key: str) -> int | None:
        value = raw.get(key)
        return int(value) if value is not None else None

    return IndexInfo(
        name=raw.get("index_name") or name,
        field=raw.get("field_name", ""),
        index_type=str(raw.get("index_type", "")),
        metric_type=str(raw.get("metric_type", "")),
        params=params,
        state=str(raw.get("state", "")),
        indexed_rows=number("indexed_rows"),
        total_rows=number("total_rows"),
        pending_rows=number("pending_index_rows"),
    )


# -- CollectionSpec -> pymilvus ---------------------------------------------------------------------

def build_schema(spec: CollectionSpec) -> Any:
    """A pymilvus CollectionSchema for ``spec`` (checked by schema_doc.parse_document already)."""
    from pymilvus import DataType, MilvusClient  # noqa: PLC0415

    schema = MilvusClient.create_schema(auto_id=spec.primary.auto_id, enable_dynamic_field=spec.dynamic_field,
                                        description=spec.description)
    for f in spec.fields:
        schema.add_field(f.name, DataType[f.type], **_field_kwargs(f))
    for fn in spec.functions:
        schema.add_function(_function(fn))
    return schema


def _function(fn: FunctionSpec) -> Any:
    from pymilvus import Function, FunctionType  # noqa: PLC0415

    return Function(name=fn.name, function_type=FunctionType[fn.type], input_field_names=list(fn.inputs),
                    output_field_names=list(fn.outputs), description=fn.description,
                    params=dict(fn.params) or None)


def _field_kwargs(f: FieldSpec) -> dict[str, Any]:
    from pymilvus import DataType  # noqa: PLC0415

    kwargs: dict[str, Any] = {"description": f.description}
    if f.primary_key:
        kwargs.update(is_primary=True, auto_id=f.auto_id)
    if f.max_length is not None:
        kwargs["max_length"] = f.max_length
    if f.dim is not None:
        kwargs["dim"] = f.dim
    if f.element_type:
        kwargs.update(element_type=DataType[f.element_type], max_capacity=f.max_capacity)
    if f.nullable:
        kwargs["nullable"] = True
    if f.has_default:
        kwargs["default_value"] = f.default
    if f.partition_key:
        kwargs["is_partition_key"] = True
    if f.clustering_key:
        kwargs["is_clustering_key"] = True
    if f.enable_analyzer:
        kwargs["enable_analyzer"] = True
        if f.analyzer_params is not None:
            kwargs["analyzer_params"] = dict(f.analyzer_params)
    if f.enable_match:
        kwargs["enable_match"] = True
    return kwargs


def build_index_params(client: Any, index: IndexSpec) -> Any:
    params = client.prepare_index_params()
    kwargs: dict[str, Any] = {"index_type": index.type, "index_name": index.name or index.field}
    if index.metric:
        kwargs["metric_type"] = index.metric
    if index.params:
        kwargs["params"] = dict(index.params)
    params.add_index(index.field, **kwargs)
    return params
