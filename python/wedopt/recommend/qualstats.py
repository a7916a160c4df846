# ruff: noqa: E501 -- SQL texts read better unbroken
"""pg_qualstats' real predicate statistics for the workload read from pg_stat_statements
(optional: used only when the extension is created in this database and its library is in
shared_preload_libraries).

The generic plan of a `$n` statement guesses the share of rows its filter keeps from the
column's average (1 / n_distinct): a statement the application always calls with a common
value (`tenant_id = $1`, always the big tenant) looks as selective as one called with rare
values. pg_qualstats counts, per statement (queryid and role) and per filter qual, the rows the
scan evaluated and the rows the filter removed. The rule (doc/recommend.md, "pg_qualstats"):

- for a statement of the workload (matched by role and queryid: only what
  `_workload_statements()` let through) whose generic plan reads a table by a sequential scan
  with a filter (a parallel one: Plan Rows times PostgreSQL's parallel divisor, leader taking
  part), and whose real executions evaluated that filter after a scan of the whole
  table (eval_type 'f', no index condition on it), the real kept share is
  (rows evaluated - rows removed) / rows evaluated, the planned one Plan Rows / reltuples;
- under a configuration of (hypothetical) indexes, every index scan of that table that runs
  once per execution to its end (not under a nested loop, a subplan or a Limit) has its cost
  scaled by real / planned (an index scan's cost grows with the rows it fetches); the
  statement's cost is then at most its cost without the new indexes (the planner, knowing the
  real rows, keeps the sequential scan).

Only the ratio of two counts pg_qualstats keeps is used: it samples executions
(pg_qualstats.sample_rate), which biases counts but not their ratio. Execution counts stay
pg_stat_statements' calls, which count every execution."""

from __future__ import annotations

from dataclasses import dataclass

INDEX_SCANS = frozenset({"Index Scan", "Index Only Scan", "Bitmap Heap Scan"})


@dataclass(frozen=True)
class RealShare:
    """What pg_qualstats saw of one statement's filter on one table, and what the plan said."""

    planned: float  # the generic plan's share of the rows the filter keeps
    real: float  # the share the real executions kept
    evaluated: float  # rows pg_qualstats saw evaluated (sampled executions)

    @property
    def ratio(self) -> float:
        return self.real / self.planned


def schema_if_loaded(plpy) -> str | None:
    """pg_qualstats' schema when it is created here and preloaded; else None (never an error)."""
    try:
        rows = plpy.execute(
            "SELECT n.nspname, pg_catalog.current_setting('shared_preload_libraries') AS preload "
            "FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) "
            "e.extnamespace WHERE e.extname OPERATOR(pg_catalog.=) 'pg_qualstats'"
        )
    except plpy.SPIError:
        return None
    if not rows:
        return None
    preload = [p.strip().strip('"') for p in (rows[0]["preload"] or "").split(",")]
    return rows[0]["nspname"] if "pg_qualstats" in preload else None


def read_filters(plpy, schema: str, keys: list[tuple[int, int]]) -> dict:
    """{(userid, queryid): {relid: (rows evaluated, rows removed, index conditions seen)}} for
    the given statements: per table the filter node pg_qualstats saw evaluate the most rows
    (every qual of a node carries the node's counts). Quals comparing two tables (joins) are
    left out. Empty on any error (pg_qualstats is optional)."""
    keys = [(u, q) for u, q in keys if u is not None and q is not None]
    if not keys:
        return {}
    qs = plpy.quote_ident(schema)
    try:
        rows = plpy.execute(
            plpy.prepare(
                "SELECT f.userid, f.queryid, f.relid, pg_catalog.max(f.evaluated) FILTER (WHERE f.eval_type OPERATOR(pg_catalog.=) 'f') AS evaluated, "
                "(pg_catalog.array_agg(f.filtered ORDER BY f.evaluated DESC) FILTER (WHERE f.eval_type OPERATOR(pg_catalog.=) 'f'))[1] AS filtered, "
                "pg_catalog.bool_or(f.eval_type OPERATOR(pg_catalog.=) 'i') AS indexed "
                "FROM (SELECT q.userid, q.queryid, coalesce(q.lrelid, q.rrelid) AS relid, q.eval_type, q.qualnodeid, "
                "pg_catalog.sum(q.execution_count)::float8 AS evaluated, pg_catalog.sum(q.nbfiltered)::float8 AS filtered "
                f"FROM {qs}.pg_qualstats() AS q JOIN ROWS FROM (pg_catalog.unnest($1::oid[]), pg_catalog.unnest($2::bigint[])) AS k(userid, queryid) "
                "ON k.userid OPERATOR(pg_catalog.=) q.userid AND k.queryid OPERATOR(pg_catalog.=) q.queryid "
                "WHERE q.dbid OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database AS d "
                "WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()) "
                "AND (q.lrelid IS NULL) OPERATOR(pg_catalog.<>) (q.rrelid IS NULL) "
                "GROUP BY 1, 2, 3, 4, 5) AS f GROUP BY 1, 2, 3",
                ["oid[]", "bigint[]"],
            ),
            [[u for u, _q in keys], [q for _u, q in keys]],
        )
    except plpy.SPIError:
        return {}
    found: dict = {}
    for r in rows:
        found.setdefault((r["userid"], r["queryid"]), {})[r["relid"]] = (
            float(r["evaluated"] or 0),
            float(r["filtered"] or 0),
            bool(r["indexed"]),
        )
    return found


def real_share(seen: tuple[float, float, bool] | None, acc, reltuples: float) -> RealShare | None:
    """The RealShare of one access, when the rule applies: the generic plan scans the table
    sequentially with a filter, the real executions filtered the whole table (no index
    condition on it), and both shares are known."""
    if seen is None or acc.scan_node_type != "Seq Scan" or acc.filter_conditions == 0:
        return None
    if acc.node_types.count("Seq Scan") != 1 or len(acc.node_types) != 1:
        return None
    evaluated, filtered, indexed = seen
    if indexed or evaluated <= 0 or reltuples <= 0 or acc.plan_rows <= 0:
        return None
    real = max(evaluated - filtered, 0.0) / evaluated
    planned = min(acc.plan_rows * acc.parallel_divisor / reltuples, 1.0)
    # a share below one row is one row: no filter keeps less
    real = max(real, 1.0 / reltuples)
    return RealShare(planned, real, evaluated)


def correction(plan: dict, schema: str, table: str, share: RealShare) -> float:
    """The cost to add to a plan of the statement: each index scan of the table that runs once
    per execution to its end (no nested loop, subplan or Limit above it), its cost scaled by
    real / planned (the caller caps the statement's cost at its cost without new indexes)."""
    delta = 0.0
    stack = [(plan["Plan"], False)]
    while stack:
        node, looped = stack.pop()
        kind = node.get("Node Type")
        if (
            kind in INDEX_SCANS
            and not looped
            and node.get("Relation Name") == table
            and node.get("Schema") == schema
        ):
            cost = float(node.get("Total Cost") or 0)
            delta += cost * share.ratio - cost
        # under a nested loop or a subplan it runs per outer row; under a Limit it stops early
        # (and a smaller share reads more rows before the limit): neither scales so
        below = looped or kind in ("Nested Loop", "Limit")
        stack.extend(
            (child, below or child.get("Parent Relationship") == "SubPlan")
            for child in node.get("Plans") or []
        )
    return delta
