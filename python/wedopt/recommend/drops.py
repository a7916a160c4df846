# ruff: noqa: E501 -- SQL texts read better unbroken
"""Drop advice: unused, duplicate and prefix-redundant indexes, with the bytes a drop saves.
Each drop is simulated before it is proposed as safe: the workload statements on the index's
table are planned with the index and without it, and a drop is safe when none gets slower.
Without the index means hypopg_hide_index() where the installed hypopg has it (1.4+); with
hypopg 1.3 (Debian 12) a DROP INDEX inside a subtransaction that is always rolled back, under a
short lock_timeout (it holds the table's ACCESS EXCLUSIVE lock for the few milliseconds of
planning, and needs the table's owner). Primary-key, unique, exclusion, constraint and
replica-identity indexes are never proposed."""

from __future__ import annotations

import json

from ..diagnose import DiagnoseError
from .engine import _short, read_settings, top_statements
from .whatif import PlanError, WhatIf

_CANDIDATES = """
SELECT i.indexrelid AS oid, n.nspname AS schema, c.relname AS table_name, ic.relname AS index_name,
       i.indrelid, am.amname AS method, i.indkey::text AS indkey, i.indclass::text AS indclass,
       i.indcollation::text AS indcollation, i.indoption::text AS indoption, i.indnkeyatts AS nkeys,
       coalesce(pg_catalog.pg_get_expr(i.indexprs, i.indrelid), '') AS exprs,
       coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid), '') AS pred,
       pg_catalog.pg_relation_size(i.indexrelid) AS bytes, coalesce(s.idx_scan, 0) AS idx_scan,
       (i.indisprimary OR i.indisunique OR i.indisexclusion OR i.indisreplident OR EXISTS (
           SELECT FROM pg_catalog.pg_constraint AS x WHERE x.conindid OPERATOR(pg_catalog.=) i.indexrelid
       )) AS protected,
       i.indisvalid, ic.relispartition OR EXISTS (
           SELECT FROM pg_catalog.pg_inherits AS h WHERE h.inhrelid OPERATOR(pg_catalog.=) i.indexrelid
       ) AS partition_child,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS definition
FROM pg_catalog.pg_index AS i
JOIN pg_catalog.pg_class AS ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) i.indrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
JOIN pg_catalog.pg_am AS am ON am.oid OPERATOR(pg_catalog.=) ic.relam
JOIN @extschema@._user_schemas() AS u ON u.oid OPERATOR(pg_catalog.=) n.oid
LEFT JOIN pg_catalog.pg_stat_all_indexes AS s ON s.indexrelid OPERATOR(pg_catalog.=) i.indexrelid
WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,m}')
ORDER BY n.nspname, c.relname, ic.relname
"""


def _q(plpy, schema, name) -> str:
    return f"{plpy.quote_ident(schema)}.{plpy.quote_ident(name)}"


def find_candidates(indexes: list[dict]) -> list[dict]:
    """(index, reason, kept_by) for every index that may go: pure, over catalog rows."""
    out = []
    by_table: dict = {}
    for ix in indexes:
        by_table.setdefault(ix["indrelid"], []).append(ix)
    for group in by_table.values():
        seen: dict = {}
        # protected indexes first, so that a duplicate of a constraint index is the one to go
        for ix in sorted(group, key=lambda x: (not x["protected"], x["oid"])):
            key = (
                ix["method"],
                ix["indkey"],
                ix["indclass"],
                ix["indcollation"],
                ix["indoption"],
                ix["exprs"],
                ix["pred"],
            )
            if key in seen:
                if not ix["protected"] and not ix["partition_child"]:
                    out.append((ix, "duplicate", seen[key]))
                continue
            seen[key] = ix
        reported = {c[0]["oid"] for c in out}
        for ix in group:
            if ix["protected"] or ix["partition_child"] or ix["oid"] in reported or not ix["indisvalid"]:
                continue
            if ix["method"] == "btree" and not ix["exprs"]:
                keys = ix["indkey"].split()
                nkeys = ix["nkeys"]
                cls = ix["indclass"].split()
                for other in group:
                    if other["oid"] == ix["oid"] or other["method"] != "btree" or other["oid"] in reported:
                        continue
                    okeys, ocls = other["indkey"].split(), other["indclass"].split()
                    if (
                        other["indisvalid"]
                        and not other["exprs"]
                        and other["nkeys"] > nkeys
                        and okeys[:nkeys] == keys[:nkeys]
                        and ocls[:nkeys] == cls[:nkeys]
                        and other["pred"] == ix["pred"]
                        and set(keys[nkeys:]) <= set(okeys)
                    ):
                        out.append((ix, "prefix_redundant", other))
                        reported.add(ix["oid"])
                        break
            if ix["oid"] not in reported and ix["idx_scan"] == 0:
                out.append((ix, "unused", None))
                reported.add(ix["oid"])
    return out


class _Rollback(Exception):
    pass


def recommend_drops(plpy, schema: str, queries):
    """Rows of wedopt._recommend_index_drops()."""
    try:
        settings = read_settings(plpy, schema)
        if queries is None:
            try:
                queries, weights, _keys = top_statements(
                    plpy, schema, int(settings["recommend.max_statements"])
                )
            except DiagnoseError:
                queries, weights = [], []
        else:
            weights = [1.0] * len(queries)
        max_slowdown = float(settings.get("recommend.drop_max_slowdown_pct", 1.0)) / 100.0
        indexes = list(plpy.execute(_CANDIDATES.replace("@extschema@", schema)))
        found = find_candidates(indexes)
        rows = []
        with WhatIf(plpy, schema) as whatif:
            plans = {}
            for i, text in enumerate(queries):
                try:
                    plans[i] = _tables_and_cost(whatif.plan(text))
                except PlanError:
                    continue
            for ix, reason, kept in found:
                touching = [
                    i for i, (tables, _c) in plans.items() if (ix["schema"], ix["table_name"]) in tables
                ]
                slower, how = [], None
                try:
                    costs, how = _costs_without(plpy, whatif, ix, [queries[i] for i in touching])
                    for i, cost in zip(touching, costs, strict=True):
                        before = plans[i][1]
                        if cost > before * (1 + max_slowdown) + 0.01:
                            slower.append(
                                {
                                    "statement": _short(queries[i]),
                                    "cost_with": round(before, 2),
                                    "cost_without": round(cost, 2),
                                    "weight": weights[i],
                                }
                            )
                    safe = not slower
                except PlanError as err:
                    safe, how = None, f"not simulated ({err.message})"
                rows.append(_row(plpy, ix, reason, kept, touching, slower, safe, how))
        return rows
    except DiagnoseError as err:
        err.raise_in(plpy)


def _tables_and_cost(plan: dict):
    tables, stack = set(), [plan["Plan"]]
    while stack:
        d = stack.pop()
        if d.get("Relation Name"):
            tables.add((d.get("Schema"), d["Relation Name"]))
        stack.extend(d.get("Plans") or [])
    return tables, float(plan["Plan"].get("Total Cost") or 0)


def _costs_without(plpy, whatif: WhatIf, ix, texts):
    if not texts:
        return [], "no workload statement reads the table"
    if whatif.can_hide:
        if not whatif.hide(ix["oid"]):
            raise PlanError("55000", "hypopg_hide_index() refused the index")
        try:
            return [float(whatif.plan(t)["Plan"]["Total Cost"]) for t in texts], "hypopg_hide_index()"
        finally:
            whatif.unhide(ix["oid"])
    costs: list[float] = []
    try:
        with plpy.subtransaction():
            plpy.execute("SET LOCAL lock_timeout = '200ms'")
            plpy.execute(f"DROP INDEX {_q(plpy, ix['schema'], ix['index_name'])}")
            costs = [float(whatif.plan(t)["Plan"]["Total Cost"]) for t in texts]
            raise _Rollback
    except _Rollback:
        pass
    except plpy.SPIError as err:
        raise PlanError(
            getattr(err, "sqlstate", None) or "XX000", str(err.args[0] if err.args else err)
        ) from None
    return costs, "DROP INDEX in a rolled-back subtransaction (hypopg 1.3 has no hypopg_hide_index)"


def _row(plpy, ix, reason, kept, touching, slower, safe, how):  # noqa: PLR0917 -- one row, in column order
    name = _q(plpy, ix["schema"], ix["index_name"])
    why = {
        "duplicate": f"it is the same index as {_q(plpy, ix['schema'], kept['index_name'])}" if kept else "",
        "prefix_redundant": f"its keys lead {_q(plpy, ix['schema'], kept['index_name'])}, which serves the same scans"
        if kept
        else "",
        "unused": f"it was never scanned since the statistics were reset ({ix['idx_scan']} scans)",
    }[reason]
    if safe is True:
        verdict = f"no workload statement gets slower without it ({len(touching)} checked, {how})"
    elif safe is False:
        verdict = f"{len(slower)} of {len(touching)} workload statements get slower without it: keep it or check them"
    else:
        verdict = f"the drop was {how}"
    return (
        f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
        name,
        _q(plpy, ix["schema"], ix["table_name"]),
        reason,
        int(ix["bytes"]),
        _q(plpy, ix["schema"], kept["index_name"]) if kept else None,
        len(touching),
        json.dumps(slower),
        safe,
        f"{reason.replace('_', '-')}: {why}; {verdict}; frees {int(ix['bytes']):,} bytes.",
    )
