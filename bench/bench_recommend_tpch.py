# ruff: noqa: E501 -- SQL texts read better on one line
"""The index advisor on a TPC-H-like schema and workload (data generated here, deterministic):
at storage budgets of 0.25x, 0.5x and 1x the data size, measured execution time of the workload
with no index, with single-column advice, with Extend (Schlosser et al., 2019) re-implemented
here from its published description, and with wedopt's selection."""

from __future__ import annotations

import os
import re
import statistics
import time

from bench.run import Result, Server

TITLE = "index advisor, TPC-H-like: workload ms at 0.25x / 0.5x / 1x data-size budgets"
SCALE = float(os.environ.get("WEDOPT_BENCH_TPCH_SCALE", "1"))
RUNS = int(os.environ.get("WEDOPT_BENCH_TPCH_RUNS", "7"))

SCHEMA = """
DROP SCHEMA IF EXISTS tpch CASCADE;
CREATE SCHEMA tpch;
CREATE TABLE tpch.nation (n_nationkey int PRIMARY KEY, n_name text NOT NULL, n_regionkey int NOT NULL);
CREATE TABLE tpch.supplier (s_suppkey int PRIMARY KEY, s_name text NOT NULL, s_nationkey int NOT NULL,
    s_acctbal numeric(12, 2) NOT NULL);
CREATE TABLE tpch.customer (c_custkey int PRIMARY KEY, c_name text NOT NULL, c_nationkey int NOT NULL,
    c_mktsegment text NOT NULL, c_acctbal numeric(12, 2) NOT NULL);
CREATE TABLE tpch.part (p_partkey int PRIMARY KEY, p_name text NOT NULL, p_type text NOT NULL,
    p_size int NOT NULL, p_brand text NOT NULL, p_retailprice numeric(12, 2) NOT NULL);
CREATE TABLE tpch.partsupp (ps_partkey int NOT NULL, ps_suppkey int NOT NULL, ps_availqty int NOT NULL,
    ps_supplycost numeric(12, 2) NOT NULL, PRIMARY KEY (ps_partkey, ps_suppkey));
CREATE TABLE tpch.orders (o_orderkey int PRIMARY KEY, o_custkey int NOT NULL, o_orderstatus text NOT NULL,
    o_totalprice numeric(12, 2) NOT NULL, o_orderdate date NOT NULL, o_orderpriority text NOT NULL);
CREATE TABLE tpch.lineitem (l_orderkey int NOT NULL, l_linenumber int NOT NULL, l_partkey int NOT NULL,
    l_suppkey int NOT NULL, l_quantity int NOT NULL, l_extendedprice numeric(12, 2) NOT NULL,
    l_discount numeric(4, 2) NOT NULL, l_returnflag text NOT NULL, l_shipdate date NOT NULL,
    l_commitdate date NOT NULL, l_receiptdate date NOT NULL, l_shipmode text NOT NULL,
    PRIMARY KEY (l_orderkey, l_linenumber));
"""

# Deterministic "random" values: multiplicative hashes of the row number, no random(), no clock.
GENERATE = """
INSERT INTO tpch.nation SELECT i, 'NATION' || i, i % 5 FROM generate_series(0, 24) AS i;
INSERT INTO tpch.supplier SELECT i, 'Supplier#' || i, (i * 7919) % 25, ((i * 104729) % 1099900) / 100.0 - 999
FROM generate_series(1::bigint, (1000 * {s})::int) AS i;
INSERT INTO tpch.customer SELECT i, 'Customer#' || i, (i * 7919) % 25,
    (ARRAY['BUILDING', 'AUTOMOBILE', 'MACHINERY', 'HOUSEHOLD', 'FURNITURE'])[(i * 31) % 5 + 1],
    ((i * 104729) % 1099900) / 100.0 - 999
FROM generate_series(1::bigint, (15000 * {s})::int) AS i;
INSERT INTO tpch.part SELECT i, 'part ' || i,
    (ARRAY['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'])[(i * 13) % 6 + 1] || ' BRUSHED TIN',
    (i * 37) % 50 + 1, 'Brand#' || ((i * 17) % 25 + 11), 900 + (i % 1000) / 10.0
FROM generate_series(1::bigint, (20000 * {s})::int) AS i;
INSERT INTO tpch.partsupp SELECT p, (p + k * 2503) % (1000 * {s})::int + 1, (p * k * 7) % 9999 + 1,
    ((p * 31 + k) % 100000) / 100.0
FROM generate_series(1::bigint, (20000 * {s})::int) AS p, generate_series(0::bigint, 3) AS k;
INSERT INTO tpch.orders SELECT i, (i * 7919) % (15000 * {s})::int + 1,
    CASE WHEN i % 20 = 0 THEN 'P' WHEN i % 2 = 0 THEN 'F' ELSE 'O' END,
    ((i * 104729) % 50000000) / 100.0, date '1992-01-01' + ((i * 7) % 2400)::int,
    (ARRAY['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'])[(i * 3) % 5 + 1]
FROM generate_series(1::bigint, (150000 * {s})::int) AS i;
INSERT INTO tpch.lineitem SELECT o, n, (o * 7 + n * 13) % (20000 * {s})::int + 1,
    (o * 3 + n) % (1000 * {s})::int + 1, (o + n * 7) % 50 + 1, ((o * 31 + n) % 100000) / 10.0,
    ((o + n) % 11) / 100.0, (ARRAY['A', 'N', 'R'])[(o + n) % 3 + 1],
    date '1992-01-01' + ((o * 7) % 2400 + (n * 11) % 120)::int, date '1992-01-01' + ((o * 7) % 2400 + 30 + n)::int,
    date '1992-01-01' + ((o * 7) % 2400 + (n * 11) % 120 + (o % 30))::int,
    (ARRAY['AIR', 'MAIL', 'SHIP', 'TRUCK', 'RAIL', 'FOB', 'REG AIR'])[(o * 5 + n) % 7 + 1]
FROM generate_series(1::bigint, (150000 * {s})::int) AS o, generate_series(1::bigint, 1 + (o % 4)) AS n;
"""

WORKLOAD = [
    "SELECT l_returnflag, sum(l_quantity), sum(l_extendedprice) FROM tpch.lineitem "
    "WHERE l_shipdate BETWEEN '1995-03-01' AND '1995-03-08' GROUP BY l_returnflag",
    "SELECT o_orderkey, o_orderdate, o_totalprice FROM tpch.orders WHERE o_custkey = 4242 ORDER BY o_orderdate DESC",
    "SELECT l.l_orderkey, sum(l.l_extendedprice * (1 - l.l_discount)) AS revenue, o.o_orderdate "
    "FROM tpch.customer AS c JOIN tpch.orders AS o ON o.o_custkey = c.c_custkey "
    "JOIN tpch.lineitem AS l ON l.l_orderkey = o.o_orderkey "
    "WHERE c.c_mktsegment = 'BUILDING' AND c.c_nationkey = 7 AND o.o_orderdate < '1995-03-15' "
    "AND o.o_orderdate > '1995-02-01' GROUP BY l.l_orderkey, o.o_orderdate ORDER BY revenue DESC LIMIT 10",
    "SELECT o_orderpriority, count(*) FROM tpch.orders AS o WHERE o.o_orderdate >= '1993-07-01' "
    "AND o.o_orderdate < '1993-07-15' AND EXISTS (SELECT 1 FROM tpch.lineitem AS l "
    "WHERE l.l_orderkey = o.o_orderkey AND l.l_commitdate < l.l_receiptdate) GROUP BY o_orderpriority",
    "SELECT l_orderkey, l_quantity, l_shipdate FROM tpch.lineitem WHERE l_partkey = 777",
    "SELECT sum(l_extendedprice * l_discount) FROM tpch.lineitem WHERE l_shipdate >= '1994-01-01' "
    "AND l_shipdate < '1994-01-20' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24",
    "SELECT p_partkey, p_name FROM tpch.part WHERE p_size = 15 AND p_brand = 'Brand#23'",
    "SELECT s.s_name, ps.ps_supplycost FROM tpch.partsupp AS ps JOIN tpch.supplier AS s "
    "ON s.s_suppkey = ps.ps_suppkey WHERE ps.ps_suppkey = 77 ORDER BY ps.ps_supplycost",
    "SELECT o_orderkey, o_totalprice FROM tpch.orders WHERE o_orderstatus = 'P' "
    "ORDER BY o_totalprice DESC LIMIT 20",
    "SELECT c_custkey, c_name, c_acctbal FROM tpch.customer WHERE c_nationkey = 7 AND c_acctbal > 9000",
    "SELECT l_shipmode, count(*) FROM tpch.lineitem WHERE l_receiptdate BETWEEN '1996-01-01' AND '1996-01-10' "
    "AND l_shipmode IN ('MAIL', 'SHIP') GROUP BY l_shipmode",
    "SELECT s_suppkey, s_name FROM tpch.supplier WHERE s_nationkey = 3 ORDER BY s_acctbal DESC LIMIT 5",
]
TABLES = ["nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


def _data_bytes(conn) -> int:
    return sum(
        conn.execute("SELECT pg_table_size(%s::regclass)", [f"tpch.{t}"]).fetchone()[0] for t in TABLES
    )


def _drop_secondary(conn) -> None:
    for (name,) in conn.execute(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_index AS i "
        "JOIN pg_class AS c ON c.oid = i.indexrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'tpch' AND NOT i.indisprimary"
    ).fetchall():
        conn.execute(f"DROP INDEX {name}")


def _cost(conn, sql: str) -> float:
    return float(conn.execute("EXPLAIN (FORMAT JSON) " + sql).fetchone()[0][0]["Plan"]["Total Cost"])


def _indexable(conn) -> dict[str, list[str]]:
    """Per query, the table.column names it filters, joins, groups or sorts on: Extend's input
    (the indexable attributes), read from the query text against the catalog's columns."""
    cols = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'tpch'"
    ).fetchall()
    found = {}
    for sql in WORKLOAD:
        clause = re.split(r"\bWHERE\b|\bON\b", sql, maxsplit=1)[-1]
        found[sql] = sorted({f"{t}.{c}" for t, c in cols if re.search(rf"\b{c}\b", clause)})
    return found


class Extend:
    """Extend (Schlosser, Kossmann, Boissier: "Efficient Scalable Multi-attribute Index Selection
    Using Recursive Strategies", ICDE 2019), from its description: start from the single-attribute
    indexes; each step takes the best ratio of cost reduction to added size among (a) a new
    single-attribute index and (b) one more attribute appended to an index already chosen; stop
    when nothing fits the budget or nothing improves. What-if costs and sizes from hypopg."""

    cache: dict = {}  # what-if results, shared by every run on the same data

    def __init__(self, conn, indexable: dict[str, list[str]], budget: int, single_only: bool = False):
        self.conn, self.indexable, self.budget, self.single_only = conn, indexable, budget, single_only

    def _evaluate(self, config: tuple) -> tuple[float, int]:
        if config in self.cache:
            return self.cache[config]
        oids, size = [], 0
        try:
            for table, cols in config:
                oid = self.conn.execute(
                    "SELECT indexrelid FROM hypopg_create_index(%s)",
                    [f"CREATE INDEX ON tpch.{table} ({', '.join(cols)})"],
                ).fetchone()[0]
                oids.append(oid)
                size += self.conn.execute("SELECT hypopg_relation_size(%s)", [oid]).fetchone()[0]
            cost = sum(_cost(self.conn, sql) for sql in WORKLOAD)
        finally:
            for oid in oids:
                self.conn.execute("SELECT hypopg_drop_index(%s)", [oid])
        self.cache[config] = (cost, size)
        return cost, size

    def run(self) -> list[str]:
        attrs = sorted({a for cols in self.indexable.values() for a in cols})
        config: tuple = ()
        cost, size = self._evaluate(config)
        while True:
            best = None
            steps = [(*config, (a.split(".")[0], (a.split(".")[1],))) for a in attrs]
            if not self.single_only:
                for i, (table, cols) in enumerate(config):
                    for a in attrs:
                        t, c = a.split(".")
                        if t == table and c not in cols:
                            steps.append((*config[:i], (table, (*cols, c)), *config[i + 1 :]))
            for step in steps:
                if step in (config,) or len(set(step)) < len(step):
                    continue
                new_cost, new_size = self._evaluate(tuple(step))
                if new_size > self.budget or new_cost >= cost:
                    continue
                ratio = (cost - new_cost) / max(new_size - size, 1)
                if best is None or ratio > best[0]:
                    best = (ratio, tuple(step), new_cost, new_size)
            if best is None:
                break
            _r, config, cost, size = best
        return [f"CREATE INDEX ON tpch.{t} ({', '.join(cols)})" for t, cols in config]


def _time_workload(conn) -> float:
    total = 0.0
    for sql in WORKLOAD:
        conn.execute(sql).fetchall()
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            conn.execute(sql).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        total += statistics.median(samples)
    return total


def _apply(conn, statements) -> int:
    _drop_secondary(conn)
    for s in statements:
        conn.execute(s.rstrip(";"))
    for t in TABLES:
        conn.execute(f"VACUUM ANALYZE tpch.{t}")
    return conn.execute(
        "SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0) FROM pg_index AS i JOIN pg_class AS c "
        "ON c.oid = i.indexrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'tpch' AND NOT i.indisprimary"
    ).fetchone()[0]


def run(server: Server) -> Result:
    dbname = server.new_database()
    rows, figures, notes = (
        [],
        {},
        [f"scale {SCALE:g}, median of {RUNS} runs per query, {len(WORKLOAD)} queries"],
    )
    with server.connect(dbname) as conn:
        conn.execute(SCHEMA)
        conn.execute(GENERATE.replace("{s}", str(SCALE)))
        for t in TABLES:
            conn.execute(f"VACUUM ANALYZE tpch.{t}")
        data = _data_bytes(conn)
        indexable = _indexable(conn)
        Extend.cache = {}
        _apply(conn, [])
        none_ms = _time_workload(conn)
        notes.append(f"data {data:,} bytes; no secondary index: {none_ms:.1f} ms")
        for factor in (0.25, 0.5, 1.0):
            budget = int(data * factor)
            sets = {}
            # every method advises the bare schema: the set measured last is still built here,
            # and an advisor that saw it would leave out what it already covers
            _apply(conn, [])
            started = time.perf_counter()
            sets["single-column"] = Extend(conn, indexable, budget, single_only=True).run()
            sets["extend"] = Extend(conn, indexable, budget).run()
            extend_s = time.perf_counter() - started
            started = time.perf_counter()
            sets["wedopt"] = [
                r[0]
                for r in conn.execute(
                    "SELECT statement FROM wedopt.recommend_indexes_for_workload(%s, NULL, %s) WHERE kind = 'create'",
                    [WORKLOAD, budget],
                ).fetchall()
            ]
            wedopt_s = time.perf_counter() - started
            row = [f"{factor:g}x", budget, round(none_ms, 1)]
            for name in ("single-column", "extend", "wedopt"):
                used = _apply(conn, sets[name])
                ms = _time_workload(conn)
                row += [round(ms, 1), used, len(sets[name])]
                figures[f"{factor:g}x {name} ms"] = round(ms, 1)
            rows.append(row)
            figures[f"{factor:g}x wedopt / extend"] = round(row[9] / max(row[6], 1e-9), 3)
            notes.append(
                f"{factor:g}x: advising took extend+single {extend_s:.1f} s, wedopt {wedopt_s:.1f} s"
            )
            for name, statements in sets.items():
                notes.append(f"{factor:g}x {name}: " + "; ".join(statements))
    return Result(
        columns=[
            "budget", "bytes", "none ms", "single ms", "single bytes", "n", "extend ms", "extend bytes", "n",
            "wedopt ms", "wedopt bytes", "n",
        ],
        rows=rows,
        figures=figures,
        notes=notes,
    )  # fmt: skip
