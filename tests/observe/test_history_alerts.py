"""snapshot_stats() and its rate views; alert rules, check_alerts() with NOTIFY; health_score()."""

import json
from datetime import timedelta

import pytest
from expect import clean_error, sql_error
from observe_helpers import findings, flush_stats


def test_snapshots_give_rates_and_index_usage_over_time(db):
    db.execute("CREATE TABLE public.booking (id int PRIMARY KEY, note text)")
    db.execute("INSERT INTO public.booking SELECT g, 'x' FROM generate_series(1, 100) g")
    flush_stats(db)
    first = db.execute("SELECT * FROM wedopt.snapshot_stats()").fetchone()
    assert first[1] == 1 and first[2] == 1  # one user table, one index (wedopt's own are left out)
    assert first[4] >= 4 * 4  # default + today + 2 days ahead, for each of the four history tables
    db.execute("INSERT INTO public.booking SELECT g, repeat('y', 200) FROM generate_series(101, 2100) g")
    for i in range(5):
        db.execute("SELECT * FROM public.booking WHERE id = %s", [i + 1]).fetchall()
    flush_stats(db)
    second = db.execute("SELECT * FROM wedopt.snapshot_stats()").fetchone()
    assert second[4] == 0 and second[0] > first[0]
    (rate,) = db.execute(
        "SELECT rows_written_per_s, idx_scans_per_s, growth_bytes, seconds FROM wedopt.table_activity_rates "
        "WHERE table_name = 'booking'"
    ).fetchall()
    rows_per_s, idx_per_s, growth, seconds = rate
    assert float(rows_per_s) * float(seconds) == pytest.approx(2000, rel=0.01)
    assert float(idx_per_s) > 0 and growth > 0
    usage = db.execute(
        "SELECT scans_since_previous FROM wedopt.index_usage_history WHERE index_name = 'booking_pkey' "
        "ORDER BY taken_at"
    ).fetchall()
    assert usage == [(None,), (5,)]
    (commits,) = db.execute("SELECT commits_per_s FROM wedopt.database_activity_rates").fetchone()
    assert commits > 0
    assert db.execute("SELECT count(*) FROM wedopt.statement_stats_history").fetchone()[0] > 0


def test_snapshot_retention_drops_old_partitions(db):
    db.execute("SELECT wedopt.snapshot_stats()")
    db.execute(
        "CREATE TABLE wedopt.table_stats_history_p20200101 PARTITION OF wedopt.table_stats_history "
        "FOR VALUES FROM ('2020-01-01') TO ('2020-01-02')"
    )
    (_, _, _, _, _, dropped) = db.execute("SELECT * FROM wedopt.snapshot_stats()").fetchone()
    assert dropped == 1
    assert db.execute("SELECT to_regclass('wedopt.table_stats_history_p20200101')").fetchone()[0] is None


def test_only_admin_takes_snapshots_monitor_reads_them(connect):
    admin, monitor = connect("wedopt_test_admin"), connect("wedopt_test_monitor")
    admin.execute("SELECT wedopt.snapshot_stats()")
    assert sql_error(monitor, "SELECT wedopt.snapshot_stats()").diag.sqlstate == "42501"
    assert monitor.execute("SELECT count(*) FROM wedopt.database_stats_history").fetchone()[0] == 1


def test_alert_fires_with_notify_and_resolves_after_the_fix(connect):
    db = connect()
    listener = connect()
    listener.execute("LISTEN wedopt_alerts")
    db.execute("SELECT * FROM wedopt.set_alert_rule('dead_tuples', p_threshold => 1000, p_duration => '0')")
    db.execute("CREATE TABLE public.payment (id int) WITH (autovacuum_enabled = off)")
    db.execute("INSERT INTO public.payment SELECT generate_series(1, 3000)")
    db.execute("DELETE FROM public.payment WHERE id > 10")
    flush_stats(db)
    open_alerts = db.execute("SELECT rule_name, object, status, value FROM wedopt.check_alerts()").fetchall()
    assert ("dead_tuples", "public.payment", "firing", 2990) in open_alerts
    payloads = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
    assert payloads[0]["event"] == "firing" and payloads[0]["object"] == "public.payment"
    assert payloads[0]["rule"] == "dead_tuples" and payloads[0]["value"] == 2990
    # Still breaching: no second NOTIFY, still one open alert.
    db.execute("SELECT * FROM wedopt.check_alerts()").fetchall()
    assert list(listener.notifies(timeout=0.5)) == []
    db.execute("VACUUM public.payment")
    flush_stats(db)
    rows = db.execute("SELECT rule_name, object, status FROM wedopt.check_alerts()").fetchall()
    assert ("dead_tuples", "public.payment", "resolved") in rows
    payloads = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
    assert payloads[0]["event"] == "resolved"
    (status, fired, resolved) = db.execute(
        "SELECT status, fired_at, resolved_at FROM wedopt.alert WHERE object = 'public.payment'"
    ).fetchone()
    assert status == "resolved" and resolved > fired
    assert (
        db.execute("SELECT count(*) FROM wedopt.check_alerts() WHERE object = 'public.payment'").fetchone()[0]
        == 0
    )


def test_alert_waits_for_its_duration_before_firing(db):
    db.execute(
        "SELECT * FROM wedopt.set_alert_rule('busy', 'connection_utilization_pct', '>', 0, '1 hour', 'WARN')"
    )
    rows = db.execute("SELECT rule_name, status, changed FROM wedopt.check_alerts()").fetchall()
    assert ("busy", "pending", True) in rows
    db.execute(
        "UPDATE wedopt.alert SET first_seen_at = first_seen_at - interval '2 hours' WHERE rule_name = 'busy'"
    )
    rows = db.execute("SELECT rule_name, status FROM wedopt.check_alerts()").fetchall()
    assert ("busy", "firing") in rows
    db.execute("SELECT * FROM wedopt.set_alert_rule('busy', p_enabled => false)")
    rows = db.execute("SELECT rule_name, status FROM wedopt.check_alerts()").fetchall()
    assert ("busy", "resolved") in rows


def test_default_rules_and_bad_rules(db):
    rules = dict(db.execute("SELECT rule_name, threshold FROM wedopt.alert_rules").fetchall())
    assert rules["cache_hit_ratio_low"] == 95 and rules["deadlocks"] == 5
    assert rules["replication_lag"] == 30 and rules["connection_utilization"] == 80
    assert rules["long_running_query"] == 5 and {"wraparound", "dead_tuples"} <= set(rules)
    clean_error(sql_error(db, "SELECT * FROM wedopt.set_alert_rule('x', 'nope', '>', 1)"), "22023")
    clean_error(sql_error(db, "SELECT * FROM wedopt.set_alert_rule('x', 'dead_tuples', '=', 1)"), "22023")
    clean_error(sql_error(db, "SELECT * FROM wedopt.set_alert_rule('x', 'dead_tuples')"), "22004")
    # A fresh database breaches none of the shipped rules.
    assert db.execute("SELECT count(*) FROM wedopt.check_alerts()").fetchone()[0] == 0


def test_long_running_query_alert_uses_the_shipped_rule(db, connect):
    from observe_helpers import Background, pid_of, wait_until

    db.execute("SELECT * FROM wedopt.set_alert_rule('long_running_query', p_threshold => 0.2)")
    busy = connect()
    pid = pid_of(busy)
    job = Background(busy, "SELECT pg_sleep(1.2)")
    assert wait_until(
        lambda: (
            ("long_running_query", f"pid {pid}")
            in [(r[0], r[1]) for r in db.execute("SELECT * FROM wedopt.check_alerts()").fetchall()]
        ),
        timeout=5,
    )
    job.join()
    rows = db.execute("SELECT rule_name, object, status FROM wedopt.check_alerts()").fetchall()
    assert ("long_running_query", f"pid {pid}", "resolved") in rows


def test_health_score_and_its_breakdown(db):
    (score, breakdown) = db.execute("SELECT * FROM wedopt.health_score()").fetchone()
    assert score == 100 and breakdown["INTEGRITY"]["points"] == 25
    db.execute("CREATE TABLE public.budget (x int)")  # no primary key: WARN, INTEGRITY
    db.execute("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'")
    (score, breakdown) = db.execute("SELECT * FROM wedopt.health_score()").fetchone()
    assert score == 94
    assert breakdown["INTEGRITY"] == {
        "points": 22,
        "of": 25,
        "errors": 0,
        "warnings": 1,
        "infos": 0,
        "findings": {"table_without_primary_key": 1},
    }
    assert breakdown["SECURITY"]["findings"] == {"security_definer_search_path": 1}
    db.execute("ALTER TABLE public.budget ADD PRIMARY KEY (x)")
    db.execute("DROP FUNCTION public.f()")
    assert db.execute("SELECT score FROM wedopt.health_score()").fetchone()[0] == 100
    assert findings(db, "table_without_primary_key") == {}


def test_alert_rules_survive_in_a_config_table(db):
    configs = db.execute(
        "SELECT array_agg(c::regclass::text ORDER BY 1) FROM pg_extension, unnest(extconfig) AS c "
        "WHERE extname = 'wedopt'"
    ).fetchone()[0]
    assert {"wedopt.alert_rule", "wedopt.integrity_check"} <= set(configs)
    assert (
        timedelta(0)
        == db.execute("SELECT duration FROM wedopt.alert_rules WHERE rule_name = 'deadlocks'").fetchone()[0]
    )
