"""Administering a server: users, roles and grants; and its inner state (segments, replicas,
compactions, the metrics API). The methods of AdminOps become methods of backend.Session.

Where pymilvus's MilvusClient has no wrapper (query-node segments, partition ids, GetMetrics), the
lower-level handler is reached as backend.Session._check_health does; every call still goes through
``self.call`` (timeout, error translation).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..catalog import CompactionInfo, Grant, NodeInfo, ReplicaInfo, SegmentInfo
from ..errors import ServerError
from ..wording import Context, reraise, worded

SEGMENT_STATES = {"Growing": "growing", "Sealed": "sealed", "Flushing": "flushing", "Flushed": "flushed",
                  "Importing": "importing", "Dropped": "dropped", "NotExist": "not found"}


def _state_name(value: Any) -> str:
    name = getattr(value, "name", None) or str(value)
    return SEGMENT_STATES.get(name, name.lower())


class AdminOps:
    """Users, roles, grants and a server's inner state (mixed into backend.Session)."""

    client: Any
    call: Callable[..., Any]
    server_version: str

    # -- users and roles ---------------------------------------------------------------------------
    def create_user(self, name: str, password: str) -> None:
        with worded(self, names=(("user", name),)):
            self.call(self.client.create_user, name, password)

    def user_exists(self, name: str) -> bool:
        """Whether ``name`` is a user; True when this user may not list users (the server decides)."""
        try:
            return name in self.call(self.client.list_users)
        except ServerError as exc:
            if exc.kind == "denied":
                return True
            raise

    def drop_user(self, name: str) -> None:
        if not self.user_exists(name):  # Milvus drops a missing user without a word
            raise ServerError(f"user {name!r} not found", "user-not-found", "show users lists them")
        self.call(self.client.drop_user, name)

    def update_password(self, name: str, old: str, new: str) -> None:
        with worded(self, names=(("user", name),)):
            self.call(self.client.update_password, name, old, new)

    def create_role(self, name: str) -> None:
        with worded(self, names=(("role", name),)):
            self.call(self.client.create_role, name)

    def drop_role(self, name: str) -> None:
        """Drop role ``name``; a refusal because it still holds grants names them."""
        try:
            self.call(self.client.drop_role, name)
        except ServerError as exc:
            held = self._grants_named(name) if "has privileges" in exc.message.lower() else ()
            reraise(exc, Context(names=(("role", name),), held=held), self)

    def _grants_named(self, role: str) -> tuple[str, ...]:
        """'Query on Collection books' for each grant of ``role``; () when they cannot be listed."""
        try:
            grants = self.list_grants(role)
        except ServerError:
            return ()
        return tuple(f"{g.privilege} on {g.object_type} {g.object_name}"
                     + (f" in database {g.database}" if g.database not in ("", "*", "default") else "")
                     for g in grants)

    def grant_role(self, user: str, role: str) -> None:
        self._role_and_user(self.client.grant_role, user, role)

    def revoke_role(self, user: str, role: str) -> None:
        self._role_and_user(self.client.revoke_role, user, role)

    def _role_and_user(self, fn: Callable[..., Any], user: str, role: str) -> None:
        with worded(self, names=(("user", user), ("role", role))):
            self.call(fn, user, role)

    def role_members(self) -> list[tuple[str, list[str]]]:
        """(role, its users) pairs."""
        handler = self.client._get_connection()  # noqa: SLF001 - list_roles drops the members
        info = self.call(handler.select_all_role, True)
        return [(g.role_name, list(g.users)) for g in info.groups]

    def grant_privilege(self, role: str, object_type: str, privilege: str, name: str, database: str = "") -> None:
        with worded(self, names=(("role", role),)):
            self.call(self.client.grant_privilege, role, object_type, privilege, name, db_name=database)

    def revoke_privilege(self, role: str, object_type: str, privilege: str, name: str, database: str = "") -> None:
        with worded(self, names=(("role", role),)):
            self.call(self.client.revoke_privilege, role, object_type, privilege, name, db_name=database)

    def list_grants(self, role: str) -> list[Grant]:
        with worded(self, names=(("role", role),)):
            raw = self.call(self.client.describe_role, role)
        return [Grant(object_type=str(g.get("object_type", "")), object_name=str(g.get("object_name", "")),
                      privilege=str(g.get("privilege", "")), database=str(g.get("db_name", "") or "*"),
                      grantor=str(g.get("grantor_name", "")), role=role)
                for g in raw.get("privileges", ())]

    # -- a collection's inner state ----------------------------------------------------------------
    def segments(self, name: str) -> list[SegmentInfo]:
        """Every segment the data coordinator keeps (sealed, flushed) and the query nodes hold
        (growing ones too, when loaded); the query nodes' view is left out where unsupported."""
        with worded(self, collection=name):
            stored = self.call(self.client.list_persistent_segments, name)
            try:
                loaded = list(self.call(self.client._get_connection().get_query_segment_info, name))  # noqa: SLF001
            except ServerError as exc:
                if exc.kind not in ("unsupported", "milvus-101", "not-loaded"):
                    raise
                loaded = []
            partitions = self.call(self._partition_names, name)
        held = {s.segmentID: s for s in loaded}
        found: list[SegmentInfo] = []
        for seg in stored:
            on = held.pop(seg.segment_id, None)
            found.append(SegmentInfo(
                segment_id=seg.segment_id, partition=partitions.get(seg.partition_id, str(seg.partition_id)),
                state=_state_name(seg.state), rows=int(seg.num_rows), level=_level(seg.level),
                index=on.index_name if on is not None else "",
                nodes=tuple(on.nodeIds or ([on.nodeID] if on.nodeID else [])) if on is not None else ()))
        for seg in held.values():  # growing segments: only the query nodes know them
            found.append(SegmentInfo(
                segment_id=seg.segmentID, partition=partitions.get(seg.partitionID, str(seg.partitionID)),
                state=_state_name(_segment_state(seg.state)), rows=int(seg.num_rows), index=seg.index_name,
                nodes=tuple(seg.nodeIds or ([seg.nodeID] if seg.nodeID else []))))
        return sorted(found, key=lambda s: (s.partition, s.segment_id))

    def _partition_names(self, name: str, timeout: float) -> dict[int, str]:
        from pymilvus.client.prepare import Prepare  # noqa: PLC0415
        from pymilvus.client.utils import check_status  # noqa: PLC0415

        handler = self.client._get_connection()  # noqa: SLF001 - list_partitions gives no ids
        response = handler._stub.ShowPartitions(Prepare.show_partitions_request(name), timeout=timeout)  # noqa: SLF001
        check_status(response.status)
        return dict(zip(response.partitionIDs, response.partition_names))

    def replicas(self, name: str) -> list[ReplicaInfo]:
        with worded(self, collection=name):
            raw = self.call(self.client.describe_replica, name)
        return [ReplicaInfo(
            replica_id=int(r.id), nodes=tuple(r.group_nodes),
            shards=tuple((s.channel_name, int(s.shard_leader), tuple(sorted(s.shard_nodes))) for s in r.shards),
            resource_group=str(r.resource_group or ""),
        ) for r in raw]

    def compact(self, name: str) -> int:
        with worded(self, collection=name):
            return int(self.call(self.client.compact, name))

    def compaction_state(self, job_id: int) -> CompactionInfo:
        handler = self.client._get_connection()  # noqa: SLF001 - MilvusClient gives the state only
        raw = self.call(handler.get_compaction_state, job_id)
        return CompactionInfo(job_id=job_id, state=_state_name(raw.state).lower(),
                              executing_plans=int(raw.in_executing), completed_plans=int(raw.completed),
                              timed_out_plans=int(raw.in_timeout))

    def server_nodes(self) -> list[NodeInfo]:
        """The nodes the metrics API (GetMetrics, system_info) reports."""
        text = self.call(self._system_info)
        try:
            data = json.loads(text or "{}")
        except ValueError as exc:
            raise ServerError(f"the server's metrics are not JSON: {exc}", "server") from exc
        nodes = []
        for node in data.get("nodes_info") or ():
            infos = node.get("infos") or {}
            hardware = infos.get("hardware_infos") or {}
            system = infos.get("system_info") or {}
            nodes.append(NodeInfo(
                name=str(infos.get("name", "")), role=str(infos.get("type", "")),
                version=str(system.get("build_version", "")), address=str(hardware.get("ip", "")),
                created=str(infos.get("created_time", "")).split(".")[0],
                memory_used=hardware.get("memory_usage"), memory_total=hardware.get("memory"),
                cpu_cores=hardware.get("cpu_core_count"), cpu_usage=hardware.get("cpu_core_usage"),
                error=str(infos.get("error_reason", "") if infos.get("has_error") else ""),
            ))
        return nodes

    def _system_info(self, timeout: float) -> str:
        from pymilvus.client.utils import check_status  # noqa: PLC0415
        from pymilvus.grpc_gen import milvus_pb2  # noqa: PLC0415

        handler = self.client._get_connection()  # noqa: SLF001 - GetMetrics has no public wrapper
        request = milvus_pb2.GetMetricsRequest(request=json.dumps({"metric_type": "system_info"}))
        response = handler._stub.GetMetrics(request, timeout=timeout)  # noqa: SLF001
        check_status(response.status)
        return str(response.response)


def _level(value: Any) -> str:
    """L0, L1, L2; Milvus 2.3.5's segments are all "Legacy", which says nothing: ""."""
    text = str(getattr(value, "name", value) or "")
    return "" if text in ("Legacy", "0") else text


def _segment_state(value: Any) -> Any:
    """A QuerySegmentInfo's state is the enum's number: its name, as for persistent segments."""
    from pymilvus.grpc_gen import common_pb2  # noqa: PLC0415

    try:
        return common_pb2.SegmentState.Name(int(value))
    except (ValueError, TypeError):
        return value

