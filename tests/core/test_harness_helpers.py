"""The harness's helpers for tests that need pg_cron or pg_partman (harness/cron.py,
harness/partman.py): a pg_cron job scheduled for the test's database really runs there, and
pg_partman installs beside wedopt, or says which package is missing."""

import pytest

import harness


@pytest.mark.slow
def test_a_pg_cron_job_runs_in_the_tests_database(pg_cron, db):
    db.execute("CREATE TABLE public.cron_probe (db text, at timestamptz DEFAULT now())")
    jobid = pg_cron.schedule(
        "harness-probe", "INSERT INTO public.cron_probe (db) VALUES (current_database())"
    )
    assert [j["jobname"] for j in pg_cron.jobs()] == ["harness-probe"]
    run = pg_cron.wait_for_run(jobid)
    assert run["status"] == "succeeded", run["return_message"]
    assert run["database"] == pg_cron.dbname
    dbs = [r[0] for r in db.execute("SELECT db FROM public.cron_probe").fetchall()]
    assert dbs and set(dbs) == {pg_cron.dbname}
    pg_cron.unschedule_all()
    assert pg_cron.jobs() == []


def test_pg_cron_lives_in_the_cron_database(pg_cron, db):
    # Not in the test's database: there, a test reaches cron only through the fixture.
    assert db.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'").fetchone()[0] == 0
    with pg_cron.connect() as conn:
        assert (
            conn.execute("SELECT current_setting('cron.use_background_workers')").fetchone()[
                "current_setting"
            ]
            == "on"
        )
        assert (
            conn.execute("SELECT count(*) AS n FROM pg_extension WHERE extname = 'pg_cron'").fetchone()["n"]
            == 1
        )


def test_pg_partman_beside_wedopt_or_a_clear_reason(db):
    version = harness.available_version(db)
    if version is None:
        with pytest.raises(harness.PartmanUnavailable, match="apt-get install postgresql-15-partman"):
            harness.create_partman(db)
        return
    assert harness.create_partman(db) == version
    assert harness.create_partman(db) == version  # idempotent
    installed = dict(
        db.execute("SELECT extname, extnamespace::regnamespace::text FROM pg_extension").fetchall()
    )
    assert installed["pg_partman"] == "partman"
    assert installed["wedopt"] == "wedopt"
