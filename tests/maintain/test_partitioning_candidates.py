"""Partitioning advice: analyze_partitioning_candidates().

Every table is filled with fixed timestamps (no now(), no random), thresholds are lowered
through settings, so nothing depends on today's date or on generated values."""

import pytest

ADVICE = (
    "SELECT table_name::text, key_column, suggested_interval::text, blockers, migration_steps, "
    "estimated_rows, reason, score FROM wedopt.analyze_partitioning_candidates()"
)


@pytest.fixture
def low(db):
    """Thresholds a few thousand rows reach; partitions of at most 2000 rows."""
    for name, value in (
        ("partition.candidate_min_rows", "5000"),
        ("partition.candidate_min_bytes", "1000000000000"),
        ("partition.target_rows", "2000"),
        ("partition.target_bytes", "1000000000000"),
    ):
        db.execute("SELECT wedopt.set_setting(%s, %s)", [name, value])
    return db


def fill(db, name, extra_cols="", pk="PRIMARY KEY (id, ts)"):
    """10000 rows, one per hour from 2025-01-01 00:00 UTC (about 417 days), in time order."""
    db.execute(
        f"CREATE TABLE public.{name} (id bigint NOT NULL, ts timestamptz NOT NULL, v int{extra_cols}, {pk})"
    )
    db.execute(
        f"INSERT INTO public.{name} (id, ts, v) SELECT g, timestamptz '2025-01-01 00:00+00' "
        "+ g * interval '1 hour', g % 7 FROM generate_series(0, 9999) AS g"
    )
    db.execute(f"ANALYZE public.{name}")


def advice(db):
    return {r[0]: r for r in db.execute(ADVICE).fetchall()}


def test_a_big_time_ordered_table_is_ranked_with_its_key_and_interval(low):
    fill(low, "ev")
    got = advice(low)
    assert list(got) == ["ev"]
    name, key, interval, blockers, steps, rows, reason, score = got["ev"]
    assert key == "ts"
    # 10000 rows over ~417 days: a quarter holds ~2190 > 2000, a month ~730 <= 2000.
    assert interval == "1 mon"
    assert blockers == []
    assert rows == 10000
    assert "correlation 1" in reason
    assert 0 < score <= 100
    assert steps[0] == "SELECT * FROM wedopt.convert_to_partitioned('public.ev', 'ts', '1 mon')"


def test_the_interval_follows_the_row_target(low):
    fill(low, "ev")
    low.execute("SELECT wedopt.set_setting('partition.target_rows', '200')")
    assert advice(low)["ev"][2] == "7 days"  # a month ~730 > 200, a week ~168 <= 200
    low.execute("SELECT wedopt.set_setting('partition.target_rows', '100000')")
    assert advice(low)["ev"][2] == "1 year"


def test_a_small_table_is_not_listed(low):
    fill(low, "ev")
    low.execute("CREATE TABLE public.small (id int PRIMARY KEY, ts timestamptz NOT NULL)")
    low.execute(
        "INSERT INTO public.small SELECT g, timestamptz '2025-01-01 00:00+00' + g * interval '1 day' "
        "FROM generate_series(1, 100) AS g"
    )
    low.execute("ANALYZE public.small")
    assert "small" not in advice(low)


def test_a_pk_without_the_key_and_an_incoming_fk_are_blockers(low):
    fill(low, "orders", pk="PRIMARY KEY (id)")
    low.execute("CREATE TABLE public.line (id int, order_id bigint REFERENCES public.orders (id))")
    name, key, interval, blockers, steps, rows, reason, score = advice(low)["orders"]
    assert key == "ts"
    assert blockers == [
        "foreign key line_order_id_fkey of public.line points at it",
        "unique index public.orders_pkey lacks ts",
    ]
    assert "refuses it until the blockers are removed" in reason
    # and convert_to_partitioned() really refuses, with the same words
    with pytest.raises(Exception, match="orders_pkey lacks ts"):
        low.execute(steps[0])


def test_the_key_the_workload_filters_on_is_preferred(low):
    # created_at follows the physical order (correlation 1); ts is a fixed permutation of the
    # same hours (7919 is prime to 10000), nearly uncorrelated: statistics alone pick created_at.
    fill(low, "ev", extra_cols=", created_at timestamptz")
    low.execute(
        "UPDATE public.ev SET created_at = ts, "
        "ts = timestamptz '2025-01-01 00:00+00' + ((id * 7919) % 10000) * interval '1 hour'"
    )
    low.execute("VACUUM FULL public.ev")
    low.execute("ANALYZE public.ev")
    low.execute("SELECT extensions.pg_stat_statements_reset()")
    assert advice(low)["ev"][1] == "created_at"
    for _ in range(3):
        low.execute("SELECT count(*) FROM public.ev WHERE ts >= %s", ["2025-03-01 00:00+00"])
    name, key, interval, blockers, steps, rows, reason, score = advice(low)["ev"]
    assert key == "ts"
    assert reason.startswith("key ts: 1 of the top statements filter on it")


def test_the_migration_steps_run_and_keep_every_row(low):
    fill(low, "ev")
    steps = advice(low)["ev"][4]
    before = low.execute("SELECT count(*), sum(v) FROM public.ev").fetchone()
    for step in steps:
        low.execute(step)
    assert low.execute("SELECT relkind FROM pg_class WHERE oid = 'public.ev'::regclass").fetchone()[0] == "p"
    assert low.execute("SELECT count(*), sum(v) FROM public.ev").fetchone() == before
    assert low.execute("SELECT count(*) FROM wedopt.partition_sets").fetchone()[0] == 1
    # the partitioned table is no longer a candidate
    assert "ev" not in advice(low)


def test_a_monitor_gets_the_advice_its_rights_allow(low, connect):
    fill(low, "ev")
    monitor = connect("wedopt_test_monitor")
    query = (
        "SELECT table_name::text, key_column, suggested_interval::text, migration_steps IS NULL, reason "
        "FROM wedopt.analyze_partitioning_candidates()"
    )
    # INVOKER: without SELECT on ev, pg_stats hides its columns and the span is unknown: the
    # candidate is listed (catalog facts) without interval or steps, and nothing fails.
    (row,) = monitor.execute(query).fetchall()
    assert row[:4] == ("ev", "ts", None, True)
    assert "span is unknown" in row[4]
    low.execute("GRANT SELECT ON public.ev TO wedopt_monitor")
    (row,) = monitor.execute(query).fetchall()
    assert row[:4] == ("ev", "ts", "1 mon", False)


def test_growth_comes_from_the_stats_history(low):
    fill(low, "ev")
    assert advice(low)["ev"][0] == "ev"
    growth = "SELECT growth_rows_per_day FROM wedopt.analyze_partitioning_candidates()"
    assert low.execute(growth).fetchone()[0] is None  # no snapshot yet
    # Two snapshots 10 days apart, in a partition of fixed past dates (no clock involved).
    low.execute(
        "CREATE TABLE wedopt.table_stats_history_test PARTITION OF wedopt.table_stats_history "
        "FOR VALUES FROM ('2025-01-01 00:00+00') TO ('2025-02-01 00:00+00')"
    )
    low.execute(
        "INSERT INTO wedopt.table_stats_history (taken_at, relid, schema_name, table_name, live_tuples) "
        "VALUES ('2025-01-01 00:00+00', 'public.ev'::regclass, 'public', 'ev', 1000), "
        "('2025-01-11 00:00+00', 'public.ev'::regclass, 'public', 'ev', 6000)"
    )
    assert low.execute(growth).fetchone()[0] == 500
