"""The functions of a schema document: a function makes one field's values from others' (BM25 turns
an analyzed VarChar into a sparse vector). Pure: server description -> document -> FunctionSpec,
checked against the document's fields, each mistake named by its place."""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence

from .doc_checks import Where, json_text, names_list, no_unknown, optional, typed

if TYPE_CHECKING:
    from .catalog import FunctionInfo


class FieldLike(Protocol):
    """What a function checks of a field (schema_doc.FieldSpec has it; this module cannot import it)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def primary_key(self) -> bool: ...
    @property
    def enable_analyzer(self) -> bool: ...
    @property
    def function_output(self) -> bool: ...

# pymilvus's FunctionType names (3.0.2); the server describes a function by one of them.
FUNCTION_TYPES = ("BM25", "TEXTEMBEDDING", "RERANK", "MINHASH")
FUNCTION_KEYS = ("name", "type", "input_fields", "output_fields", "params", "description")


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    type: str  # one of FUNCTION_TYPES
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)
    description: str = ""


def function_doc(fn: FunctionInfo) -> dict[str, Any]:
    return {"name": fn.name, "type": fn.type_name, "input_fields": list(fn.inputs),
            "output_fields": list(fn.outputs), "params": {k: typed(v) for k, v in fn.params.items()},
            "description": fn.description}


def parse_function(w: Where, number: int, raw: Any, fields: Sequence[FieldLike]) -> FunctionSpec:
    where = f"function {number}"
    if not isinstance(raw, dict):
        raise w.fail(where, "a function is a JSON object: {\"name\": ..., \"type\": \"BM25\", "
                     "\"input_fields\": [...], \"output_fields\": [...]}")
    no_unknown(w, where, raw, FUNCTION_KEYS)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise w.fail(where, "it needs a \"name\"")
    where = f"function {number} ({name!r})"
    kind = raw.get("type")
    kind = kind.upper() if isinstance(kind, str) else kind
    if kind not in FUNCTION_TYPES:
        raise w.fail(where, f"type {json_text(raw.get('type'))} is not a function type", ", ".join(FUNCTION_TYPES))
    by_name = {f.name: f for f in fields}
    inputs = names_list(w, where, raw, "input_fields", list(by_name))
    outputs = names_list(w, where, raw, "output_fields", list(by_name))
    params = optional(w, where, raw, "params", dict) or {}
    if kind == "BM25":
        _check_bm25(w, where, [by_name[n] for n in inputs], [by_name[n] for n in outputs])
    for out in outputs:
        if by_name[out].primary_key:
            raise w.fail(where, f"its output {out!r} is the primary key")
    return FunctionSpec(name, kind, inputs, outputs, dict(params), optional(w, where, raw, "description", str) or "")


def _check_bm25(w: Where, where: str, inputs: Sequence[FieldLike], outputs: Sequence[FieldLike]) -> None:
    if len(inputs) != 1 or inputs[0].type != "VARCHAR":
        raise w.fail(where, "a BM25 function reads one VarChar field")
    if not inputs[0].enable_analyzer:
        raise w.fail(where, f"its input {inputs[0].name!r} needs \"enable_analyzer\": true",
                     "BM25 scores the words the analyzer finds")
    if len(outputs) != 1 or outputs[0].type != "SPARSE_FLOAT_VECTOR":
        raise w.fail(where, "a BM25 function writes one SparseFloatVector field")


def check_outputs(w: Where, fields: Sequence[FieldLike], functions: Sequence[FunctionSpec]) -> None:
    """Each field marked "function_output" is written by a function, and by one only."""
    written: dict[str, str] = {}
    for fn in functions:
        for out in fn.outputs:
            if out in written:
                raise w.fail(f"function {fn.name!r}", f"field {out!r} is already the output of {written[out]!r}")
            written[out] = fn.name
    for f in fields:
        if f.function_output and f.name not in written:
            raise w.fail(f"field {f.name!r}", "\"function_output\": true, but no function writes it",
                         "\"functions\" lists what makes each output field")
