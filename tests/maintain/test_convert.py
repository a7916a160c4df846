"""convert_to_partitioned(): a plain table becomes partitioned in one transaction, copying no row."""

import threading
import time

import pytest
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


# ---- p_method => 'copy': batches of blocks, then a short cut-over

PAYMENT = """
CREATE TABLE public.payment (id bigserial, paid_at timestamptz NOT NULL, amount numeric NOT NULL, note text,
    PRIMARY KEY (id, paid_at));
CREATE INDEX payment_paid ON public.payment (paid_at);
CREATE TABLE public.currency (code text PRIMARY KEY);
INSERT INTO public.currency VALUES ('EUR');
ALTER TABLE public.payment ADD COLUMN currency text NOT NULL DEFAULT 'EUR' REFERENCES public.currency;
INSERT INTO public.payment (paid_at, amount, note)
SELECT TIMESTAMPTZ '2025-01-01' + g * INTERVAL '37 minutes', g % 500, repeat('x', g % 40)
FROM generate_series(1, 20000) g;  -- 2025-01-01 .. 2025-07-12
GRANT SELECT ON public.payment TO wedopt_test_monitor;
"""


def checksum(db, table):
    return db.execute(f"SELECT count(*), sum(hashtextextended(p::text, 0)) FROM {table} p").fetchone()


def copy_steps(db, **kw):
    return db.execute(
        "SELECT step, detail, row_count, checksum FROM wedopt.convert_to_partitioned("
        "'public.payment', 'paid_at', '1 month', 2, p_now => %s, p_method => 'copy')",
        [NOW],
    ).fetchall()


def test_copy_keeps_every_row_prunes_and_keeps_the_old_table(db):
    db.execute(PAYMENT)
    db.execute("SET TimeZone = 'UTC'")
    db.execute("SELECT wedopt.set_setting('partition.move_batch_blocks', '20')")
    before = checksum(db, "public.payment")
    relfile = db.execute("SELECT pg_relation_filenode('public.payment')").fetchone()[0]
    notices = []
    db.add_notice_handler(lambda d: notices.append(d.message_primary))
    steps = copy_steps(db)
    names = [s for s, *_ in steps]
    assert names[:6] == ["counted", "created", "copied", "delta", "checked", "swapped"], steps
    assert names[-1] == "verified" and "partitioned" in names
    assert steps[0][2:] == before and steps[-1][2:] == before
    assert steps[2][2] == before[0] and steps[3][2] == 0  # nobody wrote during the copy
    batches = [n for n in notices if "batch" in n]
    assert len(batches) > 5 and batches[-1].endswith(f"{before[0]} so far"), batches[-3:]
    # A new table (a copy, not the old file); the old one kept, renamed, whole.
    assert db.execute("SELECT pg_relation_filenode('public.payment')").fetchone()[0] != relfile
    assert db.execute("SELECT pg_relation_filenode('public.payment_unpartitioned')").fetchone()[0] == relfile
    assert checksum(db, "public.payment") == before == checksum(db, "public.payment_unpartitioned")
    parts = db.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.payment'::regclass ORDER BY 1"
    ).fetchall()
    assert parts[0] == ("payment_default", "DEFAULT")
    assert [p for p, _ in parts[1:]] == [f"payment_p2025{m:02d}01" for m in range(1, 13)] + [
        f"payment_p2026{m:02d}01" for m in range(1, 8)
    ]
    assert db.execute("SELECT count(*) FROM ONLY public.payment_default").fetchone()[0] == 0
    # Queries prune: a March query reads one partition.
    plan = "\n".join(
        r[0]
        for r in db.execute(
            "EXPLAIN SELECT * FROM public.payment WHERE paid_at >= '2025-03-02' AND paid_at < '2025-03-20'"
        ).fetchall()
    )
    assert "payment_p20250301" in plan and "payment_p20250401" not in plan, plan
    # The indexes bear the old names (the old table's are <name>_old), the primary key too.
    assert db.execute(
        "SELECT array_agg(indexrelid::regclass::text ORDER BY indexrelid::regclass::text) FROM pg_index "
        "WHERE indrelid = %s::regclass",
        ["public.payment"],
    ).fetchone()[0] == ["payment_paid", "payment_pkey"]
    assert db.execute(
        "SELECT array_agg(indexrelid::regclass::text ORDER BY indexrelid::regclass::text) FROM pg_index "
        "WHERE indrelid = %s::regclass",
        ["public.payment_unpartitioned"],
    ).fetchone()[0] == ["payment_paid_old", "payment_pkey_old"]
    # Privileges, foreign keys and the sequence followed; the old table can go.
    assert db.execute(
        "SELECT has_table_privilege('wedopt_test_monitor', 'public.payment', 'SELECT')"
    ).fetchone()[0]
    assert (
        db.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.payment'::regclass AND contype = 'f'"
        ).fetchone()[0]
        == 1
    )
    db.execute("DROP TABLE public.payment_unpartitioned")
    row = db.execute(
        "INSERT INTO public.payment (paid_at, amount) VALUES ('2026-06-10', 1) "
        "RETURNING tableoid::regclass::text, id"
    ).fetchone()
    assert row == ("payment_p20260601", 20001)
    assert (
        db.execute(
            "SELECT count(*) FROM wedopt.partition_sets WHERE parent = 'public.payment'::regclass"
        ).fetchone()[0]
        == 1
    )


@pytest.mark.parametrize("method", ["attach", "copy"])
def test_writes_during_the_conversion_are_kept(db, connect, method):
    db.execute(PAYMENT)
    db.execute("SELECT wedopt.set_setting('partition.move_batch_blocks', '2')")
    # Another session writes while the conversion runs: rows of the first blocks (copied first)
    # are updated, rows added, rows of the last blocks deleted; each n once all three committed.
    # (Before the fix, attach counted before locking and failed: "lost rows (20000 -> 20003)".)
    writer = connect()
    done = threading.Event()
    written = []

    def write():
        n = 0
        while not done.is_set():
            n += 1
            writer.execute(
                "INSERT INTO public.payment (paid_at, amount, note) VALUES ('2025-01-02', %s, 'during')", [n]
            )
            writer.execute("UPDATE public.payment SET note = 'changed' WHERE id = %s", [n])
            writer.execute("DELETE FROM public.payment WHERE id = %s", [20000 - n])
            written.append(n)

    t = threading.Thread(target=write)
    t.start()
    try:
        while len(written) < 3:
            time.sleep(0.01)
        steps = db.execute(
            "SELECT step, detail, row_count, checksum FROM wedopt.convert_to_partitioned("
            "'public.payment', 'paid_at', '1 month', 2, p_now => %s, p_method => %s)",
            [NOW, method],
        ).fetchall()
        during = len(written)
        time.sleep(0.2)  # writes after the commit
    finally:
        done.set()
        t.join()
    assert len(written) > during, "no write after the conversion"
    if method == "copy":
        delta = next(s for s in steps if s[0] == "delta")
        assert delta[2] > 0 and during > 3, (steps, during)  # written during the copy, caught up
    # Every write the other session committed, before, during or after the cut-over, is in the
    # partitioned table: writes waiting on the conversion's lock went to it by its name.
    for n in written:
        assert (
            db.execute(
                "SELECT count(*) FROM public.payment WHERE note = 'during' AND amount = %s", [n]
            ).fetchone()[0]
            == 1
        ), n
        assert db.execute("SELECT note FROM public.payment WHERE id = %s", [n]).fetchone()[0] == "changed", n
        assert db.execute("SELECT count(*) FROM public.payment WHERE id = %s", [20000 - n]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM public.payment").fetchone()[0] == 20000
    if method == "copy":
        # The rows nobody touched after the cut-over are the old table's, one for one.
        assert (
            db.execute(
                "SELECT count(*) FROM (SELECT * FROM public.payment_unpartitioned "
                "EXCEPT SELECT * FROM public.payment) AS d "
                "WHERE d.id > %s AND d.id <= 20000 - %s",
                [len(written) + 1, len(written) + 1],
            ).fetchone()[0]
            == 0
        )


def test_a_failure_during_the_copy_leaves_the_table_intact(db):
    db.execute(PAYMENT)
    db.execute("SELECT wedopt.set_setting('partition.move_batch_blocks', '20')")
    # A CHECK added NOT VALID holds for new rows only: the copy of the old rows breaks it midway.
    db.execute("UPDATE public.payment SET amount = -1 WHERE id = 15000")
    db.execute("ALTER TABLE public.payment ADD CONSTRAINT positive CHECK (amount >= 0) NOT VALID")
    before = checksum(db, "public.payment")
    err = sql_error(
        db,
        "SELECT * FROM wedopt.convert_to_partitioned('public.payment', 'paid_at', '1 month', "
        "p_method => 'copy')",
    )
    clean_error(err, "23514")
    assert "converting public.payment failed after" in err.diag.message_primary
    assert "original table is intact" in err.diag.message_hint
    assert (
        db.execute("SELECT relkind FROM pg_class WHERE oid = 'public.payment'::regclass").fetchone()[0] == "r"
    )
    assert checksum(db, "public.payment") == before
    assert (
        db.execute(
            "SELECT count(*) FROM pg_class WHERE relname LIKE 'payment\\_%' AND relkind IN ('r', 'p')"
        ).fetchone()[0]
        == 0
    )
    assert db.execute("SELECT count(*) FROM wedopt.partition_set").fetchone()[0] == 0


def test_copy_blockers_and_methods(db):
    db.execute("CREATE TABLE public.visit (at timestamptz NOT NULL, who text)")
    db.execute("CREATE FUNCTION public.t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
    db.execute(
        "CREATE TRIGGER visit_t BEFORE INSERT ON public.visit FOR EACH ROW EXECUTE FUNCTION public.t()"
    )
    err = sql_error(
        db, "SELECT * FROM wedopt.convert_to_partitioned('public.visit', 'at', '1 month', p_method => 'copy')"
    )
    clean_error(err, "55000")
    assert "no primary key or unique index on NOT NULL columns" in err.diag.message_primary
    assert "trigger visit_t" in err.diag.message_primary
    clean_error(
        sql_error(
            db,
            "SELECT * FROM wedopt.convert_to_partitioned('public.visit', 'at', '1 month', "
            "p_method => 'move')",
        ),
        "22023",
    )
    # attach does not need them
    assert (
        db.execute(
            "SELECT count(*) FROM wedopt.convert_to_partitioned('public.visit', 'at', '1 month')"
        ).fetchone()[0]
        > 0
    )
