"""Operating a deployment: properties, truncate, partition loading, resource groups, privilege groups
(mixed into backend.Session). Every call goes through ``self.call`` (timeout, error translation);
what a server lacks is said from ``self.server`` (catalog.ServerCapabilities) before anything is sent
where the server's own answer would say nothing useful (Milvus Lite's "Method not implemented!").
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from ..catalog import ResourceGroupInfo, ServerCapabilities
from ..errors import ServerError
from ..wording import NO_ACCESS_CONTROL, Context, not_supported, reraise, server_shown, worded

LOAD_POLL_SECONDS = 0.2
NO_RESOURCE_GROUPS = "it runs in one process, so it has no resource groups or query nodes to place replicas on"
DEFAULT_RESOURCE_GROUP = "__default_resource_group"


def lite_lacks(server: ServerCapabilities, what: str, lacks: str) -> ServerError:
    """'WHAT: not supported by Milvus Lite (what it lacks)', as wording.py says it of other commands."""
    return ServerError(f"{what}: not supported by {'Milvus Lite' if server.is_lite else server.label} ({lacks})",
                       "unsupported")


class OperateOps:
    client: Any
    database: str
    server: ServerCapabilities
    call: Callable[..., Any]
    load_state: Callable[..., Any]
    list_partitions: Callable[[str], list[str]]

    # -- properties ---------------------------------------------------------------------------------
    def alter_collection(self, name: str, changes: dict[str, str], dropped: Sequence[str]) -> None:
        """Set ``changes`` and drop ``dropped`` properties of collection ``name``; on a server that
        cannot drop one (Milvus 2.3), nothing is sent."""
        if dropped and not self.server.dropping_collection_properties:
            raise ServerError(
                "--unset: " + not_supported(server_shown(self), "dropping a collection property (it keeps "
                                            "properties, and cannot drop one before Milvus 2.4); nothing changed"),
                "unsupported", f"--set {dropped[0]}=VALUE gives it another value")
        with worded(self, collection=name, command="alter collection",
                    action=f"change the properties of collection {name!r}"):
            if changes:
                self.call(self.client.alter_collection_properties, name, changes)
            if dropped:
                self.call(self.client.drop_collection_properties, name, list(dropped))

    def alter_database(self, name: str, changes: dict[str, str], dropped: Sequence[str]) -> None:
        with worded(self, names=(("database", name),), command="alter database",
                    action=f"change the properties of database {name!r}"):
            if changes:
                self.call(self.client.alter_database_properties, name, changes)
            if dropped:
                self.call(self.client.drop_database_properties, name, list(dropped))

    def database_properties(self, name: str) -> dict[str, str]:
        with worded(self, names=(("database", name),), command="describe database"):
            raw = self.call(self.client.describe_database, name)
        return {str(k): str(v) for k, v in dict(raw).items() if k != "name"}

    def truncate(self, name: str) -> None:
        with worded(self, collection=name, command="truncate", action=f"truncate collection {name!r}"):
            self.call(self.client.truncate_collection, name)

    # -- loading partitions, replicas, resource groups ----------------------------------------------
    def load_partitions(self, name: str, partitions: Sequence[str], wait: float,
                        progress: Callable[[int], None] = lambda percent: None,
                        replicas: int = 0, resource_groups: Sequence[str] = ()) -> float:
        """Load ``partitions`` of ``name`` (every one when empty: the whole collection) with
        ``replicas`` replicas in ``resource_groups``; wait up to ``wait`` seconds. Returns seconds."""
        if partitions and not self.server.partition_loading:
            raise lite_lacks(self.server, "load --partition", "it loads and releases whole collections only")
        if (replicas > 1 or resource_groups) and not self.server.resource_groups:
            raise lite_lacks(self.server, "load --replicas/--resource-group", NO_RESOURCE_GROUPS)
        if partitions:
            self._check_partitions(name, partitions)
        kwargs: dict[str, Any] = {"_async": True}
        if replicas:
            kwargs["replica_number"] = replicas
        if resource_groups:
            kwargs["resource_groups"] = list(resource_groups)
        started = time.monotonic()
        with worded(self, collection=name, action=f"load {name!r}"):
            if partitions:
                self.call(self.client.load_partitions, name, list(partitions), **kwargs)
            else:
                self.call(self.client.load_collection, name, **kwargs)
            while True:
                states = [self.load_state(name, p) for p in partitions or ("",)]
                if all(s.state == "loaded" for s in states):
                    progress(100)
                    return time.monotonic() - started
                percent = min((100 if s.state == "loaded" else s.progress or 0) for s in states)
                progress(percent)
                if time.monotonic() - started > wait:
                    raise ServerError(f"{name!r} is still loading ({percent}%) after {wait:g} s", "still-loading",
                                      f"it goes on loading on the server; show load {name} tells its state")
                time.sleep(LOAD_POLL_SECONDS)

    def release_partitions(self, name: str, partitions: Sequence[str]) -> None:
        if not self.server.partition_loading:
            raise lite_lacks(self.server, "release --partition", "it loads and releases whole collections only")
        self._check_partitions(name, partitions)
        with worded(self, collection=name, action=f"release partitions of {name!r}"):
            self.call(self.client.release_partitions, name, list(partitions))

    def _check_partitions(self, name: str, partitions: Sequence[str]) -> None:
        there = self.list_partitions(name)
        missing = [p for p in partitions if p not in there]
        if missing:
            raise ServerError(f"no partition {missing[0]!r} in collection {name!r}", "partition-not-found",
                              "its partitions: " + ", ".join(there))

    # -- resource groups ----------------------------------------------------------------------------
    def _resource_groups_here(self, what: str) -> None:
        if not self.server.resource_groups:
            raise lite_lacks(self.server, what, NO_RESOURCE_GROUPS)

    def list_resource_groups(self) -> list[str]:
        self._resource_groups_here("show resource groups")
        with worded(self, command="show resource groups"):
            return sorted(self.call(self.client.list_resource_groups))

    def describe_resource_group(self, name: str) -> ResourceGroupInfo:
        self._resource_groups_here("describe resource group")
        with worded(self, names=(("resource group", name),), command="describe resource group"):
            raw = self.call(self.client.describe_resource_group, name)
        config = getattr(raw, "config", None)
        requests = limits = None
        if config is not None and (config.HasField("requests") or config.HasField("limits")):
            requests, limits = int(config.requests.node_num), int(config.limits.node_num)
        nodes = tuple(f"node {n.node_id} ({n.address})" if getattr(n, "address", "") else f"node {n.node_id}"
                      for n in raw.nodes)
        capacity = int(raw.capacity) if not self.server.resource_group_config else None
        return ResourceGroupInfo(
            name=raw.name, capacity=capacity, available_nodes=int(raw.num_available_node),
            loaded_replicas=dict(raw.num_loaded_replica), incoming_nodes=dict(raw.num_incoming_node),
            outgoing_nodes=dict(raw.num_outgoing_node), requests=requests, limits=limits, nodes=nodes)

    def create_resource_group(self, name: str, requests: int | None = None, limits: int | None = None) -> None:
        self._resource_groups_here("create resource group")
        if name in self.list_resource_groups():
            raise ServerError(f"resource group {name!r} already exists", "exists", "show resource groups lists them")
        kwargs: dict[str, Any] = {}
        if requests is not None or limits is not None:
            if not self.server.resource_group_config:
                raise ServerError("create resource group --requests/--limits: " + not_supported(
                    server_shown(self), "a resource group's node requests and limits (from Milvus 2.4); "
                    "nothing created"), "unsupported")
            from pymilvus.client.types import ResourceGroupConfig  # noqa: PLC0415

            kwargs["config"] = ResourceGroupConfig(requests={"node_num": requests if requests is not None else 0},
                                                   limits={"node_num": limits if limits is not None else 0})
        with worded(self, names=(("resource group", name),), command="create resource group",
                    action=f"create resource group {name!r}"):
            self.call(self.client.create_resource_group, name, **kwargs)

    def drop_resource_group(self, name: str) -> None:
        self._resource_groups_here("drop resource group")
        if name not in self.list_resource_groups():  # Milvus 2.3.5 drops a missing group without a word
            raise ServerError(f"resource group {name!r} not found", "resource group-not-found",
                              "show resource groups lists them")
        with worded(self, names=(("resource group", name),), command="drop resource group",
                    action=f"drop resource group {name!r}"):
            self.call(self.client.drop_resource_group, name)

    def transfer_replica(self, collection: str, source: str, target: str, replicas: int) -> None:
        self._resource_groups_here("transfer replica")
        with worded(self, collection=collection, command="transfer replica",
                    action=f"move {replicas} replica{'s' if replicas != 1 else ''} of {collection!r} "
                           f"from {source!r} to {target!r}"):
            self.call(self.client.transfer_replica, source, target, collection, replicas)

    # -- privilege groups (Milvus 2.5 on) -----------------------------------------------------------
    def _privilege_groups_here(self, what: str) -> None:
        if self.server.is_lite:
            raise lite_lacks(self.server, what, NO_ACCESS_CONTROL)

    def list_privilege_groups(self) -> list[tuple[str, list[str]]]:
        self._privilege_groups_here("show privilege groups")
        with worded(self, command="show privilege groups"):
            raw = self.call(self.client.list_privilege_groups)
        return [(str(g.get("privilege_group", "")), list(g.get("privileges", ()))) for g in raw]

    def create_privilege_group(self, name: str, privileges: Sequence[str] = ()) -> None:
        self._privilege_groups_here("create privilege group")
        with worded(self, names=(("privilege group", name),), command="create privilege group"):
            self.call(self.client.create_privilege_group, name)
            if privileges:
                try:
                    self.call(self.client.add_privileges_to_group, name, list(privileges))
                except ServerError as exc:  # the group is made; its privileges were refused: undo
                    self.call(self.client.drop_privilege_group, name)
                    reraise(exc, Context(action=f"add {', '.join(privileges)} to privilege group {name!r}"), self)

    def drop_privilege_group(self, name: str) -> None:
        self._privilege_groups_here("drop privilege group")
        with worded(self, names=(("privilege group", name),), command="drop privilege group"):
            self.call(self.client.drop_privilege_group, name)

    def grant_privilege_v2(self, role: str, privilege: str, collection: str, database: str = "") -> None:
        """Grant a privilege or a privilege group on a collection (OperatePrivilegeV2, Milvus 2.5 on)."""
        self._privilege_v2(self.client.grant_privilege_v2, "grant privilege group", role, privilege, collection,
                           database)

    def revoke_privilege_v2(self, role: str, privilege: str, collection: str, database: str = "") -> None:
        self._privilege_v2(self.client.revoke_privilege_v2, "revoke privilege group", role, privilege, collection,
                           database)

    def _privilege_v2(self, fn: Callable[..., Any], what: str, role: str, privilege: str, collection: str,
                      database: str) -> None:
        self._privilege_groups_here(what)
        with worded(self, names=(("role", role), ("privilege group", privilege)), command=what):
            self.call(fn, role, privilege, collection, db_name=database or None)
