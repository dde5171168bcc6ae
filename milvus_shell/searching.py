"""Search, pure: what a `search` line asks for as a plan (SearchPlan) the backend carries out, the
query values a `--vector` word holds, the search parameters an index takes, and what a score is
called. Nothing here talks to a server or imports pymilvus.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

from .bounds import FLOAT32_MAX, check_vector
from .errors import UsageError

FIELD_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SPARSE_INDEX_MAX = 2**32 - 2  # Milvus's sparse dimensions are uint32, the last one reserved
CONSISTENCY_LEVELS = ("Strong", "Bounded", "Session", "Eventually")
DEFAULT_RRF_K = 60

# Search parameters each index type takes (Milvus's index docs); radius and range_filter go with any.
INDEX_SEARCH_PARAMS: dict[str, tuple[str, ...]] = {
    "FLAT": (), "BIN_FLAT": (),
    "IVF_FLAT": ("nprobe",), "IVF_SQ8": ("nprobe",), "IVF_PQ": ("nprobe",), "BIN_IVF_FLAT": ("nprobe",),
    "IVF_RABITQ": ("nprobe", "rbq_query_bits", "refine_k"),
    "GPU_IVF_FLAT": ("nprobe",), "GPU_IVF_PQ": ("nprobe",), "GPU_BRUTE_FORCE": (),
    "SCANN": ("nprobe", "reorder_k"),
    "HNSW": ("ef",), "HNSW_SQ": ("ef", "refine_k"), "HNSW_PQ": ("ef", "refine_k"), "HNSW_PRQ": ("ef", "refine_k"),
    "DISKANN": ("search_list",),
    "AUTOINDEX": ("level",),
    "GPU_CAGRA": ("itopk_size", "search_width", "min_iterations", "max_iterations", "team_size"),
    "SPARSE_INVERTED_INDEX": ("drop_ratio_search",), "SPARSE_WAND": ("drop_ratio_search",),
}
ANY_INDEX_PARAMS = ("radius", "range_filter")
# Parameters that are whole numbers (the rest are numbers).
WHOLE_PARAMS = frozenset({"nprobe", "ef", "search_list", "level", "reorder_k", "refine_k", "itopk_size",
                          "search_width", "min_iterations", "max_iterations", "team_size", "rbq_query_bits"})

# What a score is, by metric: larger-is-nearer metrics are similarities or scores, not distances.
SCORE_LABELS = {
    "L2": "distance (L2, squared)", "COSINE": "similarity (COSINE)", "IP": "score (IP)",
    "BM25": "score (BM25)", "HAMMING": "distance (HAMMING)", "JACCARD": "distance (JACCARD)",
    "MHJACCARD": "distance (MHJACCARD)", "SUBSTRUCTURE": "distance (SUBSTRUCTURE)",
    "SUPERSTRUCTURE": "distance (SUPERSTRUCTURE)",
}


@dataclass(frozen=True)
class QueryValues:
    """A `--vector` word: the field it names ("" when none) and its query values as JSON gave them:
    dense lists of numbers, sparse dicts {index: weight}, or strings (a binary vector in hex)."""

    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class SearchRequest:
    """One search of one field: ``data`` holds the query vectors (or texts, for BM25)."""

    field: str
    data: tuple[Any, ...]
    params: dict[str, Any]  # {"metric_type": ..., "params": {...}} as pymilvus takes them
    metric: str = ""


@dataclass(frozen=True)
class SearchPlan:
    """A whole search: one request, or several fused by ``rerank`` (("rrf", (k,)) or ("weighted",
    (w1, ...))); ``limit`` None streams every hit through a search iterator."""

    collection: str
    pk: str
    requests: tuple[SearchRequest, ...]
    limit: int | None
    filter: str = ""
    fields: tuple[str, ...] = ()
    partitions: tuple[str, ...] | None = None
    group_by: str = ""
    group_size: int | None = None
    strict_group_size: bool = False
    consistency: str = ""
    rerank: tuple[str, tuple[float, ...]] | None = None

    @property
    def hybrid(self) -> bool:
        return len(self.requests) > 1


def split_field(text: str) -> tuple[str, str]:
    """'dense=[1, 2]' -> ('dense', '[1, 2]'); text without a FIELD= prefix -> ('', text)."""
    name, eq, rest = text.partition("=")
    if eq and FIELD_NAME_RE.match(name.strip()):
        return name.strip(), rest
    return "", text


def parse_query_values(text: str, what: str = "--vector") -> QueryValues:
    """``[FIELD=]JSON``: a dense vector or a list of them, a sparse vector as a JSON object
    ({"3": 0.5}) or a list of them, or a binary vector as a hex string (or a list of them)."""
    field, body = split_field(text)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what} is not valid JSON: {exc.msg} at character {exc.pos + 1}",
                         "e.g. '[0.1, 0.2]', '{\"3\": 0.5}' for a sparse vector, or FIELD=JSON") from None
    except (ValueError, RecursionError):
        raise UsageError(f"{what} is nested too deeply or holds a number too long to read") from None
    if isinstance(value, list) and value and all(isinstance(v, (list, dict, str)) for v in value):
        items = value
    elif isinstance(value, (list, dict, str)) and value != [] and value != "":
        items = [value]
    else:
        raise UsageError(f"{what} needs a vector: a JSON list of numbers, an object of index: weight "
                         "(sparse), a hex string (binary), or a list of such")
    kinds = {type(v) for v in items}
    if len(kinds) > 1:
        raise UsageError(f"{what} mixes vectors of different kinds")
    for number, item in enumerate(items, 1):
        where = f"{what}, vector {number}," if len(items) > 1 else what
        if isinstance(item, dict):
            items[number - 1] = sparse_vector(item, where)
        elif isinstance(item, str):
            hex_bytes(item, where)
        else:
            check_vector(item, where)
    return QueryValues(field, tuple(items))


def sparse_vector(value: dict[str, Any], what: str) -> dict[int, float]:
    """{"3": 0.5} -> {3: 0.5}: indices are whole numbers 0..2^32-2, weights finite float32 numbers."""
    if not value:
        raise UsageError(f"{what} is an empty sparse vector")
    out: dict[int, float] = {}
    for key, weight in value.items():
        if not (key.isascii() and key.isdigit()) or int(key) > SPARSE_INDEX_MAX:
            raise UsageError(f"{what}: sparse index {key!r} is not a whole number from 0 to {SPARSE_INDEX_MAX}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) \
                or abs(weight) > FLOAT32_MAX:
            raise UsageError(f"{what}: the weight of index {key} is not a finite number: {json.dumps(weight)}")
        out[int(key)] = float(weight)
    return out


def hex_bytes(text: str, what: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise UsageError(f"{what}: {text[:30]!r} is not hex (a binary vector is a hex string, as export "
                         "writes it, or a list of bytes 0 to 255)") from None


def search_params(pairs: Sequence[str], index_type: str, metric: str, field: str) -> dict[str, Any]:
    """--param KEY=VALUE words checked against what ``index_type`` takes; {"metric_type", "params"}."""
    allowed = INDEX_SEARCH_PARAMS.get(index_type.upper(), ()) + ANY_INDEX_PARAMS
    params: dict[str, Any] = {}
    for pair in pairs:
        key, eq, text = pair.partition("=")
        if not eq or not key:
            raise UsageError(f"--param needs KEY=VALUE, not {pair!r}", "e.g. --param nprobe=16")
        if key == "metric_type":
            if text.upper() != metric.upper():
                raise UsageError(f"--param metric_type={text}: {field!r} is indexed with {metric or 'no metric'}",
                                 "a search uses its index's metric")
            continue
        if key not in allowed:
            index = f"the index on {field!r} ({index_type})" if index_type else f"{field!r} (no index)"
            raise UsageError(f"--param {key}: not a search parameter of {index}",
                             "it takes: " + ", ".join(allowed))
        params[key] = param_number(key, text)
    top: dict[str, Any] = {"metric_type": metric} if metric else {}
    top["params"] = params
    return top


def param_number(key: str, text: str) -> int | float:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    whole = key in WHOLE_PARAMS
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)) \
            or not math.isfinite(value):
        raise UsageError(f"--param {key} takes {'a whole number' if whole else 'a number'}, not {text!r}")
    return value


def parse_rerank(text: str | None, requests: int) -> tuple[str, tuple[float, ...]]:
    """--rerank rrf | rrf:K | weighted:W1,W2,...: one weight per request, each from 0 to 1."""
    word, _, rest = (text or "rrf").partition(":")
    word = word.lower()
    if word == "rrf":
        if not rest:
            return "rrf", (DEFAULT_RRF_K,)
        if not (rest.isascii() and rest.isdigit()) or not 0 < int(rest) < 16384:
            raise UsageError(f"--rerank rrf:K takes a whole number K from 1 to 16383, not {rest!r}")
        return "rrf", (int(rest),)
    if word == "weighted":
        weights = []
        for part in rest.split(","):
            try:
                w = float(part)
            except ValueError:
                w = math.nan
            if not 0 <= w <= 1:
                raise UsageError(f"--rerank weighted: {part.strip()!r} is not a weight from 0 to 1")
            weights.append(w)
        if len(weights) != requests:
            raise UsageError(f"--rerank weighted has {len(weights)} weights for {requests} searches",
                             "one weight per --vector/--text, in the order given")
        return "weighted", tuple(weights)
    raise UsageError(f"--rerank takes rrf, rrf:K or weighted:W1,W2,..., not {text!r}")


def score_label(plan: SearchPlan) -> str:
    if plan.hybrid and plan.rerank is not None:
        return "score (RRF)" if plan.rerank[0] == "rrf" else "score (weighted)"
    metric = plan.requests[0].metric.upper() if plan.requests else ""
    return SCORE_LABELS.get(metric, f"distance ({metric})" if metric else "distance")
