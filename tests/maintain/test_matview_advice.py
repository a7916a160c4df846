"""Materialized-view advice: recommend_matviews() reads pg_stat_statements, proposes a view
for a heavy aggregate over slowly changing tables (its SQL runs, refreshes concurrently),
and says why not for the others."""

import pytest
from expect import clean_error, sql_error
from wedopt.maintain.matviews import suggest_policy

SCHEMA = """
CREATE SCHEMA shop;
CREATE TABLE shop.booking (
    id bigint PRIMARY KEY,
    venue_id integer NOT NULL,
    region text,
    amount numeric(12, 2) NOT NULL
);
INSERT INTO shop.booking
SELECT g, g % 20, CASE WHEN g % 7 = 0 THEN NULL ELSE 'r' || g % 3 END, 10 + g % 13
FROM generate_series(1, 5000) AS g;
CREATE TABLE shop.tick (id bigserial PRIMARY KEY, venue_id integer NOT NULL, n integer NOT NULL);
INSERT INTO shop.tick (venue_id, n) SELECT g % 5, g FROM generate_series(1, 100) AS g;
ANALYZE shop.booking;
ANALYZE shop.tick;
"""
SLOW = "SELECT venue_id, count(*) AS bookings, sum(amount) AS revenue FROM shop.booking GROUP BY venue_id"
NULLABLE = "SELECT region, count(*) AS bookings FROM shop.booking GROUP BY region"
FAST = "SELECT venue_id, sum(n) AS total FROM shop.tick GROUP BY venue_id"
PLAIN = "SELECT id, amount FROM shop.booking ORDER BY id LIMIT 5"
FILTERED = "SELECT venue_id, count(*) FROM shop.booking WHERE amount > 20 GROUP BY venue_id"
CALLS = 120


def flush_stats(conn):
    conn.execute("SELECT pg_stat_force_next_flush()")
    conn.execute("SELECT 1")


@pytest.fixture
def shop(db):
    db.execute(SCHEMA)
    db.execute("SELECT wedopt.set_setting('matview.min_mean_ms', '0')")
    # The counters start now: the load above is no write of the workload.
    flush_stats(db)
    db.execute("SELECT pg_stat_reset_single_table_counters('shop.booking'::regclass)")
    db.execute("SELECT pg_stat_reset_single_table_counters('shop.tick'::regclass)")
    db.execute("SELECT extensions.pg_stat_statements_reset()")
    return db


def run(db, sql, times=CALLS):
    for _ in range(times):
        db.execute(sql)


def advice(db, *args):
    cur = db.execute(
        "SELECT * FROM wedopt.recommend_matviews(" + ", ".join(["%s"] * len(args)) + ")", list(args)
    )
    cols = [c.name for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def row_of(rows, text):
    found = [r for r in rows if text in r["query"]]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_a_heavy_aggregate_over_a_slow_table_is_proposed_and_its_sql_runs(shop):
    run(shop, SLOW)
    shop.execute("INSERT INTO shop.booking VALUES (100001, 3, 'r1', 50)")  # a few writes: still slow
    flush_stats(shop)
    r = row_of(advice(shop), "FROM shop.booking GROUP BY venue_id")
    assert r is not None and r["proposed"] is True, (r["reason"], r["index_reason"], r["sqlstate"])
    assert r["calls"] == CALLS and r["source_tables"] == ["shop.booking"] and r["source_writes"] == 1
    assert r["writes_per_call"] == pytest.approx(1 / CALLS, abs=1e-4)
    assert r["verified"] is True and r["sqlstate"] is None
    assert r["create_statement"].startswith(f"CREATE MATERIALIZED VIEW {r['matview']} AS\n")
    assert (r["unique_index"] or "").endswith(f"ON {r['matview']} (venue_id)"), r["index_reason"]
    assert "NOT NULL" in r["index_reason"]
    assert r["refresh_policy"] == "source_changed" and r["staleness_limit"] is None
    # Nothing of the check is left behind: the view exists only once the DBA creates it.
    assert shop.execute("SELECT to_regclass(%s)", [r["matview"]]).fetchone()[0] is None
    # The same statement gets the same proposal on a second call (a name from its queryid).
    again = row_of(advice(shop), "FROM shop.booking GROUP BY venue_id")
    assert again["matview"] == r["matview"] and again["create_statement"] == r["create_statement"]
    # The DBA runs what was proposed: it creates, registers and refreshes concurrently.
    shop.execute(r["create_statement"])
    shop.execute(r["unique_index"])
    shop.execute(r["register_statement"])
    shop.execute("INSERT INTO shop.booking VALUES (100002, 4, 'r2', 70)")
    flush_stats(shop)
    refreshed = shop.execute(
        "SELECT action, mode FROM wedopt.refresh_matviews(%s::regclass)", [r["matview"]]
    ).fetchall()
    assert refreshed == [("refreshed", "concurrently")]
    assert (
        shop.execute(f"SELECT bookings FROM {r['matview']} WHERE venue_id = 4").fetchone()[0]
        == (shop.execute("SELECT count(*) FROM shop.booking WHERE venue_id = 4").fetchone()[0])
    )


def test_a_fast_changing_table_is_not_proposed_and_says_why(shop):
    for _ in range(CALLS):
        shop.execute(FAST)
        shop.execute("INSERT INTO shop.tick (venue_id, n) SELECT g % 5, g FROM generate_series(1, 10) AS g")
    flush_stats(shop)
    r = row_of(advice(shop), "FROM shop.tick GROUP BY venue_id")
    assert r is not None and r["proposed"] is False, r
    assert r["source_writes"] == CALLS * 10 and r["writes_per_call"] == pytest.approx(10)
    assert "change too fast" in r["reason"] and "matview.max_writes_per_call" in r["reason"]
    assert r["create_statement"] is None and r["register_statement"] is None
    # The same workload is proposed once the threshold allows it: the rule decides, not the shape.
    shop.execute("SELECT wedopt.set_setting('matview.max_writes_per_call', '20')")
    assert row_of(advice(shop), "FROM shop.tick GROUP BY venue_id")["proposed"] is True


def test_non_aggregates_catalogs_and_wedopts_own_are_not_rows(shop):
    run(shop, PLAIN)
    run(shop, "SELECT id FROM shop.booking ORDER BY amount, id")
    run(shop, "SELECT relkind, count(*) FROM pg_catalog.pg_class GROUP BY relkind")
    run(shop, "SELECT source, count(*) FROM wedopt.action_log GROUP BY source")
    run(shop, SLOW)  # so that the call sees something
    flush_stats(shop)
    rows = advice(shop)
    assert [r["query"] for r in rows] == [SLOW], rows


def test_a_nullable_group_key_gets_no_unique_index_and_the_reason(shop):
    run(shop, NULLABLE)
    flush_stats(shop)
    r = row_of(advice(shop), "GROUP BY region")
    assert r["proposed"] is True and r["verified"] is True, r
    assert r["unique_index"] is None
    assert "group key booking.region is nullable" in r["index_reason"]
    assert "shop.booking.region has no NOT NULL" in r["index_reason"]
    # Its view still runs (refreshed plainly).
    shop.execute(r["create_statement"])
    shop.execute(r["register_statement"])
    mode = shop.execute(
        "SELECT mode FROM wedopt.refresh_matviews(%s::regclass, true)", [r["matview"]]
    ).fetchone()[0]
    assert mode == "plain"


def test_parameters_expressions_and_one_row_aggregates(shop):
    run(shop, FILTERED)
    run(shop, "SELECT count(*) FROM shop.booking")
    run(shop, "SELECT upper(region) AS up, count(*) FROM shop.booking GROUP BY upper(region)")
    flush_stats(shop)
    rows = advice(shop)
    filtered = row_of(rows, "WHERE amount >")
    assert filtered["proposed"] is False and "$n parameters" in filtered["reason"], filtered
    assert filtered["query"].endswith("WHERE amount > $1 GROUP BY venue_id")
    one = row_of(rows, "SELECT count(*) FROM shop.booking")
    assert one["proposed"] is True and one["unique_index"] is None and "no GROUP BY" in one["index_reason"]
    expr = row_of(rows, "upper(region)")
    assert expr["proposed"] is True and expr["unique_index"] is None
    assert "is an expression" in expr["index_reason"]


def test_errors_per_statement_are_rows_and_the_call_goes_on(shop):
    shop.execute("CREATE TABLE shop.gone (k integer NOT NULL, v integer)")
    run(shop, "SELECT k, sum(v) FROM shop.gone GROUP BY k")
    shop.execute("DROP TABLE shop.gone")
    run(shop, SLOW)
    flush_stats(shop)
    rows = advice(shop)
    gone = row_of(rows, "shop.gone")
    assert gone["proposed"] is False and gone["sqlstate"] == "42P01", gone
    assert "cannot be planned here" in gone["reason"] and "shop.gone" in gone["reason"]
    assert row_of(rows, "FROM shop.booking GROUP BY venue_id")["proposed"] is True
    # Rows the caller may not plan: an error row, not an abort.
    shop.execute("DO $$ BEGIN CREATE ROLE mv_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    shop.execute("GRANT wedopt_monitor TO mv_reader")
    shop.execute("GRANT pg_read_all_stats TO mv_reader")
    shop.execute("SET ROLE mv_reader")
    try:
        denied = row_of(advice(shop), "FROM shop.booking GROUP BY venue_id")
    finally:
        shop.execute("RESET ROLE")
    assert denied["proposed"] is False and denied["sqlstate"] == "42501", denied


def test_limit_min_calls_and_bad_arguments(shop):
    run(shop, SLOW)
    run(shop, NULLABLE, 50)
    flush_stats(shop)
    assert [r["query"] for r in advice(shop)] == [SLOW]  # NULLABLE has 50 calls, under 100
    assert len(advice(shop, 10)) == 2
    assert len(advice(shop, 10, 1)) == 1
    clean_error(sql_error(shop, "SELECT * FROM wedopt.recommend_matviews(0)"), "22023")
    clean_error(sql_error(shop, "SELECT * FROM wedopt.recommend_matviews(10, 0)"), "22023")


def test_the_policy_follows_the_write_rate():
    # Writes rarer than a tenth of the calls: refreshed on change.
    assert suggest_policy(1000, 5, 0.1)[0:2] == ("source_changed", None)
    # 40 written rows an hour for 100 calls: 40 refreshes would cost more than 10 calls an hour,
    # so a staleness limit spaces them to at most 10 an hour: 6 minutes -> 10 minutes.
    assert suggest_policy(100, 40, 0.1)[0:2] == ("staleness", "10 minutes")
    assert suggest_policy(10, 40, 0.1)[0:2] == ("staleness", "1 hour")


def test_another_roles_statement_is_not_planned_with_the_callers_rights(shop, monitor_with_folding_spy):
    """Planning folds IMMUTABLE functions: the superuser's advice must not plan (and so run) a
    monitor's function; the monitor itself is advised on its statement."""
    shop.execute("GRANT USAGE ON SCHEMA shop TO wedopt_test_monitor")
    shop.execute("GRANT SELECT ON shop.booking TO wedopt_test_monitor")
    monitor = monitor_with_folding_spy
    spy = "SELECT venue_id, count(*) FROM shop.booking WHERE venue_id <> mon.seven() GROUP BY venue_id"
    run(monitor, spy)
    flush_stats(monitor)
    rows = advice(shop)
    assert row_of(rows, "mon.seven()") is None, rows
    assert not any("folded as" in (r["reason"] or "") for r in rows), rows
    own = row_of(advice(monitor), "mon.seven()")
    assert own is not None and own["sqlstate"] is None, own
