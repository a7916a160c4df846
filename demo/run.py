"""`make demo [SCALE=n] [KEEP=1]`: a throwaway PostgreSQL with wedopt and the wedding-platform
demo at the given scale; runs the workload and reports what wedopt sees and does.

    python -m demo.run [--scale N] [--as-of YYYY-MM-DD] [--keep] [--runs N] [--report PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path

import psycopg

import harness
from demo import data, measure
from demo.report import Report, fetch, shorten

ROOT = Path(__file__).resolve().parent.parent

DBNAME = "wedding_demo"
DEFAULT_REPORT = ROOT / "demo" / "report.txt"
FINDINGS_SHOWN = 5
# The guest the audit section adds and then changes: made by the demo, not taken from the
# generated data, so that its history is known.
AUDIT_GUEST = {
    "wedding_id": 1,
    "full_name": "Ann Lee",
    "email": "Ann.Lee@Mail.example",
    "qr_code": "demo-ann-lee",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="data scale; 1 = about 100,000 bookings")
    parser.add_argument(
        "--as-of",
        type=datetime.date.fromisoformat,
        default=data.AS_OF,
        help=f"'today' for the data and the workload (default {data.AS_OF}: every run, the same data)",
    )
    parser.add_argument("--keep", action="store_true", help="leave the server running for psql")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (median)")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="where to write the report")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1000:
        parser.error("--scale must be in (0, 1000]")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def section_setup(report: Report, conn: psycopg.Connection, scale: float, as_of: datetime.date) -> None:
    report.section(f"Demo database: schema wedding at scale {scale:g}, as of {as_of.isoformat()}")
    counts, seconds = data.load(conn, scale, as_of=as_of)
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


LEVELS = {"ERROR": 0, "WARN": 1, "INFO": 2}
TOP_FINDINGS = 8


def section_health(report: Report, conn) -> None:
    report.section("Health (wedopt.health_score, wedopt.check_health)")
    scores = fetch(report, conn, "health_score", "SELECT score, breakdown FROM wedopt.health_score()")
    if scores:
        score, breakdown = scores[0]["score"], scores[0]["breakdown"] or {}
        report.line(f"  health score {score}/100")
        for category, b in sorted(breakdown.items()):
            findings = ", ".join(f"{name} {n}" for name, n in sorted(b.get("findings", {}).items()))
            report.line(
                f"    {category:<12} {b.get('points')}/{b.get('of')}  errors {b.get('errors')}, "
                f"warnings {b.get('warnings')}, infos {b.get('infos')}"
                + (f"  ({findings})" if findings else "")
            )
    sql = "SELECT name, level, category, object, remediation FROM wedopt.check_health()"
    findings = fetch(report, conn, "check_health", sql)
    if findings is None:
        return
    findings.sort(key=lambda f: (LEVELS.get(f["level"], 3), f["category"], f["name"], f["object"] or ""))
    counts: dict[tuple, int] = {}
    for f in findings:
        counts[(f["level"], f["category"], f["name"])] = (
            counts.get((f["level"], f["category"], f["name"]), 0) + 1
        )
    report.line(f"  check_health: {len(findings)} findings")
    report.table(
        ["level", "category", "finding", "count"], [[*k, n] for k, n in counts.items()], indent="    "
    )
    if findings:
        report.line(f"  the first {min(TOP_FINDINGS, len(findings))}, most severe first:")
        for f in findings[:TOP_FINDINGS]:
            fix = shorten(f["remediation"], 60) or "-"
            report.line(f"    {f['level']:<5} {f['name']:<24} {shorten(f['object'], 40):<40} {fix}")


def section_table_stats(report: Report, conn) -> None:
    report.section("Table statistics of schema wedding (wedopt.get_table_stats), largest first")
    sql = (
        "SELECT table_name, live_tuples, pg_catalog.pg_size_pretty(total_bytes) AS total_size,"
        " seq_scan, seq_tup_read, idx_scan, dead_tuples FROM wedopt.get_table_stats('wedding')"
        " ORDER BY total_bytes DESC"
    )
    rows = fetch(report, conn, "get_table_stats", sql)
    if rows is not None:
        report.table(
            ["table", "rows", "total size", "seq scans", "rows seq-read", "idx scans", "dead tuples"],
            [[r["table_name"], *(_count(r[c]) for c in list(r)[1:])] for r in rows],
        )


def _rate(value) -> str:
    return "" if value is None else f"{float(value):,.1f}"


def _count(value):
    return f"{value:,}" if isinstance(value, int) else value


def _shape(sql: str) -> str:
    """Text with its constants as '?', one space between words: pg_stat_statements turns the
    constants of a statement into $1, $2, ..."""
    sql = re.sub(r"\$\d+|'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b", "?", sql or "")
    return " ".join(sql.split())


def workload_name(statement: str, queries) -> str:
    """The workload query a pg_stat_statements text is: the one whose text, constants aside,
    shares the longest start with it, at least 30 characters; '' for none."""
    text = _shape(statement)
    best, best_len = "", 29
    for query in queries:
        sql = _shape(query.sql)
        n = next(
            (i for i, (a, b) in enumerate(zip(text, sql, strict=False)) if a != b), min(len(text), len(sql))
        )
        if n > best_len:
            best, best_len = query.name, n
    return best


def section_slow(report: Report, conn, queries=()) -> None:
    report.section("Slowest statements (wedopt.get_slow_queries), by mean time")
    sql = "SELECT query, calls, mean_ms, total_ms, pct_of_total_time FROM wedopt.get_slow_queries(0, 10)"
    rows = fetch(report, conn, "get_slow_queries", sql)
    if rows is not None:
        report.table(
            ["workload query", "statement", "calls", "mean ms", "total ms", "% of time"],
            [
                [workload_name(r["query"], queries), shorten(r["query"], 50), r["calls"], r["mean_ms"]]
                + [r["total_ms"], r["pct_of_total_time"]]
                for r in rows
            ],
        )


def section_findings(report: Report, conn, queries, before) -> list[tuple[str, str]]:
    """Plan findings of the slowest workload queries; the suggestions of all, as
    (query name, suggestion)."""
    ranked = sorted(queries, key=lambda q: before[q.name].median_ms, reverse=True)
    report.section(f"Plan findings of the {FINDINGS_SHOWN} slowest queries (wedopt.analyze_query)")
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
        suggestions += [(query.name, f["suggestion"]) for f in findings if f.get("suggestion")]
        if n < FINDINGS_SHOWN:
            report.line(f"  -- {query.name} ({before[query.name].median_ms:.1f} ms)")
            shown = ["node_type", "relation", "code", "severity", "message"]
            report.table(shown, [[f.get(c) for c in shown] for f in findings], indent="    ")
        else:
            if n == FINDINGS_SHOWN:
                report.line("  -- the other queries, finding codes only (relation)")
            codes = ", ".join(
                f"{f.get('code')}" + (f" ({f.get('relation')})" if f.get("relation") else "")
                for f in findings
            )
            report.line(
                f"    {query.name:<24} {before[query.name].median_ms:7.1f} ms  {codes or 'no finding'}"
            )
    return suggestions


def section_recommendations(report: Report, suggestions: list) -> list[str]:
    """The distinct CREATE INDEX suggestions (a trailing `--` comment stripped), each with the
    queries it was made for, then the other suggestions (shown, never run)."""
    report.section("Index recommendations (CREATE INDEX suggestions of wedopt.analyze_query, de-duplicated)")
    pairs = [s if isinstance(s, tuple) else ("", s) for s in suggestions]
    statements = measure.dedupe_indexes([s for _, s in pairs])
    for statement in statements:
        key = measure.index_key(statement)
        names = sorted({q for q, s in pairs if q and measure.index_key(s or "") == key})
        report.line(f"  {statement};" + (f"  -- for {', '.join(names)}" if names else ""))
    if not statements:
        report.line("  wedopt.analyze_query suggested no index for the workload")
    others: dict[str, set] = {}
    for name, suggestion in pairs:
        if measure.index_key(suggestion or "") is None:
            others.setdefault(shorten(measure.clean_statement(suggestion or ""), 80), set()).add(name)
    if others:
        report.line("  also suggested (not indexes, not applied here):")
        for other, names in sorted(others.items()):
            report.line(
                f"    {other};" + (f"  -- for {', '.join(sorted(n for n in names if n))}" if names else "")
            )
    return statements


def section_before_after(report: Report, conn, queries, statements, *, before, runs) -> None:
    report.section("Applying them: the workload before and after (median ms per query)")
    comparison = measure.before_after(conn, queries, statements, runs, before=before)
    for applied in comparison.applied:
        state = f"{applied.seconds:5.2f} s" if applied.ok else f"FAILED: {applied.error}"
        report.line(f"  {state}  {applied.statement}")
    rows = []
    for n, b, a, s, cb, ca in comparison.rows:
        same = abs(ca - cb) <= 0.001 * max(cb, 1)
        rows.append([n, b, a, f"{s:.1f}x", cb, ca, "same plan (timing noise)" if same else "new plan"])
    total_before = sum(t.median_ms for t in comparison.before.values())
    total_after = sum(t.median_ms for t in comparison.after.values())
    total_speed_up = f"{total_before / total_after:.1f}x"
    rows.append(["(whole workload)", total_before, total_after, total_speed_up, None, None, None])
    report.line()
    report.table(["query", "before ms", "after ms", "speed-up", "cost before", "cost after", "plan"], rows)


def take_snapshot(report: Report, conn) -> bool:
    """wedopt.snapshot_stats(), quietly; False when it fails."""
    return fetch(report, conn, "snapshot_stats", "SELECT * FROM wedopt.snapshot_stats()") is not None


def section_history(report: Report, conn, snapshotted: bool) -> None:
    report.section("Observe history: rates between the snapshots before and after the workload")
    if not snapshotted:
        report.line("  (no snapshot before the workload)")
    elif take_snapshot(report, conn):
        db = fetch(
            report,
            conn,
            "snapshot_stats",
            "SELECT seconds, commits_per_s, rows_written_per_s, cache_hit_ratio"
            " FROM wedopt.database_activity_rates WHERE previous_at IS NOT NULL"
            " ORDER BY taken_at DESC LIMIT 1",
        )
        for r in db or []:
            report.line(
                f"  database: {float(r['seconds']):.0f} s between snapshots, {_rate(r['commits_per_s'])} "
                f"commits/s, {_rate(r['rows_written_per_s'])} rows written/s, "
                f"cache hit {r['cache_hit_ratio']} %"
            )
        rows = fetch(
            report,
            conn,
            "snapshot_stats",
            "SELECT DISTINCT ON (table_name) table_name, seq_scans_per_s, seq_rows_read_per_s,"
            " idx_scans_per_s"
            " FROM wedopt.table_activity_rates WHERE schema_name = 'wedding' AND previous_at IS NOT NULL"
            " ORDER BY table_name, taken_at DESC",
        )
        if rows:
            rows.sort(key=lambda r: r["seq_rows_read_per_s"] or 0, reverse=True)
            report.line("  tables read most by sequential scans:")
            report.table(
                ["table", "seq scans/s", "rows seq-read/s", "idx scans/s"],
                [[r["table_name"], *(_rate(v) for v in list(r.values())[1:])] for r in rows[:5]],
                indent="    ",
            )
    report.line("  wedopt.check_alerts():")
    alerts = fetch(
        report,
        conn,
        "check_alerts",
        "SELECT rule_name, object, status, level, value, threshold FROM wedopt.check_alerts()",
    )
    if alerts is not None:
        if alerts:
            report.table(
                ["rule", "object", "status", "level", "value", "threshold"],
                [list(a.values()) for a in alerts],
                indent="    ",
            )
        else:
            report.line("    no alert fires (rules: wedopt.alert_rules)")


def section_audit(report: Report, conn) -> None:
    report.section(
        "Audit: wedopt.enable_audit('wedding.guests'), then a guest is added and changes their details"
    )
    try:
        conn.execute("SELECT wedopt.enable_audit('wedding.guests'::regclass)")
        columns = ", ".join(AUDIT_GUEST)
        guest_id = conn.execute(
            f"INSERT INTO wedding.guests ({columns}) VALUES ({', '.join(['%s'] * len(AUDIT_GUEST))})"
            " RETURNING guest_id",
            list(AUDIT_GUEST.values()),
        ).fetchone()[0]
        conn.execute(
            "UPDATE wedding.guests SET dietary_preference = 'Vegan', email = lower(email)"
            " WHERE guest_id = %s",
            [guest_id],
        )
        conn.execute(
            "UPDATE wedding.guests SET full_name = full_name || ' (+1)' WHERE guest_id = %s", [guest_id]
        )
    except psycopg.Error as err:
        report.failed("wedopt.enable_audit", err)
        return
    report.line(
        f"  INSERT INTO wedding.guests ... ({AUDIT_GUEST['full_name']}, guest_id {guest_id}),"
        " then two UPDATEs"
    )
    report.line(f"  wedopt.record_history('wedding.guests', '{{\"guest_id\": {guest_id}}}'):")
    history = fetch(
        report,
        conn,
        "record_history",
        "SELECT * FROM wedopt.record_history('wedding.guests'::regclass, %s::jsonb)",
        params=[json.dumps({"guest_id": guest_id})],
    )
    for h in history or []:
        old, new = h.get("old_values") or {}, h.get("new_values") or {}
        if h.get("operation") == "INSERT":
            row = h.get("row_data") or {}
            changes = ", ".join(f"{c}: {json.dumps(row.get(c))}" for c in AUDIT_GUEST)
        else:
            changes = "; ".join(
                f"{c}: {json.dumps(old.get(c))} -> {json.dumps(new.get(c))}"
                for c in sorted(set(old) | set(new))
            )
        at = (
            h["changed_at"].strftime("%H:%M:%S")
            if hasattr(h.get("changed_at"), "strftime")
            else h.get("changed_at")
        )
        report.line(
            f"    v{h.get('version')} {h.get('operation')} by {h.get('changed_by')} at {at}: {changes or '-'}"
        )


def section_lint(report: Report, conn, queries) -> None:
    report.section("Query lint of the workload (wedopt.lint_query), without running the queries")
    for query in queries:
        sql = "SELECT code, severity, message FROM wedopt.lint_query(%s) ORDER BY severity DESC"
        rows = fetch(report, conn, "lint_query", sql, params=[query.sql])
        if rows is None:
            continue
        if not rows:
            report.line(f"  {query.name:<24} no finding")
        for n, r in enumerate(rows):
            name = query.name if n == 0 else ""
            report.line(f"  {name:<24} {r['code']:<26} {r['severity']:>3}  {shorten(r['message'], 70)}")


def run_demo(report: Report, cluster: harness.Cluster, args: argparse.Namespace) -> None:
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DBNAME}")
    with psycopg.connect(cluster.conninfo(DBNAME), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION wedopt CASCADE")
        version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'wedopt'").fetchone()[0]
        server = conn.execute("SHOW server_version").fetchone()[0]
        report.line(f"wedopt {version} on PostgreSQL {server}")
        report.line(f"throwaway server in {cluster.root} (port {cluster.port})")
        section_setup(report, conn, args.scale, args.as_of)
        queries = measure.read_workload(as_of=args.as_of)
        snapshotted = take_snapshot(report, conn)
        conn.execute("SELECT pg_stat_statements_reset()")  # the workload's statements only
        before = section_workload(report, conn, queries, args.runs)
        section_slow(report, conn, queries)
        section_health(report, conn)
        section_table_stats(report, conn)
        section_history(report, conn, snapshotted)
        suggestions = section_findings(report, conn, queries, before)
        statements = section_recommendations(report, suggestions)
        if statements:
            section_before_after(report, conn, queries, statements, before=before, runs=args.runs)
        section_audit(report, conn)
        section_lint(report, conn, queries)


def keep_running(report: Report, cluster: harness.Cluster) -> None:
    """Hand the cluster over to the user: later test runs reap clusters whose owner process
    is gone, so the owner becomes the postmaster itself."""
    postmaster = (cluster.datadir / "postmaster.pid").read_text().splitlines()[0]
    (cluster.root / "owner.pid").write_text(postmaster)
    psql = shutil.which("psql") or str(harness.bindir() / "psql")
    pg_ctl = cluster.stop_command()
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
    cluster = harness.create_cluster()
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
