"""The plan tree and its metrics: an EXPLAIN (FORMAT JSON) plan loaded, its nodes in
pre-order, and per node what plan visualizers compute — inclusive and exclusive time (loops
and parallel workers accounted for), exclusive cost, the row estimate factor and its
direction, rows removed by filters and rechecks, heap fetches, buffers."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from ..quoting import quote_ident as _quote_ident
from . import DiagnoseError

NOT_A_PLAN_HINT = (
    "Pass the output of EXPLAIN (FORMAT JSON) or of wedopt.execute_explain_query(); "
    "wedopt.analyze_query(query) does both."
)

SCAN_TYPES = frozenset(
    {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan", "Tid Range Scan"}
)
# Casts that are binary relabelings and do not keep an index on the column from being used.


@dataclass
class Node:
    node_id: int
    data: dict
    parent: Node | None
    depth: int
    parallel_divisor: float
    children: list[Node] = field(default_factory=list)
    # computed
    inclusive_ms: float | None = None
    exclusive_ms: float | None = None
    exclusive_cost: float = 0.0
    metrics: dict = field(default_factory=dict)

    @property
    def node_type(self) -> str:
        return self.data.get("Node Type", "?")

    @functools.cached_property
    def relation(self) -> str | None:
        rel = self.data.get("Relation Name")
        if rel is None:
            return None
        schema = self.data.get("Schema")
        return f"{_quote_ident(schema)}.{_quote_ident(rel)}" if schema else _quote_ident(rel)

    @property
    def loops(self) -> float:
        return float(self.data.get("Actual Loops") or 0)

    def total_rows(self) -> float:
        return float(self.data.get("Actual Rows") or 0) * self.loops

    def removed(self, key: str) -> float:
        """Rows removed (EXPLAIN prints a per-loop average), total over the loops."""
        return float(self.data.get(key) or 0) * max(self.loops, 1)


def load_plan(plan) -> dict:
    """The top object {"Plan": ..., "Planning Time": ...} of a plan given as text, list or dict."""
    if isinstance(plan, str):
        try:
            plan = json.loads(plan)
        except RecursionError:
            raise DiagnoseError(
                "54001", "wedopt: the plan is nested too deeply to analyze", NOT_A_PLAN_HINT
            ) from None
        except ValueError as exc:
            raise DiagnoseError(
                "22P02", f"wedopt: the plan is not valid json: {exc}", NOT_A_PLAN_HINT
            ) from None
    if isinstance(plan, list):
        if len(plan) != 1:
            raise DiagnoseError(
                "22023",
                f"wedopt: a plan is a json array of one object; this array has {len(plan)} elements",
                NOT_A_PLAN_HINT,
            )
        plan = plan[0]
    if not isinstance(plan, dict):
        raise DiagnoseError(
            "22023", "wedopt: the json is not an EXPLAIN plan (not an object)", NOT_A_PLAN_HINT
        )
    if "Plan" not in plan and "Node Type" in plan:
        plan = {"Plan": plan}
    if not isinstance(plan.get("Plan"), dict) or "Node Type" not in plan["Plan"]:
        raise DiagnoseError(
            "22023", 'wedopt: the json is not an EXPLAIN plan (no "Plan" with a "Node Type")', NOT_A_PLAN_HINT
        )
    return plan


def build_tree(root: dict) -> list[Node]:
    """The nodes in pre-order (node_id 0 is the root); iterative, so deep plans are fine."""
    nodes: list[Node] = []
    stack: list[tuple[dict, Node | None, int, float]] = [(root, None, 0, 1.0)]
    while stack:
        data, parent, depth, divisor = stack.pop()
        if not isinstance(data, dict) or "Node Type" not in data:
            raise DiagnoseError(
                "22023",
                f'wedopt: the json is not an EXPLAIN plan (node {len(nodes)} has no "Node Type")',
                NOT_A_PLAN_HINT,
            )
        node = Node(len(nodes), data, parent, depth, divisor)
        nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        child_divisor = divisor
        if data["Node Type"] in ("Gather", "Gather Merge"):
            launched = data.get("Workers Launched", data.get("Workers Planned", 0)) or 0
            child_divisor = float(launched) + 1.0
        children = data.get("Plans") or []
        if not isinstance(children, list):
            raise DiagnoseError(
                "22023", 'wedopt: the json is not an EXPLAIN plan ("Plans" is not a list)', NOT_A_PLAN_HINT
            )
        for child in reversed(children):
            stack.append((child, node, depth + 1, child_divisor))
    return nodes


def compute_metrics(nodes: list[Node], analyzed: bool) -> None:
    for node in reversed(nodes):  # children before parents
        d = node.data
        total_cost = float(d.get("Total Cost") or 0)
        child_cost = sum(float(c.data.get("Total Cost") or 0) for c in node.children)
        node.exclusive_cost = max(total_cost - child_cost, 0.0)
        m = node.metrics
        m["total_cost"] = total_cost
        m["exclusive_cost"] = round(node.exclusive_cost, 2)
        m["plan_rows"] = d.get("Plan Rows")
        if analyzed and "Actual Total Time" in d:
            # Actual Total Time is per loop; in a parallel subtree loops count every process,
            # which run at the same time: divide by their number for wall-clock time.
            node.inclusive_ms = float(d["Actual Total Time"]) * max(node.loops, 1) / node.parallel_divisor
            if node.loops == 0:
                node.inclusive_ms = 0.0
            children_ms = sum(c.inclusive_ms or 0.0 for c in node.children)
            node.exclusive_ms = max(node.inclusive_ms - children_ms, 0.0)
            m["inclusive_ms"] = round(node.inclusive_ms, 3)
            m["exclusive_ms"] = round(node.exclusive_ms, 3)
            m["actual_rows"] = node.total_rows()
            m["loops"] = node.loops
            est = float(d.get("Plan Rows") or 0)
            act = float(d.get("Actual Rows") or 0)
            if node.loops > 0:
                factor = max(est, act, 1.0) / max(min(est, act), 1.0)
                m["estimate_factor"] = round(factor, 1)
                m["estimate_direction"] = "under" if act > est else ("over" if act < est else "exact")
            for key, name in (
                ("Rows Removed by Filter", "rows_removed_by_filter"),
                ("Rows Removed by Join Filter", "rows_removed_by_join_filter"),
                ("Rows Removed by Index Recheck", "rows_removed_by_index_recheck"),
            ):
                if key in d:
                    m[name] = node.removed(key)
            if "Heap Fetches" in d:
                m["heap_fetches"] = d["Heap Fetches"]
        buffers = {
            name: d[key]
            for key, name in (
                ("Shared Hit Blocks", "shared_hit"),
                ("Shared Read Blocks", "shared_read"),
                ("Shared Written Blocks", "shared_written"),
                ("Temp Read Blocks", "temp_read"),
                ("Temp Written Blocks", "temp_written"),
            )
            if d.get(key)
        }
        if buffers:
            m["buffers"] = buffers
