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
