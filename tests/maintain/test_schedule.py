"""wedopt's pg_cron jobs: schedule_jobs() / unschedule_jobs() idempotent and exact, job_status()
from cron.job and cron.job_run_details, a job really run by pg_cron, the freeze, no pg_cron."""

import psycopg
import pytest
from expect import clean_error, sql_error

import harness

JOBS = [
    "admin-dispatcher",
    "check-alerts",
    "history-retention",
    "matview-refresh",
    "partition-maintenance",
    "snapshot-stats",
    "upkeep",
]


@pytest.fixture
def cron_db(pg_cron, db):
    """The test database, able to reach pg_cron in database postgres (dblink)."""
    db.execute("CREATE EXTENSION dblink SCHEMA extensions")
    return db


def available(db):
    return dict(db.execute("SELECT job, available FROM wedopt._job_catalog()").fetchall())


def test_schedule_and_unschedule_exactly_wedopts_jobs(cron_db, pg_cron):
    db = cron_db
    name = pg_cron.dbname
    other = pg_cron.schedule("not-wedopt", "SELECT 1", "0 0 1 1 *")
    have = available(db)
    assert sorted(have) == JOBS
    # Functions of other areas that do not exist here yet are not scheduled, and say so.
    assert have["matview-refresh"] and have["snapshot-stats"] and have["history-retention"]
    # pg_cron's job names are of type name: 63 bytes, as the test databases' long names show.
    names = dict(db.execute("SELECT job, jobname FROM wedopt._job_catalog()").fetchall())
    assert all(n == f"wedopt-{j}@{name}"[:63] for j, n in names.items())
    first = {r[0]: (r[2], r[3]) for r in db.execute("SELECT * FROM wedopt.schedule_jobs()").fetchall()}
    assert sorted(first) == sorted(names.values())
    for job, ok in have.items():
        action, detail = first[names[job]]
        assert action == ("scheduled" if ok else "not_scheduled"), (job, action)
        if not ok:
            assert "does not have yet" in detail
    jobs = {j["jobname"]: j for j in pg_cron.jobs()}
    assert set(jobs) == {"not-wedopt"} | {names[j] for j, ok in have.items() if ok}
    assert jobs[names["matview-refresh"]]["command"] == "SELECT wedopt.run_job('matview-refresh')"
    assert jobs[names["matview-refresh"]]["schedule"] == "* * * * *"
    assert {j["database"] for j in jobs.values()} == {name}
    # Idempotent: nothing changes the second time.
    again = {r[2] for r in db.execute("SELECT * FROM wedopt.schedule_jobs()").fetchall()}
    assert again <= {"unchanged", "not_scheduled"}
    assert {j["jobid"] for j in pg_cron.jobs()} == {j["jobid"] for j in jobs.values()}
    # A changed schedule is put back.
    with pg_cron.connect() as conn:
        conn.execute("UPDATE cron.job SET schedule = '0 0 * * *' WHERE jobname = %s", [names["check-alerts"]])
    fixed = {r[0]: r[2] for r in db.execute("SELECT * FROM wedopt.schedule_jobs()").fetchall()}
    assert fixed[names["check-alerts"]] == "updated"
    removed = db.execute("SELECT jobname FROM wedopt.unschedule_jobs()").fetchall()
    assert len(removed) == sum(have.values())
    assert [j["jobid"] for j in pg_cron.jobs()] == [other]  # not ours: kept
    assert db.execute("SELECT count(*) FROM wedopt.unschedule_jobs()").fetchone()[0] == 0
    status = {r[1]: r for r in db.execute("SELECT * FROM wedopt.job_status()").fetchall()}
    assert not any(r[2] for r in status.values())
    assert "run SELECT * FROM wedopt.schedule_jobs()" in status["matview-refresh"][13]


@pytest.mark.slow
def test_a_job_really_runs_under_pg_cron_and_shows_in_job_status(cron_db, pg_cron):
    db = cron_db
    db.execute("SELECT * FROM wedopt.schedule_jobs()")
    jobid = next(j["jobid"] for j in pg_cron.jobs() if j["jobname"].startswith("wedopt-matview-refresh@"))
    run = pg_cron.wait_for_run(jobid)
    assert run["status"] == "succeeded", run["return_message"]
    row = db.execute(
        "SELECT scheduled, last_status, runs, failures, stuck, last_start FROM wedopt.job_status()"
        " WHERE job = 'matview-refresh'"
    ).fetchone()
    assert row[:2] == (True, "succeeded") and row[2] >= 1 and row[3] == 0 and row[4] is False
    assert row[5] == run["start_time"]
    # What it ran: refresh_matviews(), in this database, so wedopt's own rollups were refreshed.
    assert db.execute("SELECT min(refreshes) FROM wedopt.matview_policy WHERE builtin").fetchone()[0] >= 1
    db.execute("SELECT * FROM wedopt.unschedule_jobs()")


def test_job_status_counts_failures_and_finds_stuck_runs(cron_db, pg_cron):
    db = cron_db
    db.execute("SELECT * FROM wedopt.schedule_jobs()")
    jobid = next(j["jobid"] for j in pg_cron.jobs() if j["jobname"].startswith("wedopt-snapshot-stats@"))
    with pg_cron.connect() as conn:
        # Runs as pg_cron records them: one failed, then one marked running whose backend is gone.
        conn.execute(
            "INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status,"
            " return_message, start_time, end_time) VALUES"
            " (%s, 900001, 0, %s, 'postgres', 'x', 'failed', 'ERROR: boom', now() - interval '2 min', now()),"
            " (%s, 900002, 2147483000, %s, 'postgres', 'x', 'running', NULL, now() - interval '1 min', NULL)",
            [jobid, pg_cron.dbname, jobid, pg_cron.dbname],
        )
    row = db.execute(
        "SELECT runs, failures, last_status, stuck, running_since IS NOT NULL FROM wedopt.job_status()"
        " WHERE job = 'snapshot-stats'"
    ).fetchone()
    assert row == (2, 1, "running", True, True)
    with pg_cron.connect() as conn:
        conn.execute(
            "UPDATE cron.job_run_details SET status = 'succeeded', end_time = now() WHERE runid = 900002"
        )
    assert (
        db.execute("SELECT stuck FROM wedopt.job_status() WHERE job = 'snapshot-stats'").fetchone()[0]
        is False
    )


def test_run_job_and_the_event_day_freeze(db):
    assert db.execute("SELECT wedopt.run_job('check-alerts')").fetchone()[0].startswith("check-alerts: ")
    clean_error(sql_error(db, "SELECT wedopt.run_job('nightly')"), "22023")
    if not available(db)["upkeep"]:
        clean_error(sql_error(db, "SELECT wedopt.run_job('upkeep')"), "42883")
    # The act area's freeze: every day of the week an event day, so that it holds whatever today is.
    db.execute(
        "SELECT wedopt.set_setting('act.freeze_days', "
        "'{Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday}')"
    )
    got = db.execute("SELECT wedopt.run_job('history-retention')").fetchone()[0]
    assert got.startswith("history-retention skipped: today ("), got
    assert "is an event day" in got
    # Jobs that do not change the schema still run.
    assert "skipped" not in db.execute("SELECT wedopt.run_job('matview-refresh')").fetchone()[0]


def test_pg_cron_elsewhere_needs_dblink(pg_cron, db):
    # dblink is not in the control file's requires: only a database other than
    # cron.database_name needs it, and every entry that reaches pg_cron says so the same way.
    for call in ("schedule_jobs()", "unschedule_jobs()", "job_status()"):
        err = sql_error(db, f"SELECT * FROM wedopt.{call}")
        clean_error(err, "55000")
        assert "pg_cron lives in database postgres (cron.database_name)" in err.diag.message_primary, call
        assert "needs dblink" in err.diag.message_primary, call
        assert err.diag.message_hint.startswith("CREATE EXTENSION dblink in this database"), call
    # Nothing was half-done, and dblink, once created (in any schema), is all it takes.
    db.execute("CREATE EXTENSION dblink SCHEMA extensions")
    assert db.execute("SELECT count(*) FROM wedopt.job_status() WHERE scheduled").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM wedopt.schedule_jobs()").fetchone()[0] == len(JOBS)


def test_monitor_reads_job_status_admin_schedules(cron_db, connect):
    monitor = connect("wedopt_test_monitor")
    assert monitor.execute("SELECT count(*) FROM wedopt.job_status()").fetchone()[0] == len(JOBS)
    assert sql_error(monitor, "SELECT * FROM wedopt.schedule_jobs()").diag.sqlstate == "42501"
    admin = connect("wedopt_test_admin")
    assert admin.execute("SELECT count(*) FROM wedopt.schedule_jobs()").fetchone()[0] == len(JOBS)
    assert admin.execute("SELECT count(*) FROM wedopt.unschedule_jobs()").fetchone()[0] >= 3


@pytest.mark.slow
@pytest.mark.local_only
def test_without_pg_cron_a_clear_error():
    server = harness.create_cluster({"shared_preload_libraries": "'pg_stat_statements'"})
    try:
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION wedopt CASCADE")
            for call in ("schedule_jobs()", "unschedule_jobs()", "job_status()"):
                err = sql_error(conn, f"SELECT * FROM wedopt.{call}")
                clean_error(err, "55000")
                assert "shared_preload_libraries" in err.diag.message_hint
                assert "cron.database_name" in err.diag.message_hint
            # Everything else works.
            assert conn.execute("SELECT count(*) FROM wedopt.matview_status()").fetchone()[0] == 2
    finally:
        server.destroy()
