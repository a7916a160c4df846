"""The workload queries run and return what they promise; the pgbench writer script runs."""

import subprocess
from pathlib import Path

import pgcluster
import pytest

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
    counts = "SELECT (SELECT count(*) FROM wedding.bookings), (SELECT count(*) FROM wedding.payments)"
    bookings, payments = demo_db.execute(counts).fetchone()
    answered = demo_db.execute(
        "SELECT count(*) FROM wedding.event_rsvp WHERE responded_at > now() - interval '1 hour'"
    )
    answered = answered.fetchone()[0]
    result = subprocess.run(
        [str(pgcluster.bindir() / "pgbench"), "-n", "-f", str(ROOT / "demo/writer.sql"), "-c", "2", "-t", "5"]
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
    new = demo_db.execute(
        "SELECT count(*) FROM wedding.bookings b JOIN wedding.payments p USING (booking_id) "
        "WHERE b.status = 'Pending' AND b.booking_date = current_date AND p.payment_status = 'Pending' "
        "AND p.amount = round(b.total_cost * 0.3, 2)"
    ).fetchone()[0]
    assert new >= 10
    after = demo_db.execute(
        "SELECT count(*) FROM wedding.event_rsvp WHERE responded_at > now() - interval '1 hour'"
    )
    assert after.fetchone()[0] > answered
