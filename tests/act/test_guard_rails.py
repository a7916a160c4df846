"""Guard rails: the event-day freeze (forced only with a reason), the maintenance window, the
per-table index cap, the storage guard; who may call execute_admin_sql() and change the log."""

import psycopg
import pytest
from conftest import action, refused, run, wait

ALL_DAYS = "{Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday}"


def test_event_day_freeze_is_honoured(act_db):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', %s)", [ALL_DAYS])  # every day is an event day
    error = refused(admin, "CREATE INDEX booking_guest ON booking (guest)")
    assert error.sqlstate == "42501" and "is an event day: no DDL" in str(error)
    assert "force => true" in error.diag.message_hint
    assert su.execute("SELECT to_regclass('public.booking_guest')").fetchone()[0] is None
    # Forcing needs a reason.
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        run(admin, "CREATE INDEX booking_guest ON booking (guest)", reason=None, force=True)
    # Queued statements are checked again when they run.
    su.execute("SELECT wedopt.reset_setting('act.freeze_days')")
    su.execute("SELECT wedopt.set_setting('act.dispatcher', 'cron')")
    queued = run(admin, "CREATE INDEX CONCURRENTLY booking_date ON booking (event_date)")[0]
    su.execute("SELECT wedopt.set_setting('act.freeze_days', %s)", [ALL_DAYS])
    su.execute("SELECT wedopt._dispatch_pending()")
    row = wait(admin, queued)
    assert row["status"] == "refused" and "event day" in row["error"], row
    # An admin forces it with a reason; VACUUM is no DDL and runs on event days.
    action_id, status = run(
        admin, "CREATE INDEX booking_guest ON booking (guest)", reason="hotfix #12", force=True
    )
    assert status == "succeeded"
    row = action(admin, action_id)
    assert row["forced"] is True and row["reason"] == "hotfix #12" and "event day" in row["detail"]["forced"]
    su.execute("SELECT wedopt.set_setting('act.dispatcher', 'worker')")
    assert wait(admin, run(admin, "VACUUM booking")[0])["status"] == "succeeded"
    # No event day: DDL runs.
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    assert run(admin, "CREATE INDEX booking_venue ON booking (venue_id)")[1] == "succeeded"


def test_maintenance_window(act_db):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    now = su.execute("SELECT (now() AT TIME ZONE 'UTC')::time").fetchone()[0]
    # A window that ends an hour before now and starts an hour after: now is outside.
    outside = su.execute(
        "SELECT to_char(%s::time + interval '1 hour', 'HH24:MI') || '-'"
        " || to_char(%s::time - interval '1 hour', 'HH24:MI')",
        [now, now],
    ).fetchone()[0]
    su.execute("SELECT wedopt.set_setting('act.maintenance_window', %s)", [outside])
    error = refused(admin, "CREATE INDEX ON booking (guest)")
    assert error.sqlstate == "42501" and "outside the maintenance window" in str(error)
    inside = su.execute(
        "SELECT to_char(%s::time - interval '1 hour', 'HH24:MI') || '-'"
        " || to_char(%s::time + interval '1 hour', 'HH24:MI')",
        [now, now],
    ).fetchone()[0]
    su.execute("SELECT wedopt.set_setting('act.maintenance_window', %s)", [inside])
    assert run(admin, "CREATE INDEX ON booking (guest)")[1] == "succeeded"


def test_index_cap_and_storage_guard(act_db):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    su.execute("SELECT wedopt.set_setting('act.index_cap', '2')")
    assert run(admin, "CREATE INDEX ON booking (guest)")[1] == "succeeded"  # pkey + 1 = 2
    error = refused(admin, "CREATE INDEX ON booking (venue_id)")
    assert error.sqlstate == "42501" and "act.index_cap" in str(error), str(error)
    su.execute("SELECT wedopt.reset_setting('act.index_cap')")
    size = su.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    su.execute("SELECT wedopt.set_setting('act.disk_budget_bytes', %s)", [str(size)])  # already past 80 %
    error = refused(admin, "CREATE INDEX ON booking (venue_id)")
    assert error.sqlstate == "42501" and "disk budget" in str(error), str(error)
    su.execute("SELECT wedopt.set_setting('act.disk_budget_bytes', %s)", [str(size * 10)])
    assert run(admin, "CREATE INDEX ON booking (venue_id)")[1] == "succeeded"


def test_only_admins_call_it_and_nobody_changes_the_log(act_db, connect):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    action_id = run(admin, "ANALYZE booking")[0]
    for role in ("wedopt_test_monitor", "wedopt_test_nobody"):
        conn = connect(role)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM wedopt.execute_admin_sql('ANALYZE booking')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM wedopt.action_log")
    for sql in (
        "UPDATE wedopt.action_log SET status = 'succeeded'",
        "DELETE FROM wedopt.action_log",
        "INSERT INTO wedopt.action_log (queued_by, session_user_name, statement, mode, status)"
        " VALUES ('x', 'x', 'x', 'immediate', 'succeeded')",
        "TRUNCATE wedopt.action_log",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            admin.execute(sql)
    # A finished action is never reopened, and an admin records nothing in another role's name.
    assert (
        admin.execute('SELECT wedopt._action_update(%s, \'{"status": "queued"}\')', [action_id]).fetchone()[0]
        is False
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        admin.execute('SELECT wedopt._action_record(\'{"queued_by": "postgres"}\')')
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        admin.execute("SELECT wedopt._dispatch_start(1, 10, 10)")
    assert action(admin, action_id)["status"] == "succeeded"


def test_action_log_survives_pg_dump(act_db, cluster, fresh_database):
    import subprocess

    import pgcluster

    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    run(admin, "ANALYZE booking", reason="kept by pg_dump")
    dump = subprocess.run(
        [
            str(pgcluster.bindir() / "pg_dump"),
            "--data-only",
            "--table=wedopt.action_log",
            cluster.conninfo(fresh_database),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "kept by pg_dump" in dump
