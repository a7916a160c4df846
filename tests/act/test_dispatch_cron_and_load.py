"""The dispatcher with pg_cron only (the every-minute safety net), and execute_admin_sql() under a
concurrent booking write load (pgbench): no client error, no lost row."""

import time

import psycopg
import pytest
from conftest import finish_booking_load, index_valid, run, start_booking_load, wait

pytestmark = [pytest.mark.slow, pytest.mark.local_only]


def test_pg_cron_job_runs_the_queue(act_db, cluster, fresh_database):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.dispatcher', 'cron')")  # no worker at enqueue time
    job = f"wedopt-dispatch-{fresh_database}"
    with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as cron:
        cron.execute("CREATE EXTENSION IF NOT EXISTS pg_cron")
        cron.execute(
            "SELECT cron.schedule_in_database(%s, '* * * * *', 'SELECT wedopt._dispatch_pending()', %s)",
            [job, fresh_database],
        )
        try:
            vacuum = run(admin, "VACUUM (ANALYZE) booking")[0]
            build = run(admin, "CREATE INDEX CONCURRENTLY booking_guest_cron ON booking (guest)")[0]
            time.sleep(0.5)
            assert wait(admin, vacuum, "0 seconds")["status"] == "queued"  # nothing started it yet
            row = wait(admin, vacuum, "90 seconds")
            assert row["status"] == "succeeded", row
            assert row["detail"]["dispatcher"] == "cron"
            assert row["queued_by"] == "wedopt_test_admin"
            assert wait(admin, build, "30 seconds")["status"] == "succeeded"
            assert index_valid(su, "public.booking_guest_cron") is True
        finally:
            cron.execute("SELECT cron.unschedule(%s)", [job])


def test_admin_actions_under_a_booking_write_load(act_db, cluster, fresh_database, tmp_path):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    rows_before = su.execute("SELECT count(*) FROM booking").fetchone()[0]
    clients, per_client = 4, 600
    pgbench = start_booking_load(cluster, fresh_database, tmp_path, clients, per_client)
    try:
        time.sleep(0.3)
        ids = [
            run(admin, "CREATE INDEX CONCURRENTLY booking_load_venue ON booking (venue_id, event_date)")[0],
            run(admin, "VACUUM (ANALYZE) booking")[0],
            run(admin, "REINDEX INDEX CONCURRENTLY booking_pkey")[0],
        ]
        assert run(admin, "ANALYZE venue")[1] == "succeeded"
        outcomes = [wait(admin, i, "120 seconds") for i in ids]
    finally:
        finish_booking_load(pgbench, clients, per_client)
    assert [o["status"] for o in outcomes] == ["succeeded"] * 3, outcomes
    assert su.execute("SELECT count(*) FROM booking").fetchone()[0] == rows_before + clients * per_client
    assert index_valid(su, "public.booking_load_venue") is True
    assert su.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").fetchone()[0] == 0
