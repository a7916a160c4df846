"""wedopt._ensure_time_partitions(): the partition keeper of wedopt's own history tables."""

from expect import sql_error


def partitions(db, parent):
    return sorted(
        r[0]
        for r in db.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [parent],
        ).fetchall()
    )


def test_creates_ahead_is_idempotent_and_trims_by_retention(db):
    db.execute("CREATE TABLE public.hist (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts)")
    created = db.execute(
        "SELECT * FROM wedopt._ensure_time_partitions('public.hist', '1 month', 2)"
    ).fetchall()
    assert len(created) == 4  # default + this month + 2 ahead
    assert len(partitions(db, "public.hist")) == 4
    assert (
        db.execute("SELECT * FROM wedopt._ensure_time_partitions('public.hist', '1 month', 2)").fetchall()
        == []
    )
    # A row of now and one far in the past both land somewhere.
    db.execute("INSERT INTO public.hist VALUES (now(), 1), ('2001-01-01', 2)")
    db.execute(
        "CREATE TABLE public.hist_p20200101 PARTITION OF public.hist "
        "FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')"
    )
    dropped = db.execute(
        "SELECT * FROM wedopt._ensure_time_partitions('public.hist', '1 month', 2, '90 days')"
    ).fetchall()
    assert dropped == [("dropped", "public.hist_p20200101")]
    assert ("created", "public.hist_default") in created
    assert "hist_p20200101" not in partitions(db, "public.hist")
    assert "hist_default" in partitions(db, "public.hist")


def test_refuses_a_table_not_partitioned_by_range(db):
    db.execute("CREATE TABLE public.flat (ts timestamptz)")
    err = sql_error(db, "SELECT * FROM wedopt._ensure_time_partitions('public.flat', '1 month')")
    assert err.diag.sqlstate == "42809"
    assert err.diag.message_hint


def test_rows_waiting_in_the_default_move_into_the_new_partition(db):
    """Issue 13: a default holding rows of the range to create was 'would be violated'."""
    db.execute("CREATE TABLE public.hist (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts)")
    db.execute("CREATE TABLE public.hist_default PARTITION OF public.hist DEFAULT")
    db.execute("INSERT INTO public.hist SELECT now(), g FROM generate_series(1, 50) g")
    created = db.execute("SELECT * FROM wedopt._ensure_time_partitions('public.hist', '1 day', 1)").fetchall()
    assert len(created) == 2  # today and tomorrow; the default already existed
    assert db.execute("SELECT count(*) FROM ONLY public.hist_default").fetchone()[0] == 0
    assert db.execute("SELECT count(*), sum(v) FROM public.hist").fetchone() == (50, 1275)


def test_partitions_are_judged_by_bounds_not_names(db):
    """Issue 13: a table bearing today's partition name but another range is no partition of today."""
    db.execute("CREATE TABLE public.hist (ts timestamptz NOT NULL) PARTITION BY RANGE (ts)")
    name = db.execute("SELECT 'hist_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')").fetchone()[0]
    db.execute(
        f"CREATE TABLE public.{name} PARTITION OF public.hist "
        "FOR VALUES FROM ('2001-01-01') TO ('2001-01-02')"
    )
    db.execute("SELECT * FROM wedopt._ensure_time_partitions('public.hist', '1 day', 0)")
    db.execute("INSERT INTO public.hist VALUES (now())")
    where = "SELECT tableoid::regclass::text FROM public.hist WHERE ts > '2002-01-01'"
    where = db.execute(where).fetchone()[0]
    assert where not in ("public.hist_default", f"public.{name}")
