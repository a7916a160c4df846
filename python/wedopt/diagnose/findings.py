# ruff: noqa: E501 -- messages and suggestions read better unbroken
"""The findings rules of the plan analyzer: per node of a plan tree (wedopt.diagnose.plantree)
and over the whole plan, rules whose thresholds are the diagnose.* settings turn metrics and
parsed predicates (wedopt.diagnose.predicates) into findings with executable suggestions."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ..quoting import quote_ident as _quote_ident
from ..recommend.candidates import single_key_suggestion
from . import DEFAULT_SETTINGS, DiagnoseError, read_settings
from .plantree import Node, build_tree, compute_metrics, load_plan
from .predicates import Conjunct, _is_tsvector_expression, index_suggestion, parse_filter


@dataclass
class Finding:
    node_id: int | None
    node_type: str | None
    relation: str | None
    code: str
    severity: int
    message: str
    suggestion: str | None
    evidence: dict

    def row(self) -> tuple:
        """A row of wedopt._analyze_plan (a tuple in the column order: PL/Python maps it by
        position, cheaper than a dict by name); evidence as json text, dumped once."""
        return (
            self.node_id,
            self.node_type,
            self.relation,
            self.code,
            self.severity,
            self.message,
            self.suggestion,
            json.dumps(self.evidence, sort_keys=True, default=str),
        )


def _time_weight(node: Node, total_ms: float | None) -> float:
    """0..1: the node's inclusive share of the execution time (1 when unknown)."""
    if node.inclusive_ms is None or not total_ms:
        return 1.0
    return min(node.inclusive_ms / total_ms, 1.0)


def _sev(base: int, extra: float) -> int:
    return max(0, min(100, int(round(base + extra))))


def _work_mem_for(kb: float) -> str:
    mb = max(1, math.ceil(kb / 1024))
    mb = 2 ** math.ceil(math.log2(mb))
    return f"{mb}MB"


class Analyzer:
    def __init__(self, plan: dict, settings: dict, reltuples: dict | None = None):
        self.plan = plan
        self.s = settings
        self.nodes = build_tree(plan["Plan"])
        self.analyzed = "Actual Total Time" in plan["Plan"] or "Execution Time" in plan
        compute_metrics(self.nodes, self.analyzed)
        self.execution_ms = plan.get("Execution Time")
        if self.execution_ms is None and self.analyzed:
            self.execution_ms = self.nodes[0].inclusive_ms
        self.reltuples = reltuples or {}
        self.findings: list[Finding] = []
        self._filters: dict = {}

    def filter(self, text: str, aliases: set[str]) -> list[Conjunct]:
        """parse_filter, once per text and aliases in a plan."""
        key = (text, frozenset(aliases))
        if key not in self._filters:
            self._filters[key] = parse_filter(text, aliases) if text else []
        return self._filters[key]

    def add(self, node: Node | None, code: str, severity: int, message: str, suggestion=None, **evidence):
        if node is not None:
            evidence = {**node.metrics, **evidence}
        self.findings.append(
            Finding(
                node.node_id if node else None,
                node.node_type if node else None,
                node.relation if node else None,
                code,
                severity,
                message,
                suggestion,
                evidence,
            )
        )

    def table_rows(self, node: Node) -> float | None:
        """Rows in the scanned table: pg_class.reltuples if known, else what the scan read."""
        key = (node.data.get("Schema"), node.data.get("Relation Name"))
        if key in self.reltuples and self.reltuples[key] >= 0:
            return self.reltuples[key]
        if self.analyzed and node.loops:
            return float(node.data.get("Actual Rows") or 0) + float(
                node.data.get("Rows Removed by Filter") or 0
            )
        return None

    def run(self) -> list[Finding]:
        for node in self.nodes:
            t = node.node_type
            aliases = {a for a in (node.data.get("Alias"), node.data.get("Relation Name")) if a}
            conj = self.filter(node.data["Filter"], aliases) if node.data.get("Filter") else []
            if t == "Seq Scan":
                self.rule_seq_scan(node, conj)
            if t in ("Index Scan", "Index Only Scan"):
                self.rule_index_filter(node, conj, aliases)
            if t == "Index Only Scan":
                self.rule_heap_fetches(node)
            if t == "Bitmap Heap Scan" and node.data.get("Lossy Heap Blocks"):
                self.rule_lossy(node)
            if t == "Sort":
                self.rule_sort_spill(node)
            if t == "Hash":
                self.rule_hash_batches(node)
            if t in ("Gather", "Gather Merge"):
                self.rule_workers(node)
            if t == "Nested Loop":
                self.rule_nested_loop(node)
            if t == "Limit":
                self.rule_offset(node)
            if node.relation and conj:
                self.rule_filter_expressions(node, conj)
            if self.analyzed:
                self.rule_misestimate(node)
                self.rule_repeated(node)
        self.rule_jit()
        self.rule_planning()
        self.rule_hotspots()
        self.findings.sort(key=lambda f: (-f.severity, f.node_id if f.node_id is not None else -1))
        return self.findings

    # -- scans
    def rule_seq_scan(self, node: Node, conj: list[Conjunct]) -> None:
        rows = self.table_rows(node)
        if rows is None or rows < self.s["diagnose.big_table_rows"] or not node.data.get("Filter"):
            return
        if self.analyzed:
            removed = node.removed("Rows Removed by Filter")
            read = removed + node.total_rows()
            share = removed / read if read else 0.0
        else:
            removed = None
            share = 1.0 - min(float(node.data.get("Plan Rows") or 0) / rows, 1.0) if rows else 0.0
        if share < self.s["diagnose.removed_rows_share"]:
            return
        suggestion, cols = index_suggestion(node.relation, conj)
        weight = _time_weight(node, self.execution_ms)
        what = (
            f"removes {share:.0%} of the rows it reads"
            if self.analyzed
            else f"keeps an estimated {1 - share:.1%}"
        )
        msg = f"Sequential scan of {node.relation} (~{rows:,.0f} rows) {what} through its filter"
        if cols:
            msg += f"; an index on ({', '.join(cols)}) would read only the matching rows"
        else:
            msg += "; no plain column in the filter can be indexed as is (see the other findings)"
        self.add(
            node, "seq_scan_filter", _sev(45, 40 * weight), msg, suggestion,
            table_rows=rows, removed_share=round(share, 4), rows_removed=removed,
            filter=node.data.get("Filter"), index_columns=cols,
        )  # fmt: skip

    def rule_index_filter(self, node: Node, conj: list[Conjunct], aliases: set[str]) -> None:
        if not self.analyzed or not node.data.get("Filter"):
            return
        removed = node.removed("Rows Removed by Filter")
        read = removed + node.total_rows()
        share = removed / read if read else 0.0
        if removed < self.s["diagnose.removed_rows_min"] or share < self.s["diagnose.removed_rows_share"]:
            return
        cond = self.filter(node.data.get("Index Cond") or "", aliases)
        cond_cols = [c.column for c in cond if c.column]
        combined = [Conjunct("", c, "=", None, None) for c in cond_cols] + conj
        suggestion, cols = index_suggestion(node.relation, combined)
        index = node.data.get("Index Name")
        msg = (
            f"{node.node_type} using {index} on {node.relation} reads {read:,.0f} rows and its filter removes "
            f"{share:.0%} of them: the index does not cover the filter"
        )
        if suggestion:
            msg += f"; an index on ({', '.join(cols)}) (or a partial index WHERE <filter>) would fit"
        self.add(
            node, "index_scan_filter", _sev(40, 35 * _time_weight(node, self.execution_ms)), msg, suggestion,
            index=index, index_cond=node.data.get("Index Cond"), filter=node.data.get("Filter"),
            rows_removed=removed, removed_share=round(share, 4),
        )  # fmt: skip

    def rule_heap_fetches(self, node: Node) -> None:
        if not self.analyzed:
            return
        fetches = float(node.data.get("Heap Fetches") or 0)
        rows = node.total_rows()
        share = fetches / rows if rows else 0.0
        if fetches < self.s["diagnose.heap_fetches_min"] or share < self.s["diagnose.heap_fetch_share"]:
            return
        self.add(
            node, "index_only_heap_fetches", _sev(30, 30 * share),
            f"Index-only scan of {node.relation} had to visit the heap for {fetches:,.0f} of {rows:,.0f} rows "
            f"({share:.0%}): the visibility map is out of date",
            f"VACUUM (ANALYZE) {node.relation};", heap_fetches=fetches, heap_fetch_share=round(share, 4),
        )  # fmt: skip

    def rule_lossy(self, node: Node) -> None:
        lossy = node.data.get("Lossy Heap Blocks") or 0
        exact = node.data.get("Exact Heap Blocks") or 0
        self.add(
            node, "lossy_bitmap", _sev(30, 30 * lossy / max(lossy + exact, 1)),
            f"Bitmap heap scan of {node.relation} went lossy on {lossy:,} of {lossy + exact:,} blocks: every row "
            f"of those blocks was rechecked ({node.metrics.get('rows_removed_by_index_recheck', 0):,.0f} removed): "
            "the bitmap did not fit in work_mem",
            f"SET work_mem = '{_work_mem_for(self._work_mem_kb() * 4)}';",
            lossy_blocks=lossy, exact_blocks=exact, work_mem_kb=self._work_mem_kb(),
        )  # fmt: skip

    # -- memory
    def _work_mem_kb(self) -> float:
        value = (self.plan.get("Settings") or {}).get("work_mem", "4MB")
        units = {"kB": 1, "MB": 1024, "GB": 1024 * 1024}
        for unit, mult in units.items():
            if str(value).endswith(unit):
                try:
                    return float(str(value)[: -len(unit)]) * mult
                except ValueError:
                    break
        return 4096.0

    def rule_sort_spill(self, node: Node) -> None:
        d = node.data
        spills = (
            [(d.get("Sort Method"), d.get("Sort Space Used"))] if d.get("Sort Space Type") == "Disk" else []
        )
        for worker in d.get("Workers") or []:
            if worker.get("Sort Space Type") == "Disk":
                spills.append((worker.get("Sort Method"), worker.get("Sort Space Used")))
        if not spills:
            return
        used = max(float(u or 0) for _, u in spills)
        # An in-memory sort needs roughly twice the space of the on-disk runs.
        need = _work_mem_for(used * 2)
        self.add(
            node, "sort_spill", _sev(40, 35 * _time_weight(node, self.execution_ms)),
            f"Sort ({spills[0][0]}) spilled {used:,.0f} kB to disk: work_mem "
            f"({self._work_mem_kb():,.0f} kB) is too small for it; raise work_mem for this query or session, "
            f"or give the rows in order from an index on {', '.join(d.get('Sort Key') or [])}",
            f"SET work_mem = '{need}';",
            sort_space_used_kb=used, work_mem_kb=self._work_mem_kb(), sort_key=d.get("Sort Key"),
        )  # fmt: skip

    def rule_hash_batches(self, node: Node) -> None:
        d = node.data
        batches = int(d.get("Hash Batches") or 0)
        if batches <= 1:
            return
        peak = float(d.get("Peak Memory Usage") or 0)
        need = _work_mem_for(peak * batches * 1.5)
        self.add(
            node, "hash_spill", _sev(40, 35 * _time_weight(node, self.execution_ms)),
            f"Hash used {batches} batches (planned {d.get('Original Hash Batches')}): the hash table did not fit in "
            f"work_mem x hash_mem_multiplier and spilled to disk; raise work_mem (or hash_mem_multiplier)",
            f"SET work_mem = '{need}';",
            hash_batches=batches, original_hash_batches=d.get("Original Hash Batches"),
            peak_memory_kb=peak, work_mem_kb=self._work_mem_kb(),
        )  # fmt: skip

    # -- joins, parallelism, loops
    def rule_workers(self, node: Node) -> None:
        planned = node.data.get("Workers Planned")
        launched = node.data.get("Workers Launched")
        if planned is None or launched is None or launched >= planned:
            return
        self.add(
            node, "workers_not_launched", _sev(30, 30 * (planned - launched) / planned),
            f"{node.node_type} planned {planned} parallel workers but launched {launched}: the worker pool "
            f"(max_parallel_workers / max_worker_processes) was exhausted; raise them, or lower "
            "max_parallel_workers_per_gather so plans match what can run",
            "SHOW max_parallel_workers; SHOW max_worker_processes;",
            workers_planned=planned, workers_launched=launched,
        )  # fmt: skip

    def rule_nested_loop(self, node: Node) -> None:
        inner = next((c for c in node.children if c.data.get("Parent Relationship") == "Inner"), None)
        if inner is None:
            return
        if self.analyzed:
            loops = inner.loops
            inner_ms = inner.inclusive_ms or 0.0
            share = inner_ms / self.execution_ms if self.execution_ms else 0.0
        else:
            outer = next((c for c in node.children if c.data.get("Parent Relationship") == "Outer"), None)
            loops = float(outer.data.get("Plan Rows") or 0) if outer else 0.0
            total = float(self.nodes[0].data.get("Total Cost") or 0)
            share = float(inner.data.get("Total Cost") or 0) * loops / total if total else 0.0
            share = min(share, 1.0)
        if loops < self.s["diagnose.nested_loop_min_loops"] or share < 0.3:
            return
        self.add(
            node, "nested_loop_many_loops", _sev(40, 40 * share),
            f"Nested loop ran its inner side ({inner.node_type}"
            f"{' on ' + inner.relation if inner.relation else ''}) {loops:,.0f} times, {share:.0%} of the "
            "time: a hash or merge join, or an index on the inner join key, would do better; ANALYZE the joined "
            "tables if the outer row count was misestimated, check the inner side has an index on the join key, "
            "and compare the plan with SET enable_nestloop = off",
            " ".join(f"ANALYZE {r};" for r in self._relations_under(node)) or None,
            inner_node_id=inner.node_id, inner_loops=loops, inner_share=round(share, 4),
        )  # fmt: skip

    def rule_offset(self, node: Node) -> None:
        if not self.analyzed or not node.children:
            return
        child = node.children[0]
        skipped = child.total_rows() - node.total_rows()
        if skipped < self.s["diagnose.large_offset"]:
            return
        self.add(
            node, "large_offset", _sev(30, 30 * _time_weight(node, self.execution_ms)),
            f"Limit read {child.total_rows():,.0f} rows to return {node.total_rows():,.0f}: an OFFSET of about "
            f"{skipped:,.0f} rows is produced and thrown away; page with a keyset instead: "
            "WHERE (sort_key) > (last value seen) ORDER BY sort_key LIMIT n",
            None,
            rows_skipped=skipped,
        )  # fmt: skip

    def rule_repeated(self, node: Node) -> None:
        rel = node.data.get("Parent Relationship")
        sub = node.data.get("Subplan Name") or ""
        is_sub = rel == "SubPlan" or (node.node_type == "CTE Scan" and node.loops > 1)
        if not is_sub or node.loops < self.s["diagnose.repeated_loops"]:
            return
        what = sub or f"CTE {node.data.get('CTE Name')}"
        share = (node.inclusive_ms or 0) / self.execution_ms if self.execution_ms else 0
        self.add(
            node, "repeated_subplan", _sev(35, 45 * min(share, 1)),
            f"{what} was executed {node.loops:,.0f} times (once per outer row), {share:.0%} of the time; rewrite "
            "the correlated subquery as a JOIN (or LEFT JOIN LATERAL with aggregation) so it runs once",
            None,
            subplan=what, loops=node.loops, share=round(share, 4),
        )  # fmt: skip

    # -- estimates
    def rule_misestimate(self, node: Node) -> None:
        factor = node.metrics.get("estimate_factor")
        if factor is None or factor < self.s["diagnose.misestimate_factor"]:
            return
        biggest = max(float(node.data.get("Plan Rows") or 0), float(node.data.get("Actual Rows") or 0))
        if biggest * max(node.loops, 1) < self.s["diagnose.misestimate_min_rows"]:
            return
        # Under a Limit a node stops early: fewer rows than planned is expected there.
        if node.metrics.get("estimate_direction") == "over" and self._under_limit(node):
            return
        # Report where a misestimate starts, not every node it propagates to.
        child_factor = max((c.metrics.get("estimate_factor") or 1 for c in node.children), default=1)
        if child_factor >= self.s["diagnose.misestimate_factor"] and factor < child_factor * 10:
            return
        band = 1000 if factor >= 1000 else 100 if factor >= 100 else 10
        severity = {1000: 70, 100: 55, 10: 35}[band]
        if node.metrics["estimate_direction"] == "over":
            severity -= 15  # too many rows expected costs less than too few (wrong join methods)
        relations = self._relations_under(node)
        direction = node.metrics["estimate_direction"]
        suggestion = "; ".join(f"ANALYZE {r}" for r in relations) + ";" if relations else None
        aliases = {a for a in (node.data.get("Alias"), node.data.get("Relation Name")) if a}
        cols = [c.column for c in self.filter(node.data.get("Filter") or "", aliases) if c.column]
        cols += [
            c.column
            for c in self.filter(node.data.get("Index Cond") or node.data.get("Recheck Cond") or "", aliases)
            if c.column
        ]
        cols = list(dict.fromkeys(cols))
        if node.relation and len(cols) >= 2:
            # PostgreSQL 15 wants a name: <table>_<columns>_stat, in the table's schema.
            stat = "_".join([node.data["Relation Name"], *cols, "stat"])[:63]
            schema = node.data.get("Schema")
            name = f"{_quote_ident(schema)}.{_quote_ident(stat)}" if schema else _quote_ident(stat)
            suggestion = (
                f"CREATE STATISTICS IF NOT EXISTS {name} ON {', '.join(_quote_ident(c) for c in cols)} "
                f"FROM {node.relation}; ANALYZE {node.relation};"
            )
        self.add(
            node, f"misestimate_{band}x", _sev(severity, 0),
            f"Row estimate {direction}estimated {factor:,.0f}x: planned {node.data.get('Plan Rows'):,} rows, got "
            f"{node.data.get('Actual Rows'):,} per loop; plans above this node rest on a wrong figure",
            suggestion, correlated_columns=cols if len(cols) >= 2 else None,
        )  # fmt: skip

    @staticmethod
    def _under_limit(node: Node) -> bool:
        parent = node.parent
        while parent is not None:
            if parent.node_type == "Limit":
                return True
            parent = parent.parent
        return False

    def _relations_under(self, node: Node) -> list[str]:
        found, stack = [], [node]
        while stack:
            n = stack.pop()
            if n.relation and n.relation not in found:
                found.append(n.relation)
            stack.extend(n.children)
        return found

    # -- expressions in filters
    def rule_filter_expressions(self, node: Node, conj: list[Conjunct]) -> None:
        scanned_all = node.node_type == "Seq Scan" or (
            self.analyzed and node.removed("Rows Removed by Filter") >= self.s["diagnose.removed_rows_min"]
        )
        for c in conj:
            if c.leading_wildcard and c.column:
                self.add(
                    node, "leading_wildcard_like", _sev(40, 30 * _time_weight(node, self.execution_ms)),
                    f"{c.text} starts with a wildcard: a btree index on {c.column} cannot serve it; a trigram "
                    "index can (or full-text search with a tsvector)",
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm; "
                    + single_key_suggestion(node.relation, f"{_quote_ident(c.column)} gin_trgm_ops", c.column, "gin"),
                    condition=c.text, column=c.column,
                )  # fmt: skip
            elif c.expression and c.op == "@@" and scanned_all and _is_tsvector_expression(c.expression):
                self.add(
                    node, "fulltext_without_index", _sev(45, 30 * _time_weight(node, self.execution_ms)),
                    f"Full-text search computes {c.expression} for every row it reads: a GIN index on that "
                    "expression serves the @@ match (the query must use the same expression, text search "
                    "configuration included)",
                    single_key_suggestion(node.relation, f"({c.expression})", c.expression_column, "gin"),
                    condition=c.text, expression=c.expression, column=c.expression_column,
                )  # fmt: skip
            elif c.expression and c.op != "@@" and scanned_all:
                self.add(
                    node, "function_on_column", _sev(40, 30 * _time_weight(node, self.execution_ms)),
                    f"The filter applies {c.expression} to column {c.expression_column}: an index on the column "
                    "cannot be used for it; index the expression, or rewrite the condition to compare the bare "
                    "column",
                    single_key_suggestion(node.relation, f"({c.expression})", c.expression_column),
                    condition=c.text, expression=c.expression, column=c.expression_column,
                )  # fmt: skip

    # -- plan-wide
    def rule_jit(self) -> None:
        jit = self.plan.get("JIT")
        if not jit or not self.execution_ms:
            return
        total = float((jit.get("Timing") or {}).get("Total") or 0)
        share = total / self.execution_ms
        if share < self.s["diagnose.jit_share"]:
            return
        self.add(
            None, "jit_overhead", _sev(30, 40 * min(share, 1)),
            f"JIT compilation took {total:,.1f} ms, {share:.0%} of the execution time, for "
            f"{jit.get('Functions')} functions; turn JIT off for this query or raise jit_above_cost / "
            "jit_optimize_above_cost / jit_inline_above_cost",
            "SET jit = off;",
            jit_ms=total, execution_ms=self.execution_ms, jit_share=round(share, 4),
        )  # fmt: skip

    def rule_planning(self) -> None:
        planning = self.plan.get("Planning Time")
        if planning is None or self.execution_ms is None:
            return
        share = planning / (planning + self.execution_ms) if planning + self.execution_ms else 0
        if planning < self.s["diagnose.planning_min_ms"] or share < self.s["diagnose.planning_share"]:
            return
        self.add(
            None, "planning_dominates", _sev(25, 30 * share),
            f"Planning took {planning:,.1f} ms, {share:.0%} of the total: the query is cheap to run but costly to "
            "plan (many joins or partitions); use a prepared statement (plan_cache_mode = auto reuses a generic "
            "plan), reduce the number of partitions, or lower join_collapse_limit / from_collapse_limit",
            None,
            planning_ms=planning, execution_ms=self.execution_ms, planning_share=round(share, 4),
        )  # fmt: skip

    def rule_hotspots(self) -> None:
        if len(self.nodes) < 2:
            return
        costliest = max(self.nodes, key=lambda n: n.exclusive_cost)
        total_cost = sum(n.exclusive_cost for n in self.nodes)
        share = costliest.exclusive_cost / total_cost if total_cost else 0
        self.add(
            costliest, "costliest_node", _sev(5, 10 * min(share, 1)),
            f"Costliest node: {costliest.node_type}{' on ' + costliest.relation if costliest.relation else ''} "
            f"carries {share:.0%} of the estimated cost",
            None, cost_share=round(share, 4),
        )  # fmt: skip
        if self.analyzed and self.execution_ms:
            slowest = max(self.nodes, key=lambda n: n.exclusive_ms or 0)
            share = (slowest.exclusive_ms or 0) / self.execution_ms
            self.add(
                slowest, "slowest_node", _sev(5, 15 * min(share, 1)),
                f"Slowest node: {slowest.node_type}{' on ' + slowest.relation if slowest.relation else ''} "
                f"spent {slowest.exclusive_ms:,.1f} ms, {share:.0%} of the execution time, in itself",
                None, time_share=round(share, 4),
            )  # fmt: skip


def analyze(plan, settings: dict | None = None, reltuples: dict | None = None) -> list[Finding]:
    """Findings for a plan (text, list or dict); pure Python."""
    return Analyzer(load_plan(plan), settings or dict(DEFAULT_SETTINGS), reltuples).run()


def _reltuples(plpy, plan: dict) -> dict:
    rels = set()
    stack = [plan["Plan"]]
    while stack:
        d = stack.pop()
        if d.get("Relation Name") and d.get("Schema"):
            rels.add((d["Schema"], d["Relation Name"]))
        stack.extend(d.get("Plans") or [])
    if not rels:
        return {}
    plan_q = plpy.prepare(
        "SELECT n.nspname, c.relname, c.reltuples::float8 AS reltuples "
        "FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) "
        "c.relnamespace WHERE n.nspname OPERATOR(pg_catalog.=) ANY ($1) AND c.relname OPERATOR(pg_catalog.=) "
        "ANY ($2)",
        ["text[]", "text[]"],
    )
    rows = plpy.execute(plan_q, [[r[0] for r in rels], [r[1] for r in rels]])
    return {
        (r["nspname"], r["relname"]): r["reltuples"] for r in rows if (r["nspname"], r["relname"]) in rels
    }


def analyze_plan(plpy, plan_text: str, schema: str) -> list[tuple]:
    """Rows of wedopt._analyze_plan(plan)."""
    try:
        plan = load_plan(plan_text)
        settings = read_settings(plpy, schema)
        return [f.row() for f in Analyzer(plan, settings, _reltuples(plpy, plan)).run()]
    except DiagnoseError as err:
        err.raise_in(plpy)
