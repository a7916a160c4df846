"""`make demo [SCALE=n] [KEEP=1]`: a throwaway PostgreSQL with wedopt and the wedding-platform
demo at the given scale; runs the workload and reports what wedopt sees and does.

    python -m demo.run [--scale N] [--keep] [--runs N] [--report PATH]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path

import psycopg

from demo import data, measure
from demo.report import NOT_AVAILABLE, Report, has_function, query_table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import pgcluster  # noqa: E402

DBNAME = "wedding_demo"
DEFAULT_REPORT = ROOT / "demo" / "report.txt"
AUDITED_GUEST = 1234
FINDINGS_SHOWN = 5


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="data scale; 1 = about 100,000 bookings")
    parser.add_argument("--keep", action="store_true", help="leave the server running for psql")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (median)")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="where to write the report")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1000:
        parser.error("--scale must be in (0, 1000]")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def section_setup(report: Report, conn: psycopg.Connection, scale: float) -> None:
    report.section(f"Demo database: schema wedding at scale {scale:g}")
    counts, seconds = data.load(conn, scale)
    report.table(["table", "rows"], [[t, f"{n:,}"] for t, n in counts.items()])
    report.line(f"  loaded in {seconds:.1f} s (set-based generator inside the database)")
    report.line(f"  VACUUM ANALYZE in {data.vacuum_analyze(conn):.1f} s")
    conn.execute("SELECT pg_stat_statements_reset()")


def section_workload(report: Report, conn, queries, runs: int) -> dict[str, measure.Timing]:
    report.section(f"Workload: {len(queries)} operator queries, median of {runs} runs, no secondary indexes")
    before = measure.measure(conn, queries, runs)
    report.table(
        ["query", "rows", "median ms", "plan cost", "what"],
        [[q.name, t.rows, t.median_ms, t.cost, q.description] for q in queries for t in [before[q.name]]],
    )
    return before


def section_health(report: Report, conn) -> None:
    report.section("Health report (wedopt.check_health, wedopt.health_score)")
    query_table(report, conn, "health_score", "SELECT * FROM wedopt.health_score()")
    query_table(report, conn, "check_health", "SELECT * FROM wedopt.check_health()", limit=20)
    report.section("Table statistics (wedopt.get_table_stats)")
    query_table(report, conn, "get_table_stats", "SELECT * FROM wedopt.get_table_stats()", limit=12)


def section_slow(report: Report, conn) -> None:
    report.section("Slowest statements (wedopt.get_slow_queries)")
    query_table(report, conn, "get_slow_queries", "SELECT * FROM wedopt.get_slow_queries(0, 10)", limit=10)


def section_findings(report: Report, conn, queries, before) -> list[str]:
    """Plan findings of the slowest workload queries; the CREATE INDEX suggestions of all."""
    ranked = sorted(queries, key=lambda q: before[q.name].median_ms, reverse=True)
    report.section(f"Plan findings of the {FINDINGS_SHOWN} slowest queries (wedopt.analyze_query)")
    if not has_function(conn, "analyze_query"):
        report.line(f"  wedopt.analyze_query: {NOT_AVAILABLE}")
        return []
    suggestions = []
    for n, query in enumerate(ranked):
        try:
            cur = conn.execute("SELECT * FROM wedopt.analyze_query(%s, true)", [query.sql])
        except psycopg.Error as err:
            report.line(f"  -- {query.name}")
            report.failed(f"wedopt.analyze_query({query.name})", err)
            continue
        columns = [d.name for d in cur.description]
        findings = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        suggestions += [f.get("suggestion") for f in findings if f.get("suggestion")]
        if n < FINDINGS_SHOWN:
            report.line(f"  -- {query.name} ({before[query.name].median_ms:.1f} ms)")
            shown = ["node_type", "relation", "code", "severity", "message"]
            report.table(shown, [[f.get(c) for c in shown] for f in findings], indent="    ")
    return suggestions


def section_recommendations(report: Report, suggestions: list[str]) -> list[str]:
    report.section("Index recommendations (CREATE INDEX suggestions of the findings, de-duplicated)")
    statements = measure.dedupe_indexes(suggestions)
    if statements:
        for statement in statements:
            report.line(f"  {statement};")
        return statements
    statements = measure.read_statements()
    report.line("  wedopt made no index suggestion in this build; the before/after below applies the")
    report.line(f"  demo's hand-written reference indexes instead ({measure.REFERENCE_INDEXES_SQL.name}):")
    for statement in statements:
        report.line(f"  {statement};")
    return statements


def section_before_after(report: Report, conn, queries, statements, *, before, runs) -> None:
    report.section("Applying them: the workload before and after (median ms per query)")
    comparison = measure.before_after(conn, queries, statements, runs, before=before)
    for applied in comparison.applied:
        state = f"{applied.seconds:5.2f} s" if applied.ok else f"FAILED: {applied.error}"
        report.line(f"  {state}  {applied.statement}")
    rows = [[n, b, a, f"{s:.1f}x", cb, ca] for n, b, a, s, cb, ca in comparison.rows]
    total_before = sum(t.median_ms for t in comparison.before.values())
    total_after = sum(t.median_ms for t in comparison.after.values())
    total_speed_up = f"{total_before / total_after:.1f}x"
    rows.append(["(whole workload)", total_before, total_after, total_speed_up, None, None])
    report.line()
    report.table(["query", "before ms", "after ms", "speed-up", "cost before", "cost after"], rows)


def section_partitioning(report: Report, conn) -> None:
    report.section("Partitioning candidates (wedopt.analyze_partitioning_candidates)")
    sql = "SELECT * FROM wedopt.analyze_partitioning_candidates()"
    query_table(report, conn, "analyze_partitioning_candidates", sql)


def section_audit(report: Report, conn) -> None:
    report.section("Audit: wedopt.enable_audit('wedding.guests'), then a guest changes their details")
    if not has_function(conn, "enable_audit"):
        report.line(f"  wedopt.enable_audit: {NOT_AVAILABLE}")
        report.line(f"  wedopt.record_history: {NOT_AVAILABLE}")
        return
    try:
        conn.execute("SELECT wedopt.enable_audit('wedding.guests'::regclass)")
        conn.execute(
            "UPDATE wedding.guests SET dietary_preference = 'Vegan', email = lower(email)"
            " WHERE guest_id = %s",
            [AUDITED_GUEST],
        )
        conn.execute(
            "UPDATE wedding.guests SET full_name = full_name || ' (+1)' WHERE guest_id = %s", [AUDITED_GUEST]
        )
    except psycopg.Error as err:
        report.failed("wedopt.enable_audit", err)
        return
    report.line(f"  UPDATE wedding.guests ... WHERE guest_id = {AUDITED_GUEST}  (twice)")
    query_table(
        report,
        conn,
        "record_history",
        "SELECT * FROM wedopt.record_history('wedding.guests'::regclass, %s::jsonb)",
        params=[f'{{"guest_id": {AUDITED_GUEST}}}'],
    )


def run_demo(report: Report, cluster: pgcluster.Cluster, args: argparse.Namespace) -> None:
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DBNAME}")
    with psycopg.connect(cluster.conninfo(DBNAME), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION wedopt CASCADE")
        version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'wedopt'").fetchone()[0]
        server = conn.execute("SHOW server_version").fetchone()[0]
        report.line(f"wedopt {version} on PostgreSQL {server}")
        report.line(f"throwaway server in {cluster.root} (port {cluster.port})")
        section_setup(report, conn, args.scale)
        queries = measure.read_workload()
        before = section_workload(report, conn, queries, args.runs)
        section_health(report, conn)
        section_slow(report, conn)
        suggestions = section_findings(report, conn, queries, before)
        statements = section_recommendations(report, suggestions)
        section_before_after(report, conn, queries, statements, before=before, runs=args.runs)
        section_partitioning(report, conn)
        section_audit(report, conn)


def keep_running(report: Report, cluster: pgcluster.Cluster) -> None:
    """Hand the cluster over to the user: later test runs reap clusters whose owner process
    is gone, so the owner becomes the postmaster itself."""
    postmaster = (cluster.datadir / "postmaster.pid").read_text().splitlines()[0]
    (cluster.root / "owner.pid").write_text(postmaster)
    psql = shutil.which("psql") or str(pgcluster.bindir() / "psql")
    pg_ctl = [str(pgcluster.bindir() / "pg_ctl"), "-D", str(cluster.datadir), "-m", "fast", "stop"]
    if os.geteuid() == 0:
        pg_ctl = ["runuser", "-u", "postgres", "--", *pg_ctl]
    report.section("The server keeps running")
    report.line(f"  connect: {psql} {shlex.quote(cluster.conninfo(DBNAME))}")
    report.line(f"  stop:    {shlex.join(pg_ctl)} && rm -rf {shlex.quote(str(cluster.root))}")


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    report = Report()
    started = time.monotonic()
    cluster = pgcluster.create_cluster()
    kept = False
    try:
        run_demo(report, cluster, args)
        report.line()
        report.line(f"demo finished in {time.monotonic() - started:.0f} s")
        if args.keep:
            keep_running(report, cluster)
            kept = True
    finally:
        if not kept:
            cluster.destroy()
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(report.text())
        print(f"(report written to {args.report})")
    if report.failures:
        print("wedopt: some report sections failed:\n  " + "\n  ".join(report.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
