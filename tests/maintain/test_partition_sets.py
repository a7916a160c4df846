"""Partition sets: create_partition_set(), run_maintenance(), the partition_sets view.

Every test pins the clock (p_now), so none depends on today's date."""

import threading
import time

import psycopg
import pytest
from expect import clean_error, sql_error

NOW = "2026-05-17 10:00+00"  # a Sunday
CPS = "SELECT * FROM wedopt.create_partition_set"


def bounds(db, parent):
    """(from, to) of each non-default partition, as UTC text, in order."""
    db.execute("SET TimeZone = 'UTC'")
    return [
        (str(lo)[:10], str(hi)[:10])
        for lo, hi in db.execute(
            "SELECT lo, hi FROM wedopt._partition_bounds(%s) WHERE NOT is_default ORDER BY lo", [parent]
        ).fetchall()
    ]


def make(db, name="ev", key="ts timestamptz", rows_in_default=False):
    db.execute(
        f"CREATE TABLE public.{name} (id bigint NOT NULL, {key} NOT NULL, v int) PARTITION BY RANGE (ts)"
    )
    if rows_in_default:
        db.execute(f"CREATE TABLE public.{name}_default PARTITION OF public.{name} DEFAULT")


def run(db, parent="public.ev", now=NOW, dry=False):
    return db.execute(
        "SELECT action, partition_name, range_from, range_to, row_count "
        "FROM wedopt.run_maintenance(%s, %s, %s)",
        [parent, dry, now],
    ).fetchall()


@pytest.mark.parametrize(
    "interval,key,expected",
    [
        ("1 month", "ts timestamptz", ["2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01"]),
        ("1 day", "ts date", ["2026-05-17", "2026-05-18", "2026-05-19", "2026-05-20", "2026-05-21"]),
        ("1 week", "ts timestamp", ["2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01", "2026-06-08"]),
        ("3 months", "ts date", ["2026-04-01", "2026-07-01", "2026-10-01", "2027-01-01", "2027-04-01"]),
        ("1 year", "ts timestamptz", ["2026-01-01", "2027-01-01", "2028-01-01", "2029-01-01", "2030-01-01"]),
    ],
)
def test_premake_creates_exactly_the_expected_bounds(db, interval, key, expected):
    make(db, key=key)
    done = db.execute(
        f"SELECT action FROM {CPS[14:]}('public.ev', 'ts', %s, 3, p_now => %s)",
        [interval, NOW],
    ).fetchall()
    assert [a for (a,) in done] == ["created"] * 5  # the default + current + 3 ahead
    assert bounds(db, "public.ev") == list(zip(expected[:4], expected[1:], strict=True))
    # idempotent: a second run and a second registration create nothing
    assert [r[0] for r in run(db)] == []
    db.execute(f"{CPS}('public.ev', 'ts', %s, 3, p_now => %s)", [interval, NOW])
    assert len(bounds(db, "public.ev")) == 4


def test_a_far_future_row_creates_nothing_and_is_reported(db):
    make(db)
    db.execute(f"{CPS}('public.ev', 'ts', '1 month', 2, p_now => %s)", [NOW])
    db.execute("INSERT INTO public.ev VALUES (1, '2100-01-01', 1)")
    done = run(db)
    assert [(a, n) for a, _, _, _, n in done] == [("default rows", 1)]
    assert bounds(db, "public.ev")[-1] == ("2026-07-01", "2026-08-01")
    state = db.execute("SELECT state, default_rows FROM wedopt.partition_sets").fetchone()
    assert state[1] == 1


def test_rows_in_the_default_are_moved_in_batches_and_nothing_fails(db):
    """pg_partman #510/#652: a default already holding rows of the ranges to create."""
    make(db, rows_in_default=True)
    db.execute("CREATE INDEX ON public.ev (ts)")
    db.execute(
        "INSERT INTO public.ev SELECT g, TIMESTAMPTZ '2026-05-01' + g * INTERVAL '1 minute', g "
        "FROM generate_series(1, 60000) g"  # 2026-05-01 .. 2026-06-12
    )
    db.execute("INSERT INTO public.ev VALUES (0, '2020-01-01', 0)")  # before every range: stays
    before = db.execute("SELECT count(*), sum(hashtext(id::text || ts::text)) FROM public.ev").fetchone()
    db.execute("SELECT wedopt.set_setting('partition.move_batch_blocks', '20')")
    done = db.execute(
        "SELECT action, range_from::date::text, row_count "
        "FROM wedopt.create_partition_set('public.ev', 'ts', '1 month', 2, p_now => %s)",
        [NOW],
    ).fetchall()
    moved = {f: n for a, f, n in done if a == "created"}
    assert moved == {"2026-05-01": 44639, "2026-06-01": 15361, "2026-07-01": 0}
    assert ("default rows", None, 1) in done
    after = db.execute("SELECT count(*), sum(hashtext(id::text || ts::text)) FROM public.ev").fetchone()
    assert after == before
    assert db.execute("SELECT count(*) FROM ONLY public.ev_default").fetchone()[0] == 1
    # no bound CHECK left behind
    assert db.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'wedopt_bound'").fetchone()[0] == 0


def test_catch_up_after_a_long_stop_fills_gaps_and_respects_the_cap(db):
    make(db)
    db.execute(f"{CPS}('public.ev', 'ts', '1 month', 1, p_now => '2026-01-10')")
    assert bounds(db, "public.ev") == [("2026-01-01", "2026-02-01"), ("2026-02-01", "2026-03-01")]
    # maintenance stopped: rows of March and May went into the default
    db.execute("INSERT INTO public.ev VALUES (1, '2026-03-05', 1), (2, '2026-05-20', 2)")
    db.execute("SELECT wedopt.set_setting('partition.max_create_per_run', '2')")
    done = run(db, now="2026-06-10")
    created = [f.date().isoformat() for a, _, f, _, _ in done if a == "created"]
    assert created == ["2026-06-01", "2026-07-01"]  # current and future first
    assert ("capped", 2) in [(a, n) for a, _, _, _, n in done]
    db.execute("SELECT wedopt.reset_setting('partition.max_create_per_run')")
    done = run(db, now="2026-06-10")
    created = [f.date().isoformat() for a, _, f, _, _ in done if a == "created"]
    assert created == ["2026-05-01", "2026-03-01"]  # past ranges holding rows, latest first
    assert [r for r in done if r[0] == "default rows"] == []  # empty default: nothing said
    # a gap made by hand (a future partition dropped) is filled; April (no rows) is not needed
    db.execute("DROP TABLE public.ev_p20260701")
    assert [f.date().isoformat() for a, _, f, _, _ in run(db, now="2026-06-10")] == ["2026-07-01"]
    assert ("2026-04-01", "2026-05-01") not in bounds(db, "public.ev")


def test_retention_by_real_bounds_with_dry_run(db):
    make(db)
    db.execute("CREATE SCHEMA archive")
    db.execute(
        f"{CPS}('public.ev', 'ts', '1 month', 0, "
        "p_retention => '3 months', p_archive_schema => 'archive', p_now => '2026-01-10')"
    )
    for month in ("2026-02-10", "2026-03-10", "2026-04-10", "2026-05-10", "2026-06-10"):
        run(db, now=month)
    # a partition named like a recent one but holding old rows: judged by its bounds (#776)
    db.execute(
        "CREATE TABLE public.ev_p20260601_old PARTITION OF public.ev "
        "FOR VALUES FROM ('2025-06-01') TO ('2025-07-01')"
    )
    before = bounds(db, "public.ev")
    dry = run(db, now="2026-07-10", dry=True)
    assert [(a, n) for a, n, _, _, _ in dry] == [
        ("would create", "public.ev_p20260701"),
        ("would detach", "public.ev_p20260601_old"),
        ("would detach", "public.ev_p20260301"),
    ]
    assert bounds(db, "public.ev") == before  # the dry run changed nothing
    done = run(db, now="2026-07-10")
    assert [(a, n) for a, n, _, _, _ in done][1:] == [
        ("detached", "archive.ev_p20260601_old"),
        ("detached", "archive.ev_p20260301"),
    ]
    archived = (
        "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
        "WHERE relnamespace = 'archive'::regnamespace"
    )
    # January and February went by earlier runs, as each ended three months before
    assert db.execute(archived).fetchone()[0] == "ev_p20260101,ev_p20260201,ev_p20260301,ev_p20260601_old"
    assert bounds(db, "public.ev")[0] == ("2026-04-01", "2026-05-01")
    # drop instead of detach
    db.execute(
        f"{CPS}('public.ev', 'ts', '1 month', 0, p_retention => '1 month', "
        "p_retention_keep_table => false, p_now => '2026-07-10')"
    )
    assert db.execute("SELECT to_regclass('public.ev_p20260401')").fetchone()[0] is None
    assert bounds(db, "public.ev") == [("2026-06-01", "2026-07-01"), ("2026-07-01", "2026-08-01")]


def test_the_last_partition_is_never_dropped(db):
    make(db)
    db.execute(
        "CREATE TABLE public.ev_old PARTITION OF public.ev FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')"
    )
    done = db.execute(
        "SELECT action FROM wedopt._maintain_time_partitions('public.ev', '1 month', 0, '1 day', "
        "p_create_default => false, p_now => %s, p_max_create => 0)",
        [NOW],
    ).fetchall()
    assert ("dropped",) not in done
    assert bounds(db, "public.ev") == [("2020-01-01", "2020-02-01")]


def test_new_partitions_get_indexes_privileges_owner_and_replica_identity(db):
    db.execute("CREATE ROLE ev_owner")
    make(db)
    db.execute("CREATE UNIQUE INDEX ev_id ON public.ev (id, ts)")
    db.execute("ALTER TABLE public.ev OWNER TO ev_owner")
    db.execute("GRANT SELECT, INSERT ON public.ev TO wedopt_test_monitor")
    db.execute("ALTER TABLE public.ev REPLICA IDENTITY FULL")
    db.execute(f"{CPS}('public.ev', 'ts', '1 month', 1, p_now => %s)", [NOW])
    rows = db.execute(
        "SELECT c.relname, pg_get_userbyid(c.relowner), c.relreplident, "
        "has_table_privilege('wedopt_test_monitor', c.oid, 'SELECT'), "
        "has_table_privilege('wedopt_test_monitor', c.oid, 'INSERT'), "
        "has_table_privilege('wedopt_test_monitor', c.oid, 'DELETE'), "
        "(SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique) "
        "FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'public.ev'::regclass"
    ).fetchall()
    assert len(rows) == 3
    for name, owner, ident, sel, ins, dele, unique in rows:
        assert (owner, sel, ins, dele, unique) == ("ev_owner", True, True, False, 1), name
        assert ident == "f", name
    # replica identity through an index follows the parent's index
    db.execute(
        "CREATE TABLE public.ev2 (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts)"
    )
    db.execute("ALTER TABLE public.ev2 ADD PRIMARY KEY (id, ts)")
    db.execute("ALTER TABLE public.ev2 REPLICA IDENTITY USING INDEX ev2_pkey")
    db.execute(f"{CPS}('public.ev2', 'ts', '1 month', 0, p_now => %s)", [NOW])
    assert db.execute(
        "SELECT c.relreplident, "
        "(SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident) "
        "FROM pg_class c WHERE c.relname = 'ev2_p20260501'"
    ).fetchone() == ("i", 1)


def test_bad_registrations_are_clear_errors(db):
    db.execute("CREATE TABLE public.flat (ts timestamptz)")
    clean_error(sql_error(db, f"{CPS}('public.flat', 'ts', '1 month')"), "42809")
    make(db)
    clean_error(sql_error(db, f"{CPS}('public.ev', 'v', '1 month')"), "42809")
    clean_error(sql_error(db, f"{CPS}('public.ev', 'ts', '2 days')"), "22023")
    clean_error(
        sql_error(
            db,
            f"{CPS}('public.ev', 'ts', '1 day', p_archive_schema => 'x')",
        ),
        "3F000",
    )
    clean_error(sql_error(db, "SELECT * FROM wedopt.run_maintenance('public.ev')"), "42704")
    assert db.execute("SELECT count(*) FROM wedopt.partition_set").fetchone()[0] == 0
    # a set whose table went away is reported, and the other sets still run
    db.execute(f"{CPS}('public.ev', 'ts', '1 month', 0, p_now => %s)", [NOW])
    assert db.execute("SELECT wedopt.drop_partition_set('public.ev')").fetchone()[0] is True
    assert db.execute("SELECT wedopt.drop_partition_set('public.ev')").fetchone()[0] is False


def test_a_monitor_cannot_run_maintenance(connect, db):
    make(db)
    monitor = connect(user="wedopt_test_monitor")
    err = sql_error(monitor, "SELECT * FROM wedopt.run_maintenance()")
    assert err.diag.sqlstate == "42501"


@pytest.mark.slow
def test_two_concurrent_runs_under_load_neither_collide_nor_deadlock(db, connect):
    make(db)
    db.execute(f"{CPS}('public.ev', 'ts', '1 day', 1, p_now => '2026-01-01')")
    stop = threading.Event()
    errors = []
    runs = {0: 0, 1: 0}

    def load():
        conn = connect()
        i = 0
        while not stop.is_set():
            i += 1
            try:
                with conn.transaction():
                    conn.execute(
                        "INSERT INTO public.ev VALUES (%s, TIMESTAMPTZ '2026-01-01' "
                        "+ %s * INTERVAL '1 hour', 1)",
                        [i, i % 2000],
                    )
                    conn.execute("SELECT count(*) FROM public.ev WHERE ts >= '2026-01-20'").fetchone()
            except psycopg.Error as exc:
                errors.append(("load", exc))

    def maintain(worker):
        conn = connect()
        for day in range(2, 40):
            try:
                conn.execute(
                    "SELECT * FROM wedopt.run_maintenance("
                    "p_now => TIMESTAMPTZ '2026-01-01' + %s * INTERVAL '1 day')",
                    [day],
                ).fetchall()
                runs[worker] += 1
            except psycopg.Error as exc:
                errors.append(("maintain", exc))

    loaders = [threading.Thread(target=load) for _ in range(2)]
    workers = [threading.Thread(target=maintain, args=(w,)) for w in (0, 1)]
    for t in loaders + workers:
        t.start()
    deadline = time.monotonic() + 120
    for t in workers:
        t.join(timeout=max(1, deadline - time.monotonic()))
    stop.set()
    for t in loaders:
        t.join(timeout=30)
    assert errors == []
    assert runs == {0: 38, 1: 38}
    # the partitions are exactly the days, no overlap, none twice
    days = bounds(db, "public.ev")
    assert len(days) == len(set(days)) and days[0][0] == "2026-01-01" and days[-1][1] == "2026-02-11"
    # every inserted row is somewhere, and the default kept none of a range that exists now
    assert (
        db.execute("SELECT count(*) FROM ONLY public.ev_default WHERE ts < '2026-02-09'").fetchone()[0] == 0
    )
