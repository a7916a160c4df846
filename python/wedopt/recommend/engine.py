# ruff: noqa: E501, PLR0912, PLR0915 -- SQL texts read better unbroken; the plan walk and the greedy loop are one loop each
"""The index advisor: candidates from the statements' plans, what-if costing with hypopg,
Extend-style greedy selection under index-count and storage budgets (each round the step with
the best benefit per added byte: a new index, or one more column on an index already chosen),
sizes from the statistics, the write cost from pg_stat_user_tables."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from dataclasses import dataclass, field

from ..diagnose import DiagnoseError
from ..diagnose.lexer import PUNCT, QIDENT, WORD, LexError, tokenize
from ..quoting import quote_ident
from . import candidates as cands
from . import qualstats
from .sizing import ColumnStats, btree_bytes, distinct_from_sample, gin_bytes, gin_bytes_from_sample
from .whatif import PlanError, WhatIf

PARTIAL_MAX_DISTINCT = 50
# rows read to estimate distinct key tuples and GIN keys (ANALYZE reads 300 x the statistics target)
SAMPLE_ROWS = 30000
_TSVECTOR_KEY = re.compile(
    r"^\(to_tsvector\('(?P<cfg>(?:[^']|'')+)'::regconfig,\s*(?P<arg>[^,()]+|\([^,()]+\)::\w+)\)\)$"
)
DEFAULTS = {
    "recommend.max_statements": 50,
    "recommend.min_improvement_pct": 2.0,
    "recommend.partial_max_share": 0.2,
}


@dataclass
class Statement:
    no: int
    text: str
    weight: float = 1.0
    plan: dict | None = None
    base_cost: float = 0.0
    accesses: list = field(default_factory=list)
    tables: frozenset = frozenset()
    error: PlanError | None = None
    key: tuple | None = None  # (userid, queryid) of a statement read from pg_stat_statements
    real_shares: dict = field(default_factory=dict)  # (schema, table) -> qualstats.RealShare


@dataclass
class Table:
    schema: str
    name: str
    oid: int
    reltuples: float
    relpages: float
    columns: dict  # name -> ColumnStats
    mcv: dict  # name -> (values, freqs)
    writes: dict
    indexes: list  # existing: dicts name, method, keys (text list), predicate, include, oid, size
    pg_trgm: bool = False
    heap_miss_share: float | None = None


def read_settings(plpy, schema: str) -> dict:
    settings = dict(DEFAULTS)
    for row in plpy.execute(
        f"SELECT d.name, {schema}.get_setting(d.name) AS value FROM {schema}.setting_default AS d "
        "WHERE d.area OPERATOR(pg_catalog.=) 'recommend'"
    ):
        try:
            settings[row["name"]] = float(row["value"])
        except (TypeError, ValueError):
            settings[row["name"]] = row["value"]
    return settings


class Advisor:
    def __init__(self, plpy, schema: str, whatif: WhatIf, settings: dict):
        self.plpy = plpy
        self.schema = schema
        self.w = whatif
        self.s = settings
        self.tables: dict[tuple[str, str], Table] = {}
        self._cost_cache: dict = {}
        self.config: dict = {}  # Candidate -> (oid, hypothetical name) alive now
        self.sizes: dict = {}
        self.write_penalty = False
        self.hypo_names: dict = {}  # every hypothetical index name made -> its candidate
        self.qual_filters: dict = {}  # pg_qualstats' counts per (userid, queryid), when used
        cands.PARTIAL_MAX_SHARE = float(self.s["recommend.partial_max_share"])

    # ---- the statements
    def load(
        self, texts: list[str], weights: list[float] | None = None, keys: list | None = None
    ) -> list[Statement]:
        stmts = []
        for i, text in enumerate(texts):
            st = Statement(
                i + 1, text, (weights[i] if weights else 1.0) or 1.0, key=keys[i] if keys else None
            )
            stmts.append(st)
            if text is None or not text.strip():
                st.error = PlanError("22023", "wedopt: the statement is empty")
                continue
            try:
                st.plan = self.w.plan(text)
            except PlanError as err:
                st.error = err
                continue
            st.base_cost = float(st.plan["Plan"].get("Total Cost") or 0)
            st.accesses, catalog = cands.read_accesses(st.plan)
            if not st.accesses and catalog:
                st.error = PlanError(
                    "0A000",
                    "wedopt: the statement reads only system catalogs ("
                    + ", ".join(f"{s}.{r}" for s, r in catalog)
                    + "); no index can be created on them",
                )
                continue
            for acc in st.accesses:
                self.table(acc.schema, acc.table)
            st.tables = frozenset((a.schema, a.table) for a in st.accesses)
            seen = self.qual_filters.get(st.key) or {}
            for acc in st.accesses:
                t = self.tables[(acc.schema, acc.table)]
                if sum(1 for a in st.accesses if (a.schema, a.table) == (acc.schema, acc.table)) != 1:
                    continue  # the table read twice: pg_qualstats' counts are per table
                share = qualstats.real_share(seen.get(t.oid), acc, t.reltuples)
                if share is not None:
                    st.real_shares[(acc.schema, acc.table)] = share
        return stmts

    def table(self, schema: str, name: str) -> Table:
        key = (schema, name)
        if key in self.tables:
            return self.tables[key]
        plpy = self.plpy
        q = plpy.prepare(
            "SELECT c.oid, c.reltuples::float8 AS reltuples, c.relpages::float8 AS relpages, "
            "coalesce(s.n_tup_ins, 0)::float8 AS ins, coalesce(s.n_tup_upd, 0)::float8 AS upd, "
            "coalesce(s.n_tup_del, 0)::float8 AS del, coalesce(s.n_tup_hot_upd, 0)::float8 AS hot "
            "FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) "
            "c.relnamespace LEFT JOIN pg_catalog.pg_stat_all_tables AS s ON s.relid OPERATOR(pg_catalog.=) c.oid "
            "WHERE n.nspname OPERATOR(pg_catalog.=) $1 AND c.relname OPERATOR(pg_catalog.=) $2",
            ["text", "text"],
        )
        rel = plpy.execute(q, [schema, name])[0]
        cols = plpy.execute(
            plpy.prepare(
                "SELECT a.attname, t.typlen, t.typalign, t.typname, s.avg_width, s.null_frac, s.n_distinct, "
                "s.most_common_vals::text::text[] AS mcv, s.most_common_freqs::float8[] AS mcf "
                "FROM pg_catalog.pg_attribute AS a JOIN pg_catalog.pg_type AS t ON t.oid OPERATOR(pg_catalog.=) "
                "a.atttypid LEFT JOIN pg_catalog.pg_stats AS s ON s.schemaname OPERATOR(pg_catalog.=) $2 AND "
                "s.tablename OPERATOR(pg_catalog.=) $3 AND s.attname OPERATOR(pg_catalog.=) a.attname "
                "AND NOT s.inherited WHERE a.attrelid OPERATOR(pg_catalog.=) $1 AND a.attnum OPERATOR(pg_catalog.>) 0 "
                "AND NOT a.attisdropped",
                ["oid", "text", "text"],
            ),
            [rel["oid"], schema, name],
        )
        columns, mcv = {}, {}
        for c in cols:
            width = c["avg_width"] if c["avg_width"] is not None else (c["typlen"] if c["typlen"] > 0 else 32)
            if c["avg_width"] is not None and c["typlen"] == -1:
                width += 0.5  # ANALYZE stores the average width rounded down to whole bytes
            columns[c["attname"]] = ColumnStats(
                float(width),
                float(c["null_frac"] or 0),
                float(c["n_distinct"] if c["n_distinct"] is not None else -1),
                int(c["typlen"]),
                c["typalign"],
                c["typname"],
            )
            if c["mcv"] is not None:
                mcv[c["attname"]] = (list(c["mcv"]), list(c["mcf"] or []))
        idx = plpy.execute(
            plpy.prepare(
                "SELECT i.indexrelid AS oid, ic.relname AS name, am.amname AS method, i.indnkeyatts AS nkeys, "
                "i.indisprimary, i.indisunique, i.indisreplident, i.indisvalid, "
                "pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate, "
                "ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) FROM "
                "pg_catalog.generate_series(1, i.indnatts) AS k) AS cols, "
                "pg_catalog.pg_relation_size(i.indexrelid) AS bytes, "
                "EXISTS (SELECT FROM pg_catalog.pg_constraint AS x WHERE x.conindid OPERATOR(pg_catalog.=) "
                "i.indexrelid) AS constraint_index, coalesce(st.idx_scan, 0) AS idx_scan "
                "FROM pg_catalog.pg_index AS i JOIN pg_catalog.pg_class AS ic ON ic.oid OPERATOR(pg_catalog.=) "
                "i.indexrelid JOIN pg_catalog.pg_am AS am ON am.oid OPERATOR(pg_catalog.=) ic.relam "
                "LEFT JOIN pg_catalog.pg_stat_all_indexes AS st ON st.indexrelid OPERATOR(pg_catalog.=) i.indexrelid "
                "WHERE i.indrelid OPERATOR(pg_catalog.=) $1 ORDER BY ic.relname",
                ["oid"],
            ),
            [rel["oid"]],
        )
        indexes = []
        for r in idx:
            cols_ = list(r["cols"])
            indexes.append(
                {
                    **r,
                    "keys": cols_[: r["nkeys"]],
                    "include": cols_[r["nkeys"] :],
                }
            )
        trgm = bool(
            plpy.execute(
                "SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_trgm'"
            )
        )
        t = Table(
            schema,
            name,
            rel["oid"],
            max(float(rel["reltuples"]), 0.0),
            float(rel["relpages"]),
            columns,
            mcv,
            {"inserts": rel["ins"], "updates": rel["upd"], "deletes": rel["del"], "hot_updates": rel["hot"]},
            indexes,
            trgm,
        )
        self.tables[key] = t
        return t

    def partial_share(self, schema, table, column, constant) -> float | None:
        """The share of rows a constant keeps, for a partial index: only a value of a column
        with few distinct values (a status, a type) that the statistics list among the most
        common ones; an id in a query text is no index predicate."""
        t = self.tables.get((schema, table))
        if t is None or column not in t.columns:
            return None
        st = t.columns[column]
        distinct = -st.n_distinct * t.reltuples if st.n_distinct < 0 else st.n_distinct
        values, _freqs = t.mcv.get(column, ([], []))
        if distinct > PARTIAL_MAX_DISTINCT or constant not in values:
            return None
        return self.selectivity(schema, table, column, constant)

    def selectivity(self, schema, table, column, constant) -> float | None:
        t = self.tables.get((schema, table))
        if t is None or column not in t.columns:
            return None
        values, freqs = t.mcv.get(column, ([], []))
        if constant in values:
            return float(freqs[values.index(constant)])
        st = t.columns[column]
        distinct = -st.n_distinct * t.reltuples if st.n_distinct < 0 else st.n_distinct
        rest = max(distinct - len(values), 1.0)
        return max(1.0 - sum(freqs) - st.null_frac, 0.0) / rest

    # ---- sizes and coverage
    def size(self, cand: cands.Candidate) -> int:
        if cand in self.sizes:
            return self.sizes[cand]
        t = self.tables[(cand.schema, cand.table)]
        rows = t.reltuples
        if cand.where:
            col = next((c for c, _v, text in self._constants(cand) if text == cand.where), None)
            share = None
            if col:
                const = next(v for c, v, text in self._constants(cand) if text == cand.where)
                share = self.selectivity(cand.schema, cand.table, col, const)
            rows *= share if share is not None else 0.1
        default = ColumnStats(32.0)

        def stats_for(key: str, col: str) -> ColumnStats:
            st = t.columns.get(col, default)
            if key.startswith("(") and "::date" in key or key.startswith("(date("):
                return ColumnStats(4.0, st.null_frac, st.n_distinct, 4, "i", "date")
            return st

        if cand.is_gin:
            sample = self.gin_sample(t, cand)
            if sample is not None:
                size = gin_bytes_from_sample(rows, t.relpages, sample[0], sample[1])
            else:
                size = gin_bytes(rows, t.columns.get(cand.columns[0], default), cand.kind)
        else:
            keys = [stats_for(k, c) for k, c in zip(cand.keys, cand.columns, strict=False)]
            include = [t.columns.get(c, default) for c in cand.include]
            distinct = None
            plain = all(
                _norm(k).removesuffix("desc") == _norm(quote_ident(c))
                for k, c in zip(cand.keys, cand.columns, strict=False)
            )
            if len(cand.keys) > 1 and plain and not cand.where and not cand.include:
                distinct = self.key_distinct(t, list(cand.columns))
            size = btree_bytes(rows, keys, include, distinct=distinct)
        self.sizes[cand] = size
        return size

    def _sample_from(self, t: Table) -> str:
        """The table, sampled to about SAMPLE_ROWS rows (SYSTEM, a fixed seed: the same sample
        every call) when it has more."""
        rel = f"{self.plpy.quote_ident(t.schema)}.{self.plpy.quote_ident(t.name)}"
        if t.reltuples <= SAMPLE_ROWS:
            return rel
        pct = max(min(100.0 * SAMPLE_ROWS / t.reltuples, 100.0), 0.0001)
        return f"{rel} TABLESAMPLE SYSTEM ({pct:.6f}) REPEATABLE (7)"

    def key_distinct(self, t: Table, columns: list[str]) -> float | None:
        """Distinct values of a multi-column key: the extended statistics' n_distinct when the
        table has them (CREATE STATISTICS ... (ndistinct)), else a sample's distinct tuples
        scaled by ANALYZE's Duj1 estimator. Correlated columns have far fewer pairs than the
        product of their distinct counts, and B-tree deduplication stores each once."""
        key = ("distinct", t.schema, t.name, tuple(columns))
        if key in self.sizes:
            return self.sizes[key]
        found = None
        try:
            nums = self.plpy.execute(
                self.plpy.prepare(
                    "SELECT a.attname, a.attnum FROM pg_catalog.pg_attribute AS a "
                    "WHERE a.attrelid OPERATOR(pg_catalog.=) $1 AND a.attnum OPERATOR(pg_catalog.>) 0",
                    ["oid"],
                ),
                [t.oid],
            )
            attnum = {r["attname"]: r["attnum"] for r in nums}
            want = ", ".join(str(n) for n in sorted(attnum[c] for c in columns if c in attnum))
            for r in self.plpy.execute(
                self.plpy.prepare(
                    "SELECT s.n_distinct::text AS nd FROM pg_catalog.pg_stats_ext AS s "
                    "WHERE s.schemaname OPERATOR(pg_catalog.=) $1 AND s.tablename OPERATOR(pg_catalog.=) $2 "
                    "AND s.n_distinct IS NOT NULL",
                    ["text", "text"],
                ),
                [t.schema, t.name],
            ):
                value = json.loads(r["nd"]).get(want)
                if value is not None:
                    found = float(value)
            if found is None:
                cols = ", ".join(self.plpy.quote_ident(c) for c in columns)
                r = self.plpy.execute(
                    "SELECT coalesce(sum(g.c), 0)::float8 AS n, count(*)::float8 AS d, "
                    "count(*) FILTER (WHERE g.c OPERATOR(pg_catalog.=) 1)::float8 AS f1 "
                    f"FROM (SELECT count(*) AS c FROM {self._sample_from(t)} GROUP BY {cols}) AS g"
                )[0]
                if r["n"]:
                    found = distinct_from_sample(r["n"], t.reltuples, r["d"], r["f1"])
        except self.plpy.SPIError:
            found = None
        self.sizes[key] = found
        return found

    def gin_sample(self, t: Table, cand: cands.Candidate):
        """(sample rows, histogram of the GIN keys the sampled rows give: (items of a key,
        keys with that many, their bytes)) for full text, trigrams and jsonb_ops; None when the
        key is not one of the shapes rebuilt here (the expression is rebuilt from its parts,
        never run as written) or the sample cannot be read."""
        key = ("gin", cand)
        if key in self.sizes:
            return self.sizes[key]
        qi, ql = self.plpy.quote_ident, self.plpy.quote_literal
        col = qi(cand.columns[0])
        inner = None
        if cand.kind == "gin-fts":
            m = _TSVECTOR_KEY.match(cand.keys[0])
            if m and _norm(m["arg"]).removesuffix("text") in (_norm(cand.columns[0]), _norm(col)):
                cfg = m["cfg"].replace("''", "'")
                inner = (
                    f"SELECT u.lexeme AS k, pg_catalog.octet_length(u.lexeme) + 1 AS w FROM "
                    f"(SELECT pg_catalog.to_tsvector({ql(cfg)}::regconfig, {col}::text) AS v FROM {{src}}) AS s, "
                    "pg_catalog.unnest(s.v) AS u"
                )
        elif cand.kind == "gin-trgm":
            rows = self.plpy.execute(
                "SELECT n.nspname FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n "
                "ON n.oid OPERATOR(pg_catalog.=) e.extnamespace WHERE e.extname OPERATOR(pg_catalog.=) 'pg_trgm'"
            )
            if rows:
                inner = (
                    f"SELECT k, 4 AS w FROM (SELECT {qi(rows[0]['nspname'])}.show_trgm({col}::text) AS a "
                    "FROM {src}) AS s, pg_catalog.unnest(s.a) AS k"
                )
        elif cand.kind == "gin-jsonb":
            inner = (
                "SELECT DISTINCT s.r, x.k, pg_catalog.octet_length(x.k) + 2 AS w FROM "
                f"(SELECT pg_catalog.row_number() OVER () AS r, {col}::jsonb AS j FROM {{src}}) AS s, LATERAL ("
                "SELECT 'K' OPERATOR(pg_catalog.||) o.key FROM pg_catalog.jsonb_path_query(s.j, 'strict $.**') AS v, "
                "pg_catalog.jsonb_each(CASE WHEN pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'object' THEN v END) AS o "
                "UNION ALL SELECT 'V' OPERATOR(pg_catalog.||) v::text FROM pg_catalog.jsonb_path_query(s.j, 'strict $.**') AS v "
                "WHERE pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.<>) ALL ('{object,array}')) AS x(k)"
            )
        found = None
        if inner is not None:
            src = self._sample_from(t)
            body = inner.replace("{src}", src)
            try:
                n = self.plpy.execute(f"SELECT count(*)::float8 AS n FROM {src}")[0]["n"]
                hist = self.plpy.execute(
                    "SELECT y.c::float8 AS c, count(*)::float8 AS keys, avg(y.w)::float8 AS w FROM "
                    f"(SELECT x.k, count(*) AS c, max(x.w) AS w FROM ({body}) AS x GROUP BY x.k) AS y "
                    "GROUP BY y.c"
                )
                if n:
                    found = (n, [(r["c"], r["keys"], r["w"]) for r in hist])
            except self.plpy.SPIError:
                found = None
        self.sizes[key] = found
        return found

    def _constants(self, cand):
        for st_acc in self._acc_index.get((cand.schema, cand.table), []):
            yield from st_acc.eq_constants

    def covered_by(self, cand: cands.Candidate) -> dict | None:
        """An existing valid index that already serves the candidate: same method, the
        candidate's keys as its leading keys, a predicate no narrower, the INCLUDE columns."""
        t = self.tables[(cand.schema, cand.table)]
        want = [_norm(k) for k in cand.keys]
        for ix in t.indexes:
            if not ix["indisvalid"] or ix["method"] != cand.method:
                continue
            have = [_norm(k) for k in ix["keys"]]
            if have[: len(want)] != want:
                continue
            if ix["predicate"] and _norm(ix["predicate"]) != _norm(cand.where or ""):
                continue
            everything = have + [_norm(k) for k in ix["include"]]
            if all(_norm(quote_ident(c)) in everything for c in cand.include):
                return ix
        return None

    # ---- costing
    def cost(self, st: Statement) -> float:
        """The statement's cost under the configuration alive now (cached per configuration of
        the tables it reads)."""
        key = (st.no, frozenset(c.definition() for c in self.config if (c.schema, c.table) in st.tables))
        if key not in self._cost_cache:
            plan = self.w.plan(st.text)
            self._cost_cache[key] = (float(plan["Plan"].get("Total Cost") or 0), plan)
        return (
            self._cost_cache[key][0]
            + self._gin_saving(st, key)
            + self._heap_fetch_penalty(st, key)
            + self._real_rows_correction(st, key)
        )

    def _real_rows_correction(self, st: Statement, key) -> float:
        """pg_qualstats' rule (python/wedopt/recommend/qualstats.py): the index scans of a table
        whose real filter share differs from the generic plan's, their cost scaled by real /
        planned; the statement then costs at most what it costs without the new indexes (the
        planner would keep its sequential scan)."""
        if not st.real_shares:
            return 0.0
        raw, plan = self._cost_cache[key]
        delta = sum(qualstats.correction(plan, s, t, share) for (s, t), share in st.real_shares.items())
        return min(raw + delta, max(st.base_cost, raw)) - raw

    def _heap_fetch_penalty(self, st: Statement, key) -> float:  # noqa: ARG002 -- one signature with _gin_saving
        """The planner prices every heap page an index-only scan skips at random_page_cost, as
        if none were cached; where the table's heap is read from shared buffers (its hit share
        in pg_statio_user_tables) that saving mostly does not show in execution. So the part of
        the gain that comes from a covering candidate's INCLUDE columns (the statement's cost
        with the same keys without them minus its cost with them, each alone) counts only at
        the table's miss share, at least seq_page_cost / random_page_cost; with several covering
        indexes on its tables, the largest such part."""
        worst = 0.0
        for cand in list(self.config):
            if not cand.include or (cand.schema, cand.table) not in st.tables:
                continue
            share = self.heap_miss_share(cand.schema, cand.table)
            if share < 1.0:
                worst = max(worst, (1.0 - share) * self._include_gain(st, cand))
        return worst

    def _include_gain(self, st: Statement, cand: cands.Candidate) -> float:
        pkey = ("include", st.no, cand)
        if pkey not in self._cost_cache:
            plain = dataclasses.replace(
                cand, include=(), kind="btree" if len(cand.keys) == 1 else "multi-column"
            )
            costs = []
            for config in ([plain], [cand]):
                ckey = (st.no, frozenset(c.definition() for c in config))
                if ckey not in self._cost_cache:
                    saved = list(self.config)
                    self._apply(config)
                    plan = self.w.plan(st.text)
                    self._cost_cache[ckey] = (float(plan["Plan"].get("Total Cost") or 0), plan)
                    self._apply(saved)
                costs.append(self._cost_cache[ckey][0])
            self._cost_cache[pkey] = (max(costs[0] - costs[1], 0.0), None)
        return self._cost_cache[pkey][0]

    def heap_miss_share(self, schema: str, table: str) -> float:
        t = self.tables[(schema, table)]
        if t.heap_miss_share is None:
            row = self.plpy.execute(
                self.plpy.prepare(
                    "SELECT s.heap_blks_read::float8 AS r, s.heap_blks_hit::float8 AS h, "
                    "pg_catalog.current_setting('seq_page_cost')::float8 AS spc, "
                    "pg_catalog.current_setting('random_page_cost')::float8 AS rpc "
                    "FROM pg_catalog.pg_statio_all_tables AS s WHERE s.relid OPERATOR(pg_catalog.=) $1",
                    ["oid"],
                ),
                [t.oid],
            )
            share = 1.0
            if row and (row[0]["r"] or 0) + (row[0]["h"] or 0) > 0:
                r = row[0]
                floor = min(r["spc"] / r["rpc"], 1.0) if r["rpc"] and r["rpc"] > 0 else 1.0
                share = max(r["r"] / (r["r"] + r["h"]), floor)
            t.heap_miss_share = share
        return t.heap_miss_share

    def plan_now(self, st: Statement) -> dict:
        self.cost(st)
        key = (st.no, frozenset(c.definition() for c in self.config if (c.schema, c.table) in st.tables))
        return self._cost_cache[key][1]

    def _gin_saving(self, st: Statement, key) -> float:
        """GIN cannot be simulated with hypopg: for a chosen GIN candidate on a table this
        statement scans sequentially with the matching condition, the scan's cost is replaced
        by PostgreSQL's bitmap-scan cost of the rows the planner expects (negative saving)."""
        saving = 0.0
        for cand in self.config:
            if not cand.is_gin or (cand.schema, cand.table) not in st.tables:
                continue
            for acc in st.accesses:
                if (acc.schema, acc.table) != (cand.schema, cand.table) or acc.scan_node_type != "Seq Scan":
                    continue
                if not any(k == cand.kind and ks == cand.keys[0] for k, ks, _c in acc.gin):
                    continue
                new = self.gin_scan_cost(cand, acc)
                saving -= max(acc.scan_cost - new, 0.0)
        return saving

    def gin_scan_cost(self, cand, acc) -> float:
        t = self.tables[(cand.schema, cand.table)]
        pages = max(t.relpages, 1.0)
        rows = max(acc.plan_rows, 1.0)
        # the GIN condition alone keeps at least the rows the whole filter keeps; the other
        # conditions are equalities whose selectivity the statistics give
        other = 1.0
        for col, const, _text in acc.eq_constants:
            share = self.selectivity(cand.schema, cand.table, col, const)
            if share:
                other *= share
        rows = min(rows / max(other, 1e-6), max(t.reltuples, 1.0))
        fetched = min(pages, 2 * pages * rows / (2 * pages + rows))  # Mackert-Lohman
        rpc, spc, cpu_t, cpu_i, cpu_op = 4.0, 1.0, 0.01, 0.005, 0.0025
        per_page = rpc - (rpc - spc) * math.sqrt(fetched / pages)
        index_cost = 4 * rpc + rows * cpu_i
        recheck = rows * (cpu_t + cpu_op * 100 * max(acc.filter_conditions, 1))
        return index_cost + fetched * per_page + recheck

    def _apply(self, config: list[cands.Candidate]) -> None:
        """Make exactly these candidates alive as hypothetical indexes (GIN ones are costed
        without hypopg)."""
        want = set(config)
        for cand in list(self.config):
            if cand not in want:
                oid, _name = self.config.pop(cand)
                if oid is not None:
                    self.w.drop(oid)
        for cand in config:
            if cand not in self.config:
                if cand.is_gin:
                    self.config[cand] = (None, None)
                else:
                    self.config[cand] = self.w.create(cand.hypothetical_statement())
                    self.hypo_names[self.config[cand][1]] = cand

    def workload_cost(self, stmts, config) -> dict:
        self._apply(config)
        return {st.no: self.cost(st) for st in stmts}

    # ---- selection
    def advise(self, stmts: list[Statement], max_indexes, budget_bytes) -> list[tuple]:
        rows: list[tuple] = []
        good = [st for st in stmts if st.error is None]
        self._acc_index = {}
        for st in good:
            for acc in st.accesses:
                self._acc_index.setdefault((acc.schema, acc.table), []).append(acc)
        # candidates, and which statements each can help
        pool: dict[cands.Candidate, set[int]] = {}
        for st in good:
            for acc in st.accesses:
                t = self.tables[(acc.schema, acc.table)]
                acc.needed = [c for c in acc.needed if c in t.columns]
                acc.eq = [c for c in acc.eq if c in t.columns]
                acc.joins = [c for c in acc.joins if c in t.columns]
                for cand in cands.candidates_for(acc, self.partial_share):
                    if cand.kind == "gin-trgm" and not t.pg_trgm:
                        continue
                    pool.setdefault(cand, set()).add(st.no)
        by_no = {st.no: st for st in good}
        covered: dict[str, tuple] = {}
        for cand in list(pool):
            ix = self.covered_by(cand)
            if ix is not None:
                helped = pool.pop(cand)
                if (
                    len(cand.keys) > 1
                    or cand.where
                    or cand.include
                    or cand.is_gin
                    or cand.kind == "expression"
                ):
                    covered.setdefault(ix["name"], (ix, cand, set()))[2].update(helped)
        base = {st.no: st.base_cost for st in good}
        # each candidate alone (Extend's first round, also the filter of useless ones)
        min_share = float(self.s["recommend.min_improvement_pct"]) / 100.0
        alone: dict[cands.Candidate, float] = {}
        for cand, nos in pool.items():
            try:
                costs = self.workload_cost([by_no[n] for n in nos], [cand])
            except PlanError:
                continue
            gain = sum(by_no[n].weight * (base[n] - costs[n]) for n in nos)
            if gain > 0.001 * sum(
                by_no[n].weight * base[n] for n in nos
            ):  # the budget loop applies the threshold
                alone[cand] = gain
        self._apply([])
        passes = [
            self._select(alone, by_no, base, max_indexes, budget_bytes, min_share, by_ratio)
            for by_ratio in (True, False)
        ]
        # the cheaper final set; within recommend.min_improvement_pct of it, the smaller one (a
        # cost difference a new index could not justify does not justify its bytes either)
        totals = [sum(by_no[n].weight * c for n, c in cur.items()) for _ch, cur in passes]
        best = min(totals)
        chosen = min(
            (p for p, t in zip(passes, totals, strict=True) if t <= best * (1 + min_share)),
            key=lambda p: sum(self.size(c) for c in p[0]),
        )[0]
        # the final configuration, planned once more: which statement uses which index
        self._apply(chosen)
        final_plans = {st.no: (self.cost(st), self.plan_now(st)) for st in good}
        used: dict[cands.Candidate, set[int]] = {c: set() for c in chosen}
        for no, (_cost, plan) in final_plans.items():
            for name in _index_names(plan):
                if self.hypo_names.get(name) in used:
                    used[self.hypo_names[name]].add(no)
        for cand in chosen:
            if cand.is_gin:
                used[cand] = {
                    st.no
                    for st in good
                    if any(
                        (a.schema, a.table) == (cand.schema, cand.table)
                        and any(k == cand.kind and ks == cand.keys[0] for k, ks, _ in a.gin)
                        for a in st.accesses
                    )
                }
        self._apply([])
        for cand in chosen:
            nos = sorted(used[cand])
            if not nos:
                continue
            helped = [
                {
                    "statement": _short(by_no[n].text),
                    "statement_no": n,
                    "cost_before": round(base[n], 2),
                    "cost_after": round(final_plans[n][0], 2),
                    "improvement_pct": round(_pct(base[n], final_plans[n][0]), 1),
                    "weight": by_no[n].weight,
                    **_real_share_note(by_no[n], cand),
                }
                for n in nos
            ]
            before = sum(by_no[n].weight * base[n] for n in nos)
            after = sum(by_no[n].weight * final_plans[n][0] for n in nos)
            rows.append(self._row("create", cand, before, after, helped))
        for _name, (ix, cand, nos) in covered.items():
            rows.append(
                (
                    "covered",
                    None,
                    f"{quote_ident(cand.schema)}.{quote_ident(cand.table)}",
                    list(cand.columns),
                    cand.method,
                    int(ix["bytes"]),
                    None,
                    None,
                    None,
                    json.dumps(
                        [{"statement": _short(by_no[n].text), "statement_no": n} for n in sorted(nos)]
                    ),
                    None,
                    f"already covered by the existing index {quote_ident(cand.schema)}.{quote_ident(ix['name'])} "
                    f"({', '.join(ix['keys'])}): nothing to add for {cand.body()}",
                    None,
                    None,
                )
            )
        for st in stmts:
            if st.error is not None:
                rows.append(
                    (
                        "error", None, None, None, None, None, None, None, None, None, None,
                        st.error.message + (f" (HINT: {st.error.hint})" if st.error.hint else ""),
                        st.error.sqlstate, st.text,
                    )
                )  # fmt: skip
        return rows

    def _select(self, alone, by_no, base, max_indexes, budget_bytes, min_share, by_ratio: bool):  # noqa: PLR0917
        """A greedy pass, then the final set re-costed together: members that no longer pay
        their way once the rest is present are dropped and the freed budget is filled again
        (twice at most)."""
        chosen, current = self._greedy(alone, by_no, base, max_indexes, budget_bytes, min_share, by_ratio)
        for _round in range(2):
            kept = self._prune(chosen, by_no, min_share)
            if len(kept) == len(chosen):
                break
            chosen, current = self._greedy(
                alone, by_no, base, max_indexes, budget_bytes, min_share, by_ratio, start=kept
            )
        return chosen, current

    def _prune(self, chosen, by_no, min_share) -> list:
        """The chosen set re-costed together: one at a time, the member whose removal raises the
        cost of the statements on its table least (per byte) goes, while that rise is no more
        than recommend.min_improvement_pct of their cost without it (what a new index must gain
        to be taken). A greedy never takes a step back: an index chosen early whose statements a
        later, wider one serves better keeps its budget otherwise."""
        chosen = list(chosen)
        while len(chosen) > 1:
            worst = None
            for cand in chosen:
                nos = [n for n, st in by_no.items() if (cand.schema, cand.table) in st.tables]
                rest = [c for c in chosen if c is not cand]
                try:
                    with_it = self.workload_cost([by_no[n] for n in nos], chosen)
                    without = self.workload_cost([by_no[n] for n in nos], rest)
                except PlanError:
                    continue
                loss = sum(by_no[n].weight * (without[n] - with_it[n]) for n in nos)
                loss -= self.write_cost(cand, None)
                affected = sum(by_no[n].weight * without[n] for n in nos) or 1.0
                if loss > min_share * affected:
                    continue
                per_byte = loss / max(self.size(cand), 8192)
                if worst is None or per_byte < worst[0]:
                    worst = (per_byte, cand)
            if worst is None:
                break
            chosen.remove(worst[1])
        return chosen

    def _greedy(self, alone, by_no, base, max_indexes, budget_bytes, min_share, by_ratio: bool, start=()):  # noqa: PLR0917
        """One greedy pass: each round the step with the best benefit per added byte (by_ratio)
        or the best benefit that fits (the knapsack's other greedy); the caller keeps the better.
        start: a set already chosen to go on from."""
        chosen: list[cands.Candidate] = list(start)
        current = dict(base)
        if chosen:
            current.update(self.workload_cost(list(by_no.values()), chosen))
        used_bytes = sum(self.size(c) for c in chosen)
        while True:
            options = []
            for cand in alone:
                if cand not in chosen and not any(c.definition() == cand.definition() for c in chosen):
                    options.append((cand, None))
            for old in chosen:
                if old.is_gin:
                    continue
                for cand in alone:
                    if (cand.schema, cand.table) == (old.schema, old.table) and not cand.is_gin:
                        # prefix merge: one index for both, the longer key with the union of
                        # their INCLUDE columns (two covering candidates on one key become one)
                        both = cands.merged(old, cand)
                        if both is not None:
                            options.append((both, old))
                        # one more column
                        for k, c in zip(cand.keys, cand.columns, strict=False):
                            if (
                                c not in old.columns
                                and len(old.keys) < cands.MAX_KEY_COLUMNS
                                and not old.include
                            ):
                                options.append((old.widened(k, c), old))
            best = None
            for cand, old in dict.fromkeys(options):
                if max_indexes is not None and old is None and len(chosen) >= max_indexes:
                    continue
                added = self.size(cand) - (self.size(old) if old is not None else 0)
                if budget_bytes is not None and used_bytes + added > budget_bytes:
                    continue
                nos = {n for n, st in by_no.items() if (cand.schema, cand.table) in st.tables}
                config = [c for c in chosen if c is not old] + [cand]
                try:
                    costs = self.workload_cost([by_no[n] for n in nos], config)
                except PlanError:
                    continue
                gain = sum(by_no[n].weight * (current[n] - costs[n]) for n in nos)
                gain -= self.write_cost(cand, old)
                affected = sum(by_no[n].weight * current[n] for n in nos) or 1.0
                if gain <= min_share * affected * (0.4 if old is not None else 1.0):
                    continue
                ratio = gain / max(added, 8192) if by_ratio else gain
                if best is None or ratio > best[0]:
                    best = (ratio, cand, old, costs, added)
            if best is None:
                break
            _ratio, cand, old, costs, added = best
            chosen = [c for c in chosen if c is not old] + [cand]
            used_bytes += added
            current.update(costs)
            if len(chosen) > 200:
                break
        return chosen, current

    def write_cost(self, cand, old) -> float:
        """Index maintenance in cost units, counted only for a workload read from
        pg_stat_statements (its weights are calls over the same period as the table's write
        counters)."""
        if not self.write_penalty or old is not None:
            return 0.0
        w = self.write_overhead(cand)
        return w["index_writes"] * 0.05

    def write_overhead(self, cand) -> dict:
        t = self.tables[(cand.schema, cand.table)]
        w = t.writes
        updated = self.updated_columns(t)
        hot = w["hot_updates"]
        broken = 0.0
        if updated:
            total = sum(updated.values()) or 1
            touching = sum(
                n
                for col, n in updated.items()
                if col in cand.columns or col in cand.include or _mentions(cand.where, col)
            )
            broken = hot * touching / total
        non_hot = w["updates"] - hot
        return {
            "inserts": w["inserts"],
            "updates": w["updates"],
            "hot_updates": hot,
            "hot_updates_broken": round(broken),
            "index_writes": round(w["inserts"] + non_hot + broken),
            "updated_columns_seen": sorted(updated),
            "counted_since": "the last statistics reset (pg_stat_user_tables)",
        }

    def updated_columns(self, t: Table) -> dict:
        """Columns the UPDATE statements in pg_stat_statements set on this table, by calls."""
        if not hasattr(self, "_updates"):
            self._updates = _read_updates(self.plpy)
        found: dict[str, float] = {}
        for text, calls in self._updates:
            target, cols = _update_target(text)
            if target and target.split(".")[-1] == t.name:
                for c in cols:
                    found[c] = found.get(c, 0) + calls
        return found

    def _row(self, kind, cand, before, after, helped) -> tuple:
        w = self.write_overhead(cand)
        gin_note = ""
        if cand.is_gin:
            gin_note = (
                "; hypopg cannot simulate GIN, so the gain is PostgreSQL's bitmap-scan cost of the rows the "
                "planner expects instead of the sequential scan"
            )
            if cand.kind == "gin-trgm":
                gin_note += " (pg_trgm is installed)"
        reason = {
            "btree": "the statements filter, join or sort on this column",
            "multi-column": "equality columns first, then the range, then the sort",
            "partial": f"the constant condition {cand.where} keeps few rows, so only those are indexed",
            "covering": "the INCLUDE columns let it answer from the index alone (index-only scan)",
            "expression": "the statements compare the expression, not the bare column",
            "gin-fts": "full-text search (@@) on this expression",
            "gin-trgm": "a LIKE pattern that starts with a wildcard",
            "gin-jsonb": "jsonb containment (@>)",
        }[cand.kind]
        real = [h["pg_qualstats"] for h in helped if "pg_qualstats" in h]
        if real:
            shares = ", ".join(
                "{:g}% real, {:g}% planned".format(r["real_rows_pct"], r["planned_rows_pct"])
                for r in real[:3]
            )
            gin_note += (
                f"; for {len(real)} of them the cost uses pg_qualstats' real share of the rows the filter "
                f"keeps ({shares})"
            )
        rationale = (
            f"{cand.kind} index: {reason}; it lowers the estimated cost of {len(helped)} statement(s) by "
            f"{_pct(before, after):.0f}% for about {_bytes(self.size(cand))}{gin_note}."
        )
        return (
            kind,
            cand.create_statement(),
            cand.relation,
            list(cand.columns),
            cand.method,
            self.size(cand),
            round(before, 2),
            round(after, 2),
            round(_pct(before, after), 1),
            json.dumps(helped),
            json.dumps(w),
            rationale,
            None,
            None,
        )


def _real_share_note(st: Statement, cand) -> dict:
    """statements_helped's pg_qualstats entry: the real and the planned share of the rows the
    statement's filter on the candidate's table keeps, when the costs used them."""
    share = st.real_shares.get((cand.schema, cand.table))
    if share is None:
        return {}
    return {
        "pg_qualstats": {
            "real_rows_pct": float(f"{100 * share.real:.3g}"),
            "planned_rows_pct": float(f"{100 * share.planned:.3g}"),
            "rows_evaluated": share.evaluated,
        }
    }


def _mentions(text: str | None, column: str) -> bool:
    """Whether a predicate text names the column (a partial index's WHERE reads it too)."""
    if not text:
        return False
    try:
        return any(t.kind in (WORD, QIDENT) and t.text.strip('"') == column for t in tokenize(text))
    except LexError:
        return False


def _norm(text: str) -> str:
    return "".join(ch for ch in (text or "").lower() if ch not in ' "()').replace("::text", "")


def _pct(before: float, after: float) -> float:
    return 100.0 * (before - after) / before if before > 0 else 0.0


def _bytes(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}"
        n /= 1024
    return f"{n:,.0f}"


def _short(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _index_names(plan: dict) -> set[str]:
    found, stack = set(), [plan["Plan"]]
    while stack:
        d = stack.pop()
        if d.get("Index Name"):
            found.add(d["Index Name"])
        stack.extend(d.get("Plans") or [])
    return found


def _read_updates(plpy) -> list[tuple[str, float]]:
    rows = plpy.execute(
        "SELECT n.nspname FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n "
        "ON n.oid OPERATOR(pg_catalog.=) e.extnamespace WHERE e.extname OPERATOR(pg_catalog.=) 'pg_stat_statements'"
    )
    if not rows:
        return []
    schema = plpy.quote_ident(rows[0]["nspname"])
    try:
        return [
            (r["query"], float(r["calls"]))
            for r in plpy.execute(
                f"SELECT s.query, s.calls FROM {schema}.pg_stat_statements AS s "
                "WHERE s.dbid OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database AS d "
                "WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()) "
                "AND s.query OPERATOR(pg_catalog.~*) '^\\s*update\\s'"
            )
        ]
    except plpy.SPIError:
        return []


def _update_target(text: str) -> tuple[str | None, list[str]]:
    """(table, columns set) of an UPDATE statement, read with the lexer."""
    try:
        toks = tokenize(text)
    except LexError:
        return None, []
    words = [t for t in toks]
    if not words or words[0].upper != "UPDATE":
        return None, []
    i = 1
    if i < len(words) and words[i].upper == "ONLY":
        i += 1
    name = []
    while i < len(words) and (words[i].kind in (WORD, QIDENT) or words[i].text == "."):
        if words[i].kind == WORD and words[i].upper in ("SET", "AS"):
            break
        name.append(words[i].text.strip('"'))
        i += 1
    cols, depth = [], 0
    while i < len(words) and words[i].upper != "SET":
        i += 1
    i += 1
    expect = True
    while i < len(words):
        t = words[i]
        if t.kind == PUNCT and t.text in "([":
            depth += 1
        elif t.kind == PUNCT and t.text in ")]":
            depth -= 1
        elif depth == 0 and t.kind == WORD and t.upper in ("WHERE", "FROM", "RETURNING"):
            break
        elif depth == 0 and t.text == ",":
            expect = True
        elif expect and t.kind in (WORD, QIDENT):
            cols.append(t.text.strip('"') if t.kind == QIDENT else t.text.lower())
            expect = False
        i += 1
    # tables: the last word before SET that is not an alias keyword (alias dropped)
    table = ".".join(n for n in name[:3] if n != ".")
    return (table or None), cols


# ---- the SQL functions' bodies


def recommend(plpy, schema: str, queries, max_indexes, budget_bytes, single: bool = False):  # noqa: PLR0917
    """Rows of wedopt._recommend_indexes()."""
    try:
        settings = read_settings(plpy, schema)
        weights = keys = None
        from_stats = queries is None
        if from_stats:
            queries, weights, keys = top_statements(plpy, schema, int(settings["recommend.max_statements"]))
        if max_indexes is not None and max_indexes < 0:
            raise DiagnoseError(
                "22023", "wedopt: max_indexes must be zero or more", "Pass NULL for no limit."
            )
        if budget_bytes is not None and budget_bytes < 0:
            raise DiagnoseError(
                "22023", "wedopt: storage_budget_bytes must be zero or more", "Pass NULL for no limit."
            )
        if len(queries) > settings["recommend.max_statements"] and not from_stats:
            raise DiagnoseError(
                "54000",
                f"wedopt: {len(queries)} statements, more than recommend.max_statements "
                f"({settings['recommend.max_statements']:.0f})",
                "Advise fewer at once, or raise it: SELECT wedopt.set_setting('recommend.max_statements', '...').",
            )
        with WhatIf(plpy, schema) as whatif:
            adv = Advisor(plpy, schema, whatif, settings)
            adv.write_penalty = from_stats
            qs_schema = qualstats.schema_if_loaded(plpy) if from_stats else None
            if qs_schema is not None:
                adv.qual_filters = qualstats.read_filters(plpy, qs_schema, keys)
            stmts = adv.load(list(queries), weights, keys)
            used = sum(1 for st in stmts if st.real_shares)
            if qs_schema is not None:
                plpy.notice(
                    f"wedopt: pg_qualstats is loaded: {used} of {len(stmts)} statement(s) are costed with the real "
                    "share of rows their filter keeps"
                )
            if single and stmts and stmts[0].error is not None:
                err = stmts[0].error
                raise DiagnoseError(
                    err.sqlstate, err.message, err.hint or "Check the statement runs on its own."
                )
            return adv.advise(stmts, max_indexes, budget_bytes)
    except DiagnoseError as err:
        err.raise_in(plpy)


def top_statements(plpy, schema: str, limit: int) -> tuple[list[str], list[float], list[tuple]]:
    """The workload read from pg_stat_statements: only the statements the caller may plan
    (wedopt._workload_statements: planning folds functions, with the caller's rights); their
    texts, calls and (userid, queryid), which pg_qualstats' counts are matched by."""
    try:
        found = plpy.execute(
            plpy.prepare(
                f"SELECT w.query, w.calls, w.userid, w.queryid FROM {schema}._workload_statements($1) AS w",
                ["integer"],
            ),
            [limit],
        )
    except plpy.SPIError as err:
        failed = PlanError.from_spi(err)
        raise DiagnoseError(failed.sqlstate, failed.message, failed.hint) from None
    return (
        [r["query"] for r in found],
        [r["calls"] for r in found],
        [(r["userid"], r["queryid"]) for r in found],
    )
