"""The figures functions on a real server: each provoked condition shows up in them."""

import pytest
from expect import clean_error, sql_error
from observe_helpers import Background, flush_stats, pid_of, wait_until

import harness


def as_dicts(conn, sql, params=None):
    cur = conn.execute(sql, params)
    cols = [c.name for c in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def test_table_stats_flags_partitions_and_parents_add_them_up(db):
    db.execute("CREATE TABLE public.booking (id int PRIMARY KEY, note text) PARTITION BY RANGE (id)")
    db.execute("CREATE TABLE public.booking_a PARTITION OF public.booking FOR VALUES FROM (0) TO (1000)")
    db.execute("CREATE TABLE public.booking_b PARTITION OF public.booking FOR VALUES FROM (1000) TO (2000)")
    db.execute("INSERT INTO public.booking SELECT g, repeat('x', 50) FROM generate_series(0, 1499) g")
    flush_stats(db)  # before ANALYZE, which sets live tuples: pending inserts flushed later add up
    db.execute("ANALYZE public.booking")
    flush_stats(db)
    rows = {r["table_name"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_table_stats('public')")}
    assert set(rows) == {"booking", "booking_a", "booking_b"}
    parent, a, b = rows["booking"], rows["booking_a"], rows["booking_b"]
    assert parent["is_partitioned"] and not parent["is_partition"] and parent["partitions"] == 2
    assert a["is_partition"] and b["is_partition"]
    assert (a["live_tuples"], b["live_tuples"]) == (1000, 500)
    assert a["n_tup_ins"] == 1000
    for key in ("live_tuples", "n_tup_ins", "total_bytes", "table_bytes", "index_bytes", "row_estimate"):
        assert parent[key] == a[key] + b[key], key
    assert a["total_bytes"] == a["table_bytes"] + a["index_bytes"] + a["toast_bytes"]
    assert a["table_bytes"] > 0 and a["index_bytes"] > 0


def test_index_stats_counts_scans_and_flags(db):
    db.execute("CREATE TABLE public.guest (id int PRIMARY KEY, email text)")
    db.execute("CREATE INDEX guest_email ON public.guest (email) WHERE email IS NOT NULL")
    db.execute("INSERT INTO public.guest SELECT g, 'g' || g FROM generate_series(1, 100) g")
    db.execute("SET enable_seqscan = off")
    db.execute("SELECT * FROM public.guest WHERE email = 'g5'").fetchall()
    flush_stats(db)
    rows = {r["index_name"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_index_stats('public')")}
    assert rows["guest_pkey"]["is_primary"] and rows["guest_pkey"]["is_unique"]
    assert rows["guest_pkey"]["backs_constraint"]
    email = rows["guest_email"]
    assert email["is_partial"] and not email["is_unique"] and email["is_valid"]
    assert email["idx_scan"] == 1 and email["index_bytes"] > 0
    assert email["definition"].startswith("CREATE INDEX guest_email ON public.guest")


def test_vacuum_stats_dead_tuples_due_and_fixed(db):
    db.execute("CREATE TABLE public.payment (id int) WITH (autovacuum_enabled = off)")
    db.execute("INSERT INTO public.payment SELECT generate_series(1, 1000)")
    db.execute("DELETE FROM public.payment WHERE id > 100")
    flush_stats(db)
    sql = "SELECT * FROM wedopt.get_table_vacuum_stats('public') WHERE table_name = 'payment'"
    (row,) = as_dicts(db, sql)
    assert row["dead_tuples"] == 900 and row["live_tuples"] == 100
    assert float(row["dead_tuple_ratio"]) == pytest.approx(0.9)
    assert row["autovacuum_enabled"] is False and row["autovacuum_due"] is True
    assert row["last_vacuum"] is None and row["xid_age"] >= 1
    db.execute("VACUUM public.payment")
    flush_stats(db)
    (row,) = as_dicts(db, sql)
    assert row["dead_tuples"] == 0 and row["last_vacuum"] is not None and row["autovacuum_due"] is False


def test_cache_and_index_hit_ratios(db):
    db.execute("CREATE TABLE public.venue (id int PRIMARY KEY)")
    db.execute("INSERT INTO public.venue SELECT generate_series(1, 500)")
    db.execute("SELECT * FROM public.venue WHERE id = 7").fetchall()
    flush_stats(db)
    ratios = {r["scope"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_cache_hit_ratio()")}
    assert list(ratios) == ["database", "table heap", "table indexes", "toast"]
    assert 0 < ratios["database"]["hit_ratio"] <= 100
    assert ratios["database"]["blocks_hit"] > 0
    (venue,) = as_dicts(db, "SELECT * FROM wedopt.get_index_hit_ratio('public')")
    assert venue["table_name"] == "venue" and venue["idx_scan"] >= 1
    assert venue["index_hit_ratio"] is not None and 0 <= venue["index_hit_ratio"] <= 100


def test_connection_stats_by_state(db, connect):
    other = connect()
    other.execute("BEGIN")
    other.execute("SELECT 1")
    rows = as_dicts(db, "SELECT * FROM wedopt.get_connection_stats()")
    assert rows[0]["state"] == "total"
    by_state = {r["state"]: r for r in rows}
    assert by_state["idle in transaction"]["connections"] >= 1
    assert by_state["total"]["connections"] >= 2
    assert by_state["total"]["utilization_pct"] == pytest.approx(
        100 * by_state["total"]["connections"] / by_state["total"]["max_connections"], abs=0.01
    )
    other.execute("COMMIT")
    rows = {r["state"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_connection_stats()")}
    assert "idle in transaction" not in rows


def test_slow_queries_from_pg_stat_statements(connect):
    db = connect()
    db.execute("SELECT pg_sleep(0.06)")
    monitor = connect("wedopt_test_monitor")
    rows = as_dicts(monitor, "SELECT * FROM wedopt.get_slow_queries(50, 10)")
    sleeps = [r for r in rows if "pg_sleep" in r["query"]]
    assert sleeps and sleeps[0]["mean_ms"] >= 50 and sleeps[0]["calls"] == 1
    assert all(r["mean_ms"] >= 50 for r in rows)
    assert as_dicts(monitor, "SELECT * FROM wedopt.get_slow_queries(100000, 10)") == []
    clean_error(sql_error(monitor, "SELECT * FROM wedopt.get_slow_queries(10, 0)"), "22023")


@pytest.mark.slow
@pytest.mark.local_only
def test_slow_queries_error_when_pg_stat_statements_is_not_loaded():
    import psycopg

    import harness

    server = harness.create_cluster({"shared_preload_libraries": "''"})
    try:
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION wedopt CASCADE")
            err = sql_error(conn, "SELECT * FROM wedopt.get_slow_queries()")
            clean_error(err, "55000")
            assert "shared_preload_libraries" in err.diag.message_hint
    finally:
        server.destroy()


def test_lock_wait_with_blocking_chain(db, connect):
    db.execute("CREATE TABLE public.event (id int)")
    holder, middle, waiter = connect(), connect(autocommit=False), connect()
    for conn in (middle, waiter):
        conn.execute("SET lock_timeout = '20s'")
    holder.execute("BEGIN")
    holder.execute("LOCK TABLE public.event IN ACCESS EXCLUSIVE MODE")
    # middle waits for holder; waiter waits for middle's queued lock (and holder).
    b1 = Background(middle, "LOCK TABLE public.event IN ACCESS EXCLUSIVE MODE")
    assert wait_until(lambda: db.execute("SELECT count(*) FROM wedopt.get_lock_waits()").fetchone()[0] == 1)
    b2 = Background(waiter, "SELECT count(*) FROM public.event")
    assert wait_until(lambda: db.execute("SELECT count(*) FROM wedopt.get_lock_waits()").fetchone()[0] == 2)
    rows = {r["waiting_pid"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_lock_waits()")}
    hp = pid_of(holder)
    mp = [p for p, r in rows.items() if "LOCK TABLE" in r["waiting_query"]][0]
    wp = [p for p in rows if p != mp][0]
    assert rows[mp]["blocking_pids"] == [hp] and rows[mp]["root_blocker_pid"] == hp
    assert rows[mp]["locked_object"] == "public.event" and rows[mp]["lock_mode"] == "AccessExclusiveLock"
    assert rows[wp]["root_blocker_pid"] == hp and rows[wp]["blocking_chain"][-1] == hp
    assert rows[wp]["root_blocker_state"] == "idle in transaction"
    holder.execute("COMMIT")
    b1.join()
    middle.rollback()
    b2.join()
    assert b1.error is None and b2.error is None
    assert db.execute("SELECT count(*) FROM wedopt.get_lock_waits()").fetchone()[0] == 0


def test_long_running_queries_and_transactions(db, connect):
    busy, idle = connect(), connect()
    idle.execute("BEGIN")
    idle.execute("SELECT 1")
    job = Background(busy, "SELECT pg_sleep(1.5)")
    assert wait_until(
        lambda: db.execute("SELECT count(*) FROM wedopt.get_long_running_queries('0.3 s')").fetchone()[0] == 1
    )
    (q,) = as_dicts(db, "SELECT * FROM wedopt.get_long_running_queries('0.3 s')")
    assert q["pid"] == pid_of(busy) and "pg_sleep" in q["query"]
    tx = {r["pid"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_long_running_transactions('0.3 s')")}
    assert tx[pid_of(idle)]["state"] == "idle in transaction"
    job.join()
    idle.execute("COMMIT")
    assert db.execute("SELECT count(*) FROM wedopt.get_long_running_queries('0.3 s')").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM wedopt.get_long_running_transactions('0.3 s')").fetchone()[0] == 0


def test_long_running_transactions_come_longest_first(db, connect):
    older, newer = connect(), connect()
    older.execute("BEGIN")
    older.execute("SELECT 1")
    db.execute("SELECT pg_sleep(0.3)")
    newer.execute("BEGIN")
    newer.execute("SELECT 1")
    # The older transaction is the active one: ordering by state would put it last.
    job = Background(older, "SELECT pg_sleep(1.5)")
    assert wait_until(
        lambda: db.execute("SELECT count(*) FROM wedopt.get_long_running_queries('0.2 s')").fetchone()[0] == 1
    )
    pids = [r["pid"] for r in as_dicts(db, "SELECT pid FROM wedopt.get_long_running_transactions('0 s')")]
    assert pids.index(pid_of(older)) < pids.index(pid_of(newer))
    job.join()
    older.execute("COMMIT")
    newer.execute("COMMIT")


def test_table_and_index_bloat_estimates(db):
    db.execute("CREATE TABLE public.expense (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off)")
    db.execute("INSERT INTO public.expense SELECT g, md5(g::text) FROM generate_series(1, 20000) g")
    db.execute("ANALYZE public.expense")
    table_sql = "SELECT * FROM wedopt.get_table_bloat('public') WHERE table_name = 'expense'"
    index_sql = "SELECT * FROM wedopt.get_index_bloat('public') WHERE index_name = 'expense_pkey'"
    (fresh,) = as_dicts(db, table_sql)
    assert fresh["bloat_ratio"] < 0.1
    db.execute("DELETE FROM public.expense WHERE id % 10 <> 0")
    db.execute("VACUUM public.expense")
    db.execute("ANALYZE public.expense")
    (bloated,) = as_dicts(db, table_sql)
    assert bloated["bloat_ratio"] > 0.8 and bloated["real_bytes"] == fresh["real_bytes"]
    (index,) = as_dicts(db, index_sql)
    assert index["bloat_ratio"] > 0.8
    db.execute("VACUUM FULL public.expense")
    db.execute("ANALYZE public.expense")
    assert as_dicts(db, table_sql)[0]["bloat_ratio"] < 0.1
    assert as_dicts(db, index_sql) == [] or as_dicts(db, index_sql)[0]["bloat_ratio"] < 0.2


def test_wraparound_risk(db):
    rows = as_dicts(db, "SELECT * FROM wedopt.get_wraparound_risk(5)")
    dbs = [r for r in rows if r["scope"] == "database"]
    assert {r["object_name"] for r in dbs} >= {"postgres", db.info.dbname}
    assert len([r for r in rows if r["scope"] == "table"]) == 5
    assert all(0 <= r["pct_of_wraparound"] < 1 and r["xids_remaining"] > 2_000_000_000 for r in rows)


def test_sequence_exhaustion_sees_int_column_fed_by_bigint_sequence(db):
    db.execute("CREATE SEQUENCE public.booking_no AS bigint")
    db.execute("CREATE TABLE public.booking (no int DEFAULT nextval('public.booking_no'), id serial)")
    # 95 % of an int4 column, while the bigint sequence has barely started.
    db.execute("SELECT setval('public.booking_no', 2040109465)")
    rows = {r["sequence_name"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_sequence_exhaustion()")}
    no = rows["public.booking_no"]
    assert (no["fed_table"], no["fed_column"], no["column_type"]) == ("public.booking", "no", "integer")
    assert no["effective_max"] == 2147483647 and no["pct_used"] == pytest.approx(95, abs=0.01)
    assert rows["public.booking_id_seq"]["fed_column"] == "id"
    db.execute("ALTER TABLE public.booking ALTER COLUMN no TYPE bigint")
    rows = {r["sequence_name"]: r for r in as_dicts(db, "SELECT * FROM wedopt.get_sequence_exhaustion()")}
    assert rows["public.booking_no"]["pct_used"] < 0.01


def test_replication_status_and_slots(db):
    # The harness's own standby (tests/core/test_standby.py) may be streaming from this server.
    status = as_dicts(db, "SELECT * FROM wedopt.get_replication_status()")
    assert [r for r in status if r["peer"] != harness.STANDBY_NAME] == []
    db.execute("SELECT pg_create_physical_replication_slot('wedopt_test_slot', true)")
    try:
        db.execute("SELECT pg_switch_wal()")
        (slot,) = as_dicts(
            db, "SELECT * FROM wedopt.get_replication_slots() WHERE slot_name = 'wedopt_test_slot'"
        )
        assert slot["active"] is False and slot["slot_type"] == "physical"
        assert slot["retained_wal_bytes"] > 0
    finally:
        db.execute("SELECT pg_drop_replication_slot('wedopt_test_slot')")


def test_monitor_can_call_every_figure(connect):
    monitor = connect("wedopt_test_monitor")
    for fn in (
        "get_table_stats()",
        "get_index_stats()",
        "get_table_vacuum_stats()",
        "get_cache_hit_ratio()",
        "get_index_hit_ratio()",
        "get_connection_stats()",
        "get_lock_waits()",
        "get_long_running_queries()",
        "get_long_running_transactions()",
        "get_table_bloat()",
        "get_index_bloat()",
        "get_wraparound_risk()",
        "get_sequence_exhaustion()",
        "get_replication_status()",
        "get_replication_slots()",
        "check_health()",
    ):
        monitor.execute(f"SELECT * FROM wedopt.{fn}").fetchall()
    nobody = connect("wedopt_test_nobody")
    assert sql_error(nobody, "SELECT * FROM wedopt.get_table_stats()").diag.sqlstate == "42501"
