"""The observe functions on a database with 10,000 small tables, against an empty one."""

import time

from bench.run import Result, Server

TITLE = "observe: ms per call of each figures function and check_health(), 10,000 tables vs none"

TABLES = 10_000
TARGET_MS = 3000  # "cheap": well under a few seconds on 10,000 tables
CALLS = [
    "SELECT count(*) FROM wedopt.get_table_stats()",
    "SELECT count(*) FROM wedopt.get_index_stats()",
    "SELECT count(*) FROM wedopt.get_table_vacuum_stats()",
    "SELECT count(*) FROM wedopt.get_cache_hit_ratio()",
    "SELECT count(*) FROM wedopt.get_index_hit_ratio()",
    "SELECT count(*) FROM wedopt.get_connection_stats()",
    "SELECT count(*) FROM wedopt.get_slow_queries(0, 20)",
    "SELECT count(*) FROM wedopt.get_lock_waits()",
    "SELECT count(*) FROM wedopt.get_long_running_queries()",
    "SELECT count(*) FROM wedopt.get_long_running_transactions()",
    "SELECT count(*) FROM wedopt.get_table_bloat()",
    "SELECT count(*) FROM wedopt.get_index_bloat()",
    "SELECT count(*) FROM wedopt.get_wraparound_risk()",
    "SELECT count(*) FROM wedopt.get_sequence_exhaustion()",
    "SELECT count(*) FROM wedopt.get_replication_status()",
    "SELECT count(*) FROM wedopt.get_replication_slots()",
    "SELECT count(*) FROM wedopt.check_health()",
    "SELECT score FROM wedopt.health_score()",
    "SELECT count(*) FROM wedopt.check_alerts()",
    "SELECT count(*) FROM wedopt.snapshot_stats()",
]

# Committing every 500 tables keeps the lock table from overflowing; every 10th table has a
# foreign key (unindexed) to the one before, for check_health() to find.
CREATE_TABLES = f"""
DO $$
BEGIN
    FOR i IN 1..{TABLES} LOOP
        IF i % 10 = 0 THEN
            EXECUTE format(
                'CREATE TABLE bench.t%s (id int PRIMARY KEY, ref int REFERENCES bench.t%s, v int)', i, i - 1);
        ELSE
            EXECUTE format('CREATE TABLE bench.t%s (id int PRIMARY KEY, ref int, v int)', i);
        END IF;
        EXECUTE format('INSERT INTO bench.t%s VALUES (1, NULL, %s)', i, i);
        IF i % 500 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$
"""


def median_ms(conn, sql, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        conn.execute(sql).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def run(server: Server) -> Result:
    empty = server.new_database()
    big = server.new_database()
    notes = []
    with server.connect(big) as conn:
        conn.execute("CREATE SCHEMA bench")
        t0 = time.perf_counter()
        conn.execute(CREATE_TABLES)
        created = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute("ANALYZE")
        analyzed = time.perf_counter() - t0
        notes.append(f"created {TABLES} tables in {created:.1f} s, ANALYZE took {analyzed:.1f} s")
        n = conn.execute("SELECT count(*) FROM pg_class WHERE relkind = 'r'").fetchone()[0]
    rows = []
    with server.connect(empty) as small_conn, server.connect(big) as big_conn:
        for sql in CALLS:
            small = median_ms(small_conn, sql)
            large = median_ms(big_conn, sql)
            name = sql.split("wedopt.")[1].split("(")[0]
            rows.append([name, round(small, 2), round(large, 1), round(large / max(small, 0.01), 1)])
        findings = big_conn.execute(
            "SELECT name, count(*) FROM wedopt.check_health() GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    slowest = max(rows, key=lambda r: r[2])
    notes.append(f"check_health() findings on the big database: {dict(findings)}")
    return Result(
        columns=["function", "ms, empty db", f"ms, {TABLES} tables", "ratio"],
        rows=rows,
        figures={
            "relations of kind r in the big database": n,
            "slowest call": f"{slowest[0]} {slowest[2]} ms",
            f"every call under {TARGET_MS} ms": all(r[2] < TARGET_MS for r in rows),
        },
        notes=notes,
    )
