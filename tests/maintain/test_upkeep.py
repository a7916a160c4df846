"""run_upkeep(): bloated indexes reindexed concurrently and tables with many dead tuples vacuumed,
judged by observe's figures, every statement through execute_admin_sql() and its dispatcher."""

import psycopg
import pytest

ADMIN = "wedopt_test_admin"
ALL_DAYS = "{Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday}"


def flush_stats(conn):
    conn.execute("SELECT pg_stat_force_next_flush()")
    conn.execute("SELECT 1")


@pytest.fixture
def upkeep_db(connect):
    """(superuser, admin): public.bloated (an index left bloated by deleting 90 % of 100,000
    rows), public.dead (half its rows deleted, no index), public.healthy; all owned by the
    admin, analyzed, autovacuum off on them so that nothing changes behind the test."""
    su = connect()
    # Event days and windows are act's guard rails, tested there: none here, whatever the date.
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    su.execute("SELECT wedopt.set_setting('upkeep.min_bloat_bytes', '500000')")
    for table, rows in (("bloated", 100000), ("dead", 20000), ("healthy", 20000)):
        su.execute(f"CREATE TABLE public.{table} (id bigint, pad text) WITH (autovacuum_enabled = off)")
        su.execute(f"INSERT INTO public.{table} SELECT g, 'row ' || g FROM generate_series(1, {rows}) g")
    su.execute("CREATE INDEX bloated_id ON public.bloated (id)")
    su.execute("CREATE INDEX healthy_id ON public.healthy (id)")
    su.execute("DELETE FROM public.bloated WHERE id % 10 <> 0")
    su.execute("DELETE FROM public.dead WHERE id % 2 = 0")
    flush_stats(su)  # the writes counted before ANALYZE, or they count as modified since
    for table in ("bloated", "dead", "healthy"):
        su.execute(f"ANALYZE public.{table}")
        su.execute(f"ALTER TABLE public.{table} OWNER TO {ADMIN}")
    flush_stats(su)
    return su, connect(ADMIN)


def upkeep(conn, dry_run):
    cur = conn.execute("SELECT * FROM wedopt.run_upkeep(%s)", [dry_run])
    names = [c.name for c in cur.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def state(su):
    """What upkeep could change: the actions logged, sizes and vacuum counts."""
    return su.execute(
        "SELECT (SELECT count(*) FROM wedopt.action_log),"
        " pg_relation_size('public.bloated_id'), pg_relation_size('public.healthy_id'),"
        " (SELECT array_agg(vacuum_count ORDER BY relname) FROM pg_stat_user_tables"
        "  WHERE relname IN ('bloated', 'dead', 'healthy'))"
    ).fetchone()


def mine(rows):
    return {k: v for k, v in rows.items() if k.startswith("public.")}


def test_dry_run_lists_what_needs_upkeep_and_changes_nothing(upkeep_db):
    su, admin = upkeep_db
    before = state(su)
    rows = mine(upkeep(admin, True))
    assert set(rows) == {"public.bloated", "public.dead", "public.bloated_id"}, rows
    assert rows["public.bloated_id"]["kind"] == "reindex"
    assert rows["public.bloated_id"]["statement"] == "REINDEX INDEX CONCURRENTLY public.bloated_id"
    assert rows["public.dead"]["kind"] == rows["public.bloated"]["kind"] == "vacuum"
    assert rows["public.dead"]["statement"] == "VACUUM (ANALYZE) public.dead"
    assert "dead tuples" in rows["public.dead"]["reason"] and "bloat" in rows["public.bloated_id"]["reason"]
    assert {r["status"] for r in rows.values()} == {"dry_run"}
    assert {r["action_id"] for r in rows.values()} == {None}
    assert state(su) == before
    # max_actions bounds a run, the largest first (vacuums, then reindexes)
    su.execute("SELECT wedopt.set_setting('upkeep.max_actions', '1')")
    assert list(mine(upkeep(admin, True))) == ["public.bloated"]


def test_real_run_queues_reindex_and_vacuum_and_they_succeed(upkeep_db):
    su, admin = upkeep_db
    index_before = su.execute("SELECT pg_relation_size('public.bloated_id')").fetchone()[0]
    healthy_before = state(su)[2:]
    rows = mine(upkeep(admin, False))  # autocommit: queued actions start once it returns
    assert set(rows) == {"public.bloated", "public.dead", "public.bloated_id"}, rows
    for row in rows.values():
        assert row["status"] == "queued" and row["action_id"] is not None, row
    for row in rows.values():
        admin.execute("CALL wedopt.wait_for_action(%s, '60 s', NULL, NULL)", [row["action_id"]])
        status, steps = su.execute(
            "SELECT status, steps FROM wedopt.action_log WHERE id = %s", [row["action_id"]]
        ).fetchone()
        assert status == "succeeded", (row, status)
        assert [s.lower() for s in steps] == [row["statement"].lower()]
    index_after = su.execute("SELECT pg_relation_size('public.bloated_id')").fetchone()[0]
    assert index_after < index_before / 3, (index_before, index_after)
    flush_stats(su)
    after = state(su)
    assert after[2] == healthy_before[0]  # the healthy index untouched
    assert after[3][1] >= 1 and after[3][0] >= 1  # dead and bloated vacuumed
    assert after[3][2] == healthy_before[1][2]  # healthy not vacuumed
    # nothing left to do on them
    assert "public.bloated_id" not in mine(upkeep(admin, True))


def test_objects_with_a_queued_action_are_skipped(upkeep_db, connect):
    su, _ = upkeep_db
    admin = connect(ADMIN, autocommit=False)
    first = mine(upkeep(admin, False))
    assert {r["status"] for r in first.values()} == {"queued"}
    # the same transaction sees its queued actions: a second run leaves those objects alone
    assert mine(upkeep(admin, True)) == {}
    admin.rollback()  # nothing was queued
    assert su.execute("SELECT count(*) FROM wedopt.action_log WHERE status = 'queued'").fetchone()[0] == 0


def test_a_refusal_is_a_row_not_an_abort(upkeep_db):
    su, admin = upkeep_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', %s)", [ALL_DAYS])  # no DDL today
    rows = mine(upkeep(admin, False))
    refused = rows["public.bloated_id"]
    assert refused["status"] == "refused" and refused["error"], refused
    status, command = su.execute(
        "SELECT status, command_tag FROM wedopt.action_log WHERE id = %s", [refused["action_id"]]
    ).fetchone()
    assert status == "refused" and command == "REINDEX"
    # VACUUM still runs on event days: queued, then succeeded
    assert rows["public.dead"]["status"] == "queued"
    for table in ("public.dead", "public.bloated"):
        vacuum_id = rows[table]["action_id"]
        admin.execute("CALL wedopt.wait_for_action(%s, '60 s', NULL, NULL)", [vacuum_id])
        status = su.execute("SELECT status FROM wedopt.action_log WHERE id = %s", [vacuum_id]).fetchone()[0]
        assert status == "succeeded", table


def test_monitor_and_others_may_not_run_it(upkeep_db, connect):
    for role in ("wedopt_test_monitor", "wedopt_test_nobody"):
        conn = connect(role)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM wedopt.run_upkeep(true)")
