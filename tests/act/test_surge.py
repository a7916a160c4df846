"""Booking surge: the insert rate of act.surge_tables against its own baseline (the same window on
earlier days), from observe's snapshot history written here with controlled timestamps; during
a surge the guard rails tighten (freeze widened, index cap and storage share lowered)."""

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from conftest import action, refused, run, wait

NOW = datetime(2030, 1, 30, 12, 0, tzinfo=UTC)  # a fixed p_now: nothing depends on today
STEP = timedelta(minutes=15)


@pytest.fixture
def surge_db(act_db):
    su, admin = act_db
    # Every snapshot written below lands here, whatever its date.
    su.execute(
        "CREATE TABLE wedopt.table_stats_history_surge PARTITION OF wedopt.table_stats_history DEFAULT"
    )
    su.execute("SELECT wedopt.set_setting('act.surge_tables', '{public.booking}')")
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    return su, admin


def write_history(su, now, days, rate, *, recent_rate=None, resets=(), table="booking", busy_days=()):
    """Snapshots every 15 minutes for `days` days up to `now`: n_tup_ins grows by `rate` rows an
    hour (`recent_rate` in the last hour, and in that hour `busy_days` days back); at each time in
    `resets` the counter restarts at 0."""
    relid = su.execute("SELECT %s::regclass::oid", [f"public.{table}"]).fetchone()[0]
    recent = [now - timedelta(days=d) for d in (0, *busy_days)]
    at, counter, rows = now - timedelta(days=days), 1_000_000, []
    while at <= now:
        rows.append((at, counter))
        at += STEP
        busy = recent_rate is not None and any(end - timedelta(hours=1) < at <= end for end in recent)
        per_hour = recent_rate if busy else rate
        counter += round(per_hour / 4)
        if any(at - STEP < r <= at for r in resets):
            counter = round(per_hour / 4)
    su.execute(
        "INSERT INTO wedopt.table_stats_history (taken_at, relid, schema_name, table_name, n_tup_ins)"
        " SELECT t, %s, 'public', %s, n FROM unnest(%s::timestamptz[], %s::bigint[]) AS u (t, n)",
        [relid, table, [r[0] for r in rows], [r[1] for r in rows]],
    )


def surge(conn, now=NOW):
    cur = conn.execute("SELECT * FROM wedopt.booking_surge(%s)", [now])
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_steady_rates_are_no_surge(surge_db):
    su, _ = surge_db
    write_history(su, NOW, 30, 400)
    (row,) = surge(su)
    assert row["table_name"] == "public.booking"
    assert (row["current_per_hour"], row["baseline_per_hour"], row["ratio"]) == (400, 400, 1)
    assert row["baseline_windows"] == 28 and row["surging"] is False, row
    assert "below act.surge_factor" in row["reason"]
    assert su.execute("SELECT wedopt._surge_active(%s)", [NOW]).fetchone()[0] is False


def test_surge_detected_at_the_factor(surge_db):
    su, admin = surge_db
    write_history(su, NOW, 30, 400, recent_rate=800)  # exactly act.surge_factor (2) times
    (row,) = surge(su)
    assert (row["current_per_hour"], row["baseline_per_hour"], row["ratio"]) == (800, 400, 2), row
    assert row["surging"] is True and "at least act.surge_factor 2" in row["reason"], row
    assert su.execute("SELECT wedopt._surge_active(%s)", [NOW]).fetchone()[0] is True
    # A monitor reads it; just under the factor is no surge.
    assert surge(admin)[0]["surging"] is True
    su.execute("SELECT wedopt.set_setting('act.surge_factor', '2.1')")
    assert surge(su)[0]["surging"] is False
    # The same surge an hour later has left the window.
    su.execute("SELECT wedopt.reset_setting('act.surge_factor')")
    assert surge(su, NOW + timedelta(hours=1, minutes=15))[0]["current_per_hour"] is None


def test_baseline_is_the_median_of_earlier_days(surge_db):
    su, _ = surge_db
    # The same hour was as busy on 3 earlier days: the median baseline does not move.
    write_history(su, NOW, 30, 400, recent_rate=1000, busy_days=(1, 2, 3))
    (row,) = surge(su)
    assert row["baseline_per_hour"] == 400 and row["surging"] is True, row


def test_counter_reset_is_skipped(surge_db):
    su, _ = surge_db
    # Stats reset (or a crash) inside the current window and on an earlier day: the counter falls
    # back to 0; the interval that went down is skipped, not read as a negative rate.
    write_history(su, NOW, 30, 400, resets=(NOW - timedelta(minutes=20), NOW - timedelta(days=5, minutes=10)))
    (row,) = surge(su)
    assert row["counter_resets"] == 2, row
    assert row["current_per_hour"] == 400 and row["baseline_per_hour"] == 400, row
    assert row["surging"] is False and "counter reset skipped" in row["reason"], row


def test_insufficient_history_and_stale_snapshots(surge_db):
    su, _ = surge_db
    write_history(su, NOW, 3.5, 400, recent_rate=4000)  # 10x, but only 3 earlier days
    (row,) = surge(su)
    assert row["surging"] is False and row["baseline_windows"] == 3, row
    assert row["reason"].startswith("insufficient history: 3 earlier day(s)"), row
    su.execute("SELECT wedopt.set_setting('act.surge_min_baseline_windows', '3')")
    assert surge(su)[0]["surging"] is True
    # Snapshots that stopped two hours ago say nothing about the last hour.
    (row,) = surge(su, NOW + timedelta(hours=2))
    assert row["surging"] is False and row["reason"].startswith("no snapshots cover the last"), row


def test_noise_and_unknown_tables(surge_db):
    su, _ = surge_db
    write_history(su, NOW, 30, 12, recent_rate=72)  # 6x, but 72 inserts < act.surge_min_rows 100
    (row,) = surge(su)
    assert row["ratio"] == 6 and row["surging"] is False and "act.surge_min_rows" in row["reason"], row
    su.execute("SELECT wedopt.set_setting('act.surge_tables', '{public.booking,no_such_table}')")
    assert [r["reason"] for r in surge(su)][1] == "no such table (setting act.surge_tables)"
    su.execute("SELECT wedopt.set_setting('act.surge_tables', '{}')")
    assert surge(su) == []


def test_partitioned_table_counts_its_partitions(surge_db):
    su, _ = surge_db
    su.execute("CREATE TABLE public.pbook (id int, d date) PARTITION BY RANGE (d)")
    su.execute(
        "CREATE TABLE public.pbook_1 PARTITION OF public.pbook"
        " FOR VALUES FROM ('2030-01-01') TO ('2030-02-01')"
    )
    su.execute(
        "CREATE TABLE public.pbook_2 PARTITION OF public.pbook"
        " FOR VALUES FROM ('2030-02-01') TO ('2030-03-01')"
    )
    su.execute("SELECT wedopt.set_setting('act.surge_tables', '{pbook}')")
    write_history(su, NOW, 30, 300, recent_rate=500, table="pbook_1")
    write_history(su, NOW, 30, 100, recent_rate=300, table="pbook_2")
    (row,) = surge(su)
    assert row["table_name"] == "public.pbook"
    assert (row["current_per_hour"], row["baseline_per_hour"], row["surging"]) == (800, 400, True), row


def surge_now(su):
    """A surge in force at the server's clock: history relative to now(), whatever day it is."""
    now = su.execute("SELECT now()").fetchone()[0]
    write_history(su, now, 30, 400, recent_rate=2000)
    assert su.execute("SELECT wedopt._surge_active()").fetchone()[0] is True
    return now


def test_ddl_is_refused_during_a_surge_unless_forced(surge_db):
    su, admin = surge_db
    surge_now(su)
    error = refused(admin, "CREATE INDEX booking_guest ON booking (guest)")
    assert error.sqlstate == "42501", error
    assert "during a booking surge on public.booking" in str(error) and "act.surge_freeze_days" in str(error)
    assert "wedopt.booking_surge()" in error.diag.message_hint
    assert su.execute("SELECT to_regclass('public.booking_guest')").fetchone()[0] is None
    logged = su.execute(
        "SELECT status, error FROM wedopt.action_log WHERE statement LIKE 'CREATE INDEX booking_guest%'"
    ).fetchone()
    assert logged[0] == "refused" and "booking surge" in logged[1]
    # VACUUM and ANALYZE are no DDL; an admin forces DDL with a reason, recorded.
    assert run(admin, "ANALYZE booking")[1] == "succeeded"
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        run(admin, "CREATE INDEX booking_guest ON booking (guest)", reason=None, force=True)
    action_id, status = run(
        admin, "CREATE INDEX booking_guest ON booking (guest)", reason="surge hotfix", force=True
    )
    assert status == "succeeded"
    row = action(admin, action_id)
    assert row["forced"] is True and "booking surge" in row["detail"]["forced"], row
    # No surge freeze days: DDL runs during the surge.
    su.execute("SELECT wedopt.set_setting('act.surge_freeze_days', '{}')")
    assert run(admin, "CREATE INDEX ON booking (venue_id)")[1] == "succeeded"


def test_index_cap_and_storage_share_tighten_during_a_surge(surge_db):
    su, admin = surge_db
    su.execute("SELECT wedopt.set_setting('act.surge_freeze_days', '{}')")
    su.execute("SELECT wedopt.set_setting('act.surge_index_cap', '1')")  # booking has its pkey
    surge_now(su)
    error = refused(admin, "CREATE INDEX ON booking (guest)")
    assert error.sqlstate == "42501" and "lowered to act.surge_index_cap during a booking surge" in str(error)
    assert "booking_surge()" in error.diag.message_hint
    # The storage guard: a budget the database fits in at 80 % (act.disk_budget_share) but not 10 %.
    su.execute("SELECT wedopt.reset_setting('act.surge_index_cap')")
    size = su.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    su.execute("SELECT wedopt.set_setting('act.disk_budget_bytes', %s)", [str(size * 2)])
    su.execute("SELECT wedopt.set_setting('act.surge_disk_budget_share', '0.1')")
    error = refused(admin, "CREATE INDEX ON booking (guest)")
    assert "disk budget" in str(error) and "act.surge_disk_budget_share during a booking surge" in str(error)
    # The surge over (no table watched any more): the normal cap and share apply.
    su.execute("SELECT wedopt.set_setting('act.surge_tables', '{}')")
    su.execute("SELECT wedopt.set_setting('act.surge_index_cap', '1')")
    assert run(admin, "CREATE INDEX ON booking (guest)")[1] == "succeeded"


def test_maintain_jobs_see_the_widened_freeze(surge_db):
    su, _ = surge_db
    assert su.execute("SELECT wedopt._schedule_freeze()").fetchone()[0] is None
    surge_now(su)
    assert "booking surge" in su.execute("SELECT wedopt._schedule_freeze()").fetchone()[0]


def test_a_queued_statement_meets_the_surge_when_it_runs(surge_db):
    su, admin = surge_db
    su.execute("SELECT wedopt.set_setting('act.dispatcher', 'cron')")  # it waits for _dispatch_pending()
    queued = run(admin, "CREATE INDEX CONCURRENTLY booking_date ON booking (event_date)")[0]
    surge_now(su)
    su.execute("SELECT wedopt._dispatch_pending()")
    row = wait(admin, queued)
    assert row["status"] == "refused" and "during a booking surge on public.booking" in row["error"], row
    assert row["detail"]["refused_at_execution"] is True


def test_auto_tune_policy_steps_down_during_a_surge(surge_db):
    su, admin = surge_db

    def allowed():
        return admin.execute("SELECT wedopt._auto_tune_allowed('public.booking', 8192)").fetchone()[0]

    su.execute("SELECT wedopt.set_setting('act.auto_apply', 'all')")
    assert allowed() is None
    surge_now(su)
    # all becomes small_tables: a table over the size limit is held back, and the surge is named.
    su.execute("SELECT wedopt.set_setting('act.auto_apply_max_table_bytes', '1')")
    why = allowed()
    assert why.startswith(
        "act.auto_apply is small_tables, stepped down from all during a booking surge on public.booking"
    )
    su.execute("SELECT wedopt.reset_setting('act.auto_apply_max_table_bytes')")
    assert allowed() is None
    # small_tables becomes none: nothing is applied, and a cycle reports why.
    su.execute("SELECT wedopt.set_setting('act.auto_apply', 'small_tables')")
    assert "is none, stepped down from small_tables during a booking surge" in allowed()
    report = admin.execute(
        "CALL wedopt.auto_tune(%s, NULL, NULL)", [["SELECT * FROM booking WHERE guest = 'guest 4242'"]]
    ).fetchone()[0]
    held = [i for i in report["items"] if i["outcome"] == "not_applied"]
    assert report["applied"] == 0 and held, report
    assert all("stepped down from small_tables during a booking surge" in i["reason"] for i in held), held
