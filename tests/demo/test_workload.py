"""The workload queries run and return what they promise; the pgbench writer script runs."""

import subprocess
from pathlib import Path

import pytest

import harness
from demo import measure

ROOT = Path(__file__).resolve().parents[2]
QUERIES = measure.read_workload()
# Queries whose constants are guaranteed data at every scale (the rest may find nothing).
RETURN_ROWS = {
    "guest_list",
    "budget_vs_actual",
    "client_booking_history",
    "monthly_revenue",
    "vendor_search",
    "guest_email_lookup",
}


def test_workload_file_has_the_domain_queries():
    names = [q.name for q in QUERIES]
    assert len(names) == len(set(names)) == 10
    assert set(names) >= RETURN_ROWS
    for query in QUERIES:
        assert query.description, query.name
        assert ";" not in query.sql, query.name


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_workload_query_runs(demo_db, query):
    rows = demo_db.execute(query.sql).fetchall()
    if query.name in RETURN_ROWS:
        assert rows, query.name
    if query.name == "guest_email_lookup":
        assert len(rows) == 1 and rows[0][0] == 1234
    if query.name == "budget_vs_actual":
        assert len(rows) == 8


def test_writer_script_runs_under_pgbench(cluster, demo_db, demo_database):
    """The writer's own rows, told apart from the generated ones by id and by a snapshot of
    the RSVPs (the generated data has its own dates, which may be anywhere near today)."""
    counts = "SELECT (SELECT count(*) FROM wedding.bookings), (SELECT count(*) FROM wedding.payments)"
    bookings, payments = demo_db.execute(counts).fetchone()
    last_booking = demo_db.execute("SELECT max(booking_id) FROM wedding.bookings").fetchone()[0]
    demo_db.execute("DROP TABLE IF EXISTS rsvp_before")
    demo_db.execute(
        "CREATE TEMP TABLE rsvp_before AS SELECT rsvp_id, status, responded_at FROM wedding.event_rsvp"
    )
    started_on, started_at = demo_db.execute("SELECT current_date, clock_timestamp()").fetchone()
    result = subprocess.run(
        [str(harness.bindir() / "pgbench"), "-n", "-f", str(ROOT / "demo/writer.sql"), "-c", "2", "-t", "5"]
        + [demo_database],
        env=cluster.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "number of failed transactions: 0" in result.stdout
    assert demo_db.execute(counts).fetchone() == (bookings + 10, payments + 10)
    ended_on = demo_db.execute("SELECT current_date").fetchone()[0]
    new = demo_db.execute(
        "SELECT count(*) FROM wedding.bookings b JOIN wedding.payments p USING (booking_id) "
        "WHERE b.booking_id > %s AND b.status = 'Pending' AND b.booking_date BETWEEN %s AND %s "
        "AND p.payment_status = 'Pending' AND p.amount = round(b.total_cost * 0.3, 2)",
        [last_booking, started_on, ended_on],
    ).fetchone()[0]
    assert new == 10
    answered = demo_db.execute(
        "SELECT count(*) FROM wedding.event_rsvp r JOIN rsvp_before b USING (rsvp_id) "
        "WHERE r.responded_at IS DISTINCT FROM b.responded_at AND r.responded_at >= %s "
        "AND r.status IN ('Accepted', 'Declined')",
        [started_at],
    ).fetchone()[0]
    assert 1 <= answered <= 10  # two transactions may answer the same invitation
