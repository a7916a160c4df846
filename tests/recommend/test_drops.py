"""recommend_index_drops() on a real server: duplicates, prefix-redundant and unused indexes
are found with the bytes they hold; each drop is simulated against the workload; protected
indexes (primary key, unique, constraint, replica identity) are never proposed; nothing of
the simulation is left behind."""

import psycopg
import pytest

pytestmark = pytest.mark.slow

COLUMNS = [
    "statement", "index_name", "table_name", "reason", "bytes_saved", "made_redundant_by",
    "statements_checked", "statements_slower", "safe", "rationale",
]  # fmt: skip


@pytest.fixture
def indexed(db):
    db.execute(
        """
        CREATE TABLE public.payment (
            id bigint PRIMARY KEY, booking_id int NOT NULL, code text NOT NULL UNIQUE,
            status text NOT NULL, paid_on date NOT NULL, amount numeric(10, 2) NOT NULL
        );
        INSERT INTO public.payment
        SELECT i, i % 5000, 'P' || i, (ARRAY['Pending', 'Completed', 'Failed'])[i % 3 + 1],
               date '2026-01-01' + (i % 365), (i % 991) * 2.5
        FROM generate_series(1, 100000) AS i;
        CREATE INDEX payment_booking ON public.payment (booking_id);
        CREATE INDEX payment_booking_again ON public.payment (booking_id);
        CREATE INDEX payment_paid_on ON public.payment (paid_on);
        CREATE INDEX payment_paid_on_amount ON public.payment (paid_on, amount);
        CREATE INDEX payment_amount ON public.payment (amount);
        CREATE UNIQUE INDEX payment_code_upper ON public.payment (upper(code));
        ALTER TABLE public.payment ADD CONSTRAINT payment_booking_paid UNIQUE (booking_id, paid_on);
        ALTER TABLE public.payment REPLICA IDENTITY USING INDEX payment_booking_paid;
        """
    )
    db.execute("VACUUM ANALYZE public.payment")
    return db


def drops(conn, queries=None):
    cur = conn.execute("SELECT * FROM wedopt.recommend_index_drops(%s)", [queries])
    return {r[1]: dict(zip(COLUMNS, r, strict=True)) for r in cur.fetchall()}


WORKLOAD = [
    "SELECT * FROM public.payment WHERE booking_id = 42",
    "SELECT sum(amount) FROM public.payment WHERE paid_on = '2026-03-01'",
    "SELECT id FROM public.payment WHERE amount = 250",
]


def test_duplicate_prefix_and_unused_with_simulation(indexed):
    found = drops(indexed, WORKLOAD)
    dup = found["public.payment_booking_again"]
    assert dup["reason"] == "duplicate" and dup["made_redundant_by"] == "public.payment_booking"
    assert dup["safe"] is True and dup["statements_checked"] == 3
    assert dup["statement"] == "DROP INDEX CONCURRENTLY IF EXISTS public.payment_booking_again;"
    assert (
        dup["bytes_saved"]
        == indexed.execute("SELECT pg_relation_size('public.payment_booking_again')").fetchone()[0]
    )
    prefix = found["public.payment_paid_on"]
    assert (
        prefix["reason"] == "prefix_redundant"
        and prefix["made_redundant_by"] == "public.payment_paid_on_amount"
    )
    assert prefix["safe"] is True
    # unused by the statistics, but a workload statement needs it: the simulation says so
    unused = found["public.payment_amount"]
    assert unused["reason"] == "unused" and unused["safe"] is False
    assert unused["statements_slower"][0]["statement"].startswith(
        "SELECT id FROM public.payment WHERE amount"
    )
    # never proposed: primary key, unique, constraint and replica-identity indexes
    for name in ("payment_pkey", "payment_code_key", "payment_code_upper", "payment_booking_paid"):
        assert f"public.{name}" not in found
    # the simulation left everything as it was
    names = {r[0] for r in indexed.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'payment'")}
    assert {"payment_booking_again", "payment_paid_on", "payment_amount"} <= names
    assert indexed.execute("SELECT count(*) FROM extensions.hypopg_list_indexes").fetchone()[0] == 0


def test_drop_advice_runs_the_drop_it_proposes(indexed):
    found = drops(indexed, WORKLOAD)
    indexed.execute(found["public.payment_booking_again"]["statement"])
    assert "public.payment_booking_again" not in drops(indexed, WORKLOAD)


def test_a_monitor_may_ask_and_sees_unsimulated_drops(indexed, connect):
    indexed.execute("GRANT SELECT ON public.payment TO wedopt_test_monitor")
    monitor = connect(user="wedopt_test_monitor")
    found = drops(monitor, WORKLOAD)
    row = found["public.payment_booking_again"]
    # hypopg 1.3 cannot hide an index: the rolled-back DROP needs the owner
    has_hide = monitor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'hypopg_hide_index'").fetchone()[
        0
    ]
    if not has_hide:
        assert row["safe"] is None and "not simulated" in row["rationale"]
    with pytest.raises(psycopg.Error) as err:
        connect(user="wedopt_test_nobody").execute("SELECT * FROM wedopt.recommend_index_drops()")
    assert err.value.sqlstate == "42501"
