"""convert_to_partitioned(): a plain table becomes partitioned in one transaction, copying no row."""

from expect import clean_error, sql_error

NOW = "2026-05-17 10:00+00"


def test_a_converted_table_keeps_every_row_and_prunes(db):
    db.execute(
        "CREATE TABLE public.payment (id bigserial, paid_at timestamptz NOT NULL, amount numeric, "
        "PRIMARY KEY (id, paid_at))"
    )
    db.execute("CREATE INDEX payment_paid ON public.payment (paid_at)")
    db.execute("GRANT SELECT ON public.payment TO wedopt_test_monitor")
    db.execute(
        "INSERT INTO public.payment (paid_at, amount) "
        "SELECT TIMESTAMPTZ '2025-01-01' + g * INTERVAL '37 minutes', "
        "g % 500 FROM generate_series(1, 20000) g"  # 2025-01-01 .. 2025-07-12
    )
    before = db.execute("SELECT count(*), sum(hashtextextended(p::text, 0)) FROM public.payment p").fetchone()
    relfile = db.execute("SELECT pg_relation_filenode('public.payment')").fetchone()[0]
    steps = db.execute(
        "SELECT step, detail, row_count, checksum FROM wedopt.convert_to_partitioned("
        "'public.payment', 'paid_at', '1 month', 2, p_now => %s)",
        [NOW],
    ).fetchall()
    assert [s for s, *_ in steps][:3] == ["counted", "validated", "attached"]
    assert steps[0][2:] == (before[0], before[1])
    assert steps[-1][0] == "verified" and steps[-1][2:] == (before[0], before[1])
    # no copy: the historical partition is the old table's very file
    assert db.execute("SELECT pg_relation_filenode('public.payment_historic')").fetchone()[0] == relfile
    db.execute("SET TimeZone = 'UTC'")
    parts = db.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'public.payment'::regclass ORDER BY 1"
    ).fetchall()
    assert parts[0] == ("payment_default", "DEFAULT")
    assert parts[1] == ("payment_historic", "FOR VALUES FROM (MINVALUE) TO ('2026-06-01 00:00:00+00')")
    assert [p for p, _ in parts[2:]] == ["payment_p20260601", "payment_p20260701"]
    after = db.execute("SELECT count(*), sum(hashtextextended(p::text, 0)) FROM public.payment p").fetchone()
    assert after == before
    # the privileges followed; new rows go to the new partitions, ids keep counting
    assert db.execute(
        "SELECT has_table_privilege('wedopt_test_monitor', 'public.payment', 'SELECT')"
    ).fetchone()[0]
    db.execute("INSERT INTO public.payment (paid_at, amount) VALUES ('2026-06-10', 1)")
    row = db.execute(
        "SELECT tableoid::regclass::text, id FROM public.payment WHERE paid_at = '2026-06-10'"
    ).fetchone()
    assert row == ("payment_p20260601", 20001)
    # queries prune: a June query reads one partition
    plan = "\n".join(
        r[0]
        for r in db.execute("EXPLAIN SELECT * FROM public.payment WHERE paid_at >= '2026-06-02'").fetchall()
    )
    assert "payment_p20260601" in plan and "payment_historic" not in plan, plan
    assert (
        db.execute(
            "SELECT count(*) FROM wedopt.partition_sets WHERE parent = 'public.payment'::regclass"
        ).fetchone()[0]
        == 1
    )


def test_blockers_are_refused_before_anything_changes(db):
    db.execute("CREATE TABLE public.guest (id int PRIMARY KEY, seen date NOT NULL)")
    err = sql_error(db, "SELECT * FROM wedopt.convert_to_partitioned('public.guest', 'seen', '1 month')")
    clean_error(err, "55000")
    assert "guest_pkey" in err.diag.message_primary
    assert (
        db.execute("SELECT relkind FROM pg_class WHERE oid = 'public.guest'::regclass").fetchone()[0] == "r"
    )
    assert (
        db.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'wedopt_convert'").fetchone()[0] == 0
    )
    clean_error(
        sql_error(db, "SELECT * FROM wedopt.convert_to_partitioned('public.guest', 'id', '1 month')"), "42804"
    )
