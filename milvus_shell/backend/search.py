"""Search as a SearchPlan says: one request (MilvusClient.search), several fused by a ranker
(hybrid_search), or every hit through a search iterator. Hits come back as plain dicts,
{"id": primary key, "distance": score, "entity": {...}}, shaped by data._plain_hit like plain search's.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Iterator

from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

from ..errors import ServerError
from ..searching import SearchPlan, SearchRequest
from ..wording import not_supported, worded
from .data import _plain_hit, close_cursor

if TYPE_CHECKING:
    from . import Session

ITERATOR_BATCH = 1000  # hits per search-iterator call
# pymilvus gives its client module a logger of its own (level INFO, its own stderr handler): its
# warning that a server lacks Search Iterator V2 would litter the output.
logging.getLogger("pymilvus.milvus_client").setLevel(logging.CRITICAL)


class SearchOps:
    """search_plan and search_stream (mixed into backend.Session)."""

    client: Any
    call: Callable[..., Any]
    timeout: float

    def search_plan(self, plan: SearchPlan) -> list[list[dict[str, Any]]]:
        """For each query, its hits best first."""
        extra = _extra(plan)
        with worded(self, collection=plan.collection, filter_expr=plan.filter):
            if plan.hybrid:
                results = self._hybrid(plan, extra)
            else:
                req = plan.requests[0]
                results = self.call(
                    self.client.search, plan.collection, data=list(req.data), anns_field=req.field,
                    limit=plan.limit, filter=plan.filter, output_fields=list(plan.fields),
                    search_params=req.params, partition_names=_parts(plan), **extra)
        return [[_plain_hit(h, plan.pk) for h in hits] for hits in results]

    def _hybrid(self, plan: SearchPlan, extra: dict[str, Any]) -> Any:
        assert plan.rerank is not None
        reqs = [AnnSearchRequest(data=list(r.data), anns_field=r.field, param=r.params, limit=plan.limit,
                                 expr=plan.filter or None) for r in plan.requests]
        kind, values = plan.rerank
        ranker = RRFRanker(int(values[0])) if kind == "rrf" else WeightedRanker(*values)
        try:
            return self.call(self.client.hybrid_search, plan.collection, reqs, ranker, limit=plan.limit,
                             output_fields=list(plan.fields), partition_names=_parts(plan), **extra)
        except ServerError as exc:
            if exc.kind == "unsupported":
                server = getattr(self, "server", None)
                label = server.label if server is not None else "this server"
                reason = exc.message.partition("): ")[2] if exc.message.startswith("not supported") else exc.message
                raise ServerError(not_supported(label, "hybrid search") + f" ({reason or exc.message})",
                                  "unsupported") from exc
            raise

    def search_stream(self, plan: SearchPlan) -> "HitStream":
        """Every hit of a one-vector search, in batches through a server-side search iterator."""
        req = plan.requests[0]
        with worded(self, collection=plan.collection, filter_expr=plan.filter):
            iterator = self.call(
                self.client.search_iterator, plan.collection, data=list(req.data), batch_size=ITERATOR_BATCH,
                filter=plan.filter or None, limit=-1 if plan.limit is None else plan.limit,
                output_fields=list(plan.fields), search_params=req.params, partition_names=_parts(plan),
                anns_field=req.field, **({"consistency_level": plan.consistency} if plan.consistency else {}))
        return HitStream(self, plan, iterator)  # type: ignore[arg-type]


def _parts(plan: SearchPlan) -> list[str] | None:
    return list(plan.partitions) if plan.partitions else None


def _extra(plan: SearchPlan) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if plan.group_by:
        extra["group_by_field"] = plan.group_by
        if plan.group_size:
            extra["group_size"] = plan.group_size
        if plan.strict_group_size:
            extra["strict_group_size"] = True
    if plan.consistency:
        extra["consistency_level"] = plan.consistency
    return extra


class HitStream:
    """Batches of hits ({"id", "distance", "entity"}) from a pymilvus search iterator; ``close`` frees
    it (idempotent). Each call carries the timeout the iterator was made with."""

    def __init__(self, session: "Session", plan: SearchPlan, iterator: Any) -> None:
        self._session = session
        self._plan = plan
        self._iterator = iterator
        self._closed = False
        self.batch_size = ITERATOR_BATCH  # fixed: a search iterator keeps its first size

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        try:
            while not self._closed:
                with worded(self._session, collection=self._plan.collection, filter_expr=self._plan.filter):
                    page = self._session.call(self._next)
                if not page:
                    return
                yield [_plain_hit(h, self._plan.pk) for h in page]
        finally:
            self.close()

    def _next(self, timeout: float) -> Any:
        return self._iterator.next()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            close_cursor(self._iterator)


__all__ = ["SearchOps", "HitStream", "SearchRequest"]
