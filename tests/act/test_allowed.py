"""Each statement kind execute_admin_sql() accepts works, on a real server: the immediate ones in
the caller's transaction, VACUUM and the CONCURRENTLY ones through the background-worker dispatcher."""

import psycopg
import pytest
from conftest import action, index_valid, run, wait


def test_immediate_kinds_apply_and_are_logged(act_db):
    su, admin = act_db
    action_id, status = run(admin, "CREATE INDEX booking_venue_idx ON booking (venue_id)")
    assert status == "succeeded"
    assert index_valid(su, "public.booking_venue_idx") is True
    row = action(admin, action_id)
    assert row["mode"] == "immediate" and row["queued_by"] == "wedopt_test_admin" and row["reason"] == "test"
    assert row["steps"] == ["CREATE INDEX booking_venue_idx ON public.booking (venue_id)"]
    assert row["after"]["index_count"] == row["before"]["index_count"] + 1

    assert run(admin, "ANALYZE booking")[1] == "succeeded"
    assert run(admin, "ALTER TABLE booking SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.05)")[1]
    reloptions = su.execute(
        "SELECT reloptions FROM pg_class WHERE oid = 'public.booking'::regclass"
    ).fetchone()[0]
    assert sorted(reloptions) == ["autovacuum_vacuum_scale_factor=0.05", "fillfactor=80"]
    assert run(admin, "ALTER TABLE booking RESET (fillfactor)")[1] == "succeeded"
    assert run(admin, "CREATE STATISTICS booking_st ON venue_id, event_date FROM booking")[1] == "succeeded"
    assert su.execute("SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'booking_st'").fetchone()[0] == 1
    assert run(admin, "REINDEX INDEX booking_venue_idx")[1] == "succeeded"
    assert run(admin, "CLUSTER booking USING booking_pkey")[1] == "succeeded"
    assert su.execute(
        "SELECT indisclustered FROM pg_index WHERE indexrelid = 'booking_pkey'::regclass"
    ).fetchone()[0]
    assert run(admin, "DROP INDEX booking_venue_idx")[1] == "succeeded"
    assert index_valid(su, "public.booking_venue_idx") is None
    # IF EXISTS of nothing / IF NOT EXISTS of a valid index: done, nothing to do.
    assert run(admin, "DROP INDEX IF EXISTS public.nothing_here")[1] == "succeeded"
    run(admin, "CREATE INDEX booking_guest_idx ON booking (guest)")
    assert run(admin, "CREATE INDEX IF NOT EXISTS booking_guest_idx ON booking (guest)")[1] == "succeeded"


def test_materialized_view_refresh(act_db):
    su, admin = act_db
    admin.execute(
        "CREATE MATERIALIZED VIEW public.per_venue AS SELECT venue_id, count(*) AS n FROM booking GROUP BY 1"
    )
    admin.execute("CREATE UNIQUE INDEX ON public.per_venue (venue_id)")
    assert run(admin, "REFRESH MATERIALIZED VIEW per_venue")[1] == "succeeded"
    action_id, status = run(admin, "REFRESH MATERIALIZED VIEW CONCURRENTLY per_venue")
    assert status == "queued"
    assert wait(admin, action_id)["status"] == "succeeded"


def test_vacuum_through_the_dispatcher(act_db):
    su, admin = act_db
    su.execute("DELETE FROM booking WHERE id % 2 = 0")
    su.execute("SELECT pg_stat_force_next_flush()")  # the dead tuples counted before the action
    su.execute("SELECT 1")
    before = su.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'booking'").fetchone()[
        0
    ]
    action_id, status = run(admin, "VACUUM (VERBOSE, ANALYZE) booking")
    assert status == "queued"
    row = wait(admin, action_id)
    assert row["status"] == "succeeded", row
    assert row["steps"] == ["VACUUM (verbose, analyze) public.booking"]
    assert row["detail"]["dispatcher"] == "worker"
    after = su.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'booking'").fetchone()[0]
    assert after == before + 1
    assert row["before"]["dead_tuples"] > 0


def test_concurrent_index_through_the_dispatcher(act_db):
    su, admin = act_db
    action_id, status = run(
        admin, "CREATE INDEX CONCURRENTLY booking_lower_guest ON booking (lower(guest)) WHERE id > 10"
    )
    assert status == "queued"
    row = wait(admin, action_id)
    assert row["status"] == "succeeded", row
    assert index_valid(su, "public.booking_lower_guest") is True
    definition = su.execute("SELECT pg_get_indexdef('public.booking_lower_guest'::regclass)").fetchone()[0]
    assert (
        definition
        == "CREATE INDEX booking_lower_guest ON public.booking USING btree (lower(guest)) WHERE (id > 10)"
    )
    row = wait(admin, run(admin, "REINDEX INDEX CONCURRENTLY booking_lower_guest")[0])
    assert row["status"] == "succeeded", row
    row = wait(admin, run(admin, "DROP INDEX CONCURRENTLY booking_lower_guest")[0])
    assert row["status"] == "succeeded", row
    assert index_valid(su, "public.booking_lower_guest") is None


def test_dispatched_statement_runs_as_the_role_that_queued_it(act_db):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.dispatcher', 'cron')")
    action_id, _ = run(admin, "VACUUM booking")
    su.execute("ALTER TABLE public.booking OWNER TO postgres")  # changed hands before it ran
    assert su.execute("SELECT wedopt._dispatch_pending()").fetchone()[0] == 1
    row = wait(admin, action_id)
    assert row["status"] == "refused", row
    assert row["detail"]["refused_at_execution"] is True
    assert "does not own public.booking" in row["error"]


def test_queuing_transaction_rolled_back_runs_nothing(act_db):
    su, admin = act_db
    with psycopg.connect(admin.info.dsn, autocommit=False) as conn:
        action_id = run(conn, "CREATE INDEX CONCURRENTLY never_built ON booking (guest)")[0]
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
            conn.execute("CALL wedopt.wait_for_action(%s, '1 second', NULL, NULL)", [action_id])
        conn.rollback()
    assert action(admin, action_id) is None
    assert index_valid(su, "public.never_built") is None


def test_concurrent_index_on_a_partitioned_table(act_db):
    su, admin = act_db
    admin.execute(
        "CREATE TABLE public.payment (id int, paid_on date, amount numeric) PARTITION BY RANGE (paid_on)"
    )
    admin.execute(
        "CREATE TABLE public.payment_h1 PARTITION OF payment FOR VALUES FROM ('2026-01-01') TO ('2026-07-01')"
    )
    admin.execute(
        "CREATE TABLE public.payment_h2 PARTITION OF payment FOR VALUES FROM ('2026-07-01') TO ('2027-01-01')"
    )
    admin.execute(
        "INSERT INTO payment SELECT g, date '2026-01-01' + g % 365, g FROM generate_series(1, 2000) g"
    )
    row = wait(admin, run(admin, "CREATE INDEX CONCURRENTLY payment_paid_on ON payment (paid_on)")[0])
    assert row["status"] == "succeeded", row
    assert row["detail"]["partitions"] == 2
    assert row["steps"][0] == "CREATE INDEX payment_paid_on ON ONLY public.payment (paid_on)"
    assert index_valid(su, "public.payment_paid_on") is True  # valid once every partition is attached
    attached = su.execute(
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.payment_paid_on'::regclass"
    ).fetchone()[0]
    assert attached == 2


def test_failed_concurrent_build_leaves_no_invalid_index(act_db):
    su, admin = act_db
    row = wait(
        admin, run(admin, "CREATE UNIQUE INDEX CONCURRENTLY booking_venue_unique ON booking (venue_id)")[0]
    )
    assert row["status"] == "failed" and row["sqlstate"] == "23505", row
    assert (
        row["detail"]["invalid_index_dropped"]
        == "DROP INDEX CONCURRENTLY IF EXISTS public.booking_venue_unique"
    )
    assert index_valid(su, "public.booking_venue_unique") is None


def test_if_not_exists_on_an_invalid_index_rebuilds_it(act_db):
    su, admin = act_db
    # An INVALID index as a failed concurrent build leaves it (run by hand, outside wedopt).
    with pytest.raises(psycopg.errors.UniqueViolation):
        admin.execute("CREATE UNIQUE INDEX CONCURRENTLY booking_venue ON booking (venue_id)")
    assert index_valid(su, "public.booking_venue") is False
    row = wait(
        admin, run(admin, "CREATE INDEX CONCURRENTLY IF NOT EXISTS booking_venue ON booking (venue_id)")[0]
    )
    assert row["status"] == "succeeded", row
    assert row["detail"]["invalid_index_rebuilt"] == "public.booking_venue"
    assert index_valid(su, "public.booking_venue") is True
    assert (
        "UNIQUE" not in su.execute("SELECT pg_get_indexdef('public.booking_venue'::regclass)").fetchone()[0]
    )


def test_pending_admin_statements_through_psql_gexec(act_db, cluster, fresh_database):
    import subprocess

    import pgcluster

    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.dispatcher', 'cron')")
    action_id = run(admin, "CREATE INDEX CONCURRENTLY booking_event_date ON booking (event_date)")[0]
    statements = [r[0] for r in admin.execute("SELECT * FROM wedopt.pending_admin_statements()").fetchall()]
    assert statements == [
        f"SELECT wedopt._action_claim({action_id})",
        "SELECT wedopt._act_expect("
        "'CREATE INDEX CONCURRENTLY booking_event_date ON public.booking (event_date)',"
        f" '\"$user\", public', {action_id})",
        "CREATE INDEX CONCURRENTLY booking_event_date ON public.booking (event_date)",
        f"SELECT wedopt._action_finish({action_id})",
    ]
    psql = str(pgcluster.bindir() / "psql")
    result = subprocess.run(
        [psql, "-X", "-v", "ON_ERROR_STOP=1", cluster.conninfo(fresh_database, user="wedopt_test_admin")],
        input="SELECT * FROM wedopt.pending_admin_statements() \\gexec\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert "succeeded" in result.stdout, result
    row = action(admin, action_id)
    assert row["status"] == "succeeded" and row["detail"]["dispatcher"] == "psql", row
    assert index_valid(su, "public.booking_event_date") is True
    assert admin.execute("SELECT count(*) FROM wedopt.pending_admin_statements()").fetchone()[0] == 0
