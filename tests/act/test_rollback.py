"""rollback_action(): undoes CREATE INDEX (plain and concurrent), ALTER TABLE SET/RESET of storage
parameters and CREATE STATISTICS as a new action whose parent is the undone one, which becomes
rolled_back; refuses what cannot be undone, twice, unfinished or other roles' actions."""

import psycopg
import pytest
from conftest import ADMIN, index_valid, run, wait

pytestmark = [pytest.mark.slow, pytest.mark.local_only]


def rollback(conn, action_id, reason="test"):
    return conn.execute(
        "CALL wedopt.rollback_action(%s, %s, false, NULL, NULL)", [action_id, reason]
    ).fetchone()


def row(conn, action_id):
    cur = conn.execute("SELECT * FROM wedopt.action_log WHERE id = %s", [action_id])
    return dict(zip([c.name for c in cur.description], cur.fetchone(), strict=True))


@pytest.fixture
def rb_db(act_db):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    return su, admin


@pytest.mark.parametrize("concurrently", [False, True])
def test_rollback_of_create_index(rb_db, concurrently):
    su, admin = rb_db
    sql = f"CREATE INDEX {'CONCURRENTLY ' if concurrently else ''}booking_rb ON booking (guest)"
    action_id, status = run(admin, sql)
    if status == "queued":
        assert wait(admin, action_id)["status"] == "succeeded"
    assert index_valid(su, "public.booking_rb") is True
    undo_id, status = rollback(admin, action_id)
    assert status == "rolled_back"
    assert index_valid(su, "public.booking_rb") is None
    undo = row(su, undo_id)
    assert (
        undo["source"] == "rollback_action"
        and undo["parent_id"] == action_id
        and undo["status"] == "succeeded"
    )
    assert undo["statement"] == "DROP INDEX CONCURRENTLY IF EXISTS public.booking_rb"
    undone = row(su, action_id)
    assert undone["status"] == "rolled_back" and undone["detail"]["rolled_back_by"] == undo_id
    with pytest.raises(psycopg.Error) as info:
        rollback(admin, action_id)
    assert info.value.diag.sqlstate == "55000" and "already" in info.value.diag.message_primary


def test_rollback_of_storage_parameters_restores_the_old_values(rb_db):
    su, admin = rb_db
    run(admin, "ALTER TABLE booking SET (autovacuum_vacuum_scale_factor = 0.1)")
    action_id, _ = run(
        admin, "ALTER TABLE booking SET (autovacuum_vacuum_scale_factor = 0.05, fillfactor = 80)"
    )
    undo_id, status = rollback(admin, action_id)
    assert status == "rolled_back"
    opts = su.execute("SELECT reloptions FROM pg_class WHERE oid = 'public.booking'::regclass").fetchone()[0]
    assert opts == ["autovacuum_vacuum_scale_factor=0.1"]
    assert row(su, undo_id)["parent_id"] == action_id and row(su, action_id)["status"] == "rolled_back"


def test_rollback_refuses_when_the_parameter_changed_since(rb_db):
    su, admin = rb_db
    action_id, _ = run(admin, "ALTER TABLE booking SET (fillfactor = 80)")
    run(admin, "ALTER TABLE booking SET (fillfactor = 70)")
    with pytest.raises(psycopg.Error) as info:
        rollback(admin, action_id)
    assert info.value.diag.sqlstate == "55000" and info.value.diag.message_hint
    assert row(su, action_id)["status"] == "succeeded"


def test_rollback_of_create_statistics(rb_db):
    su, admin = rb_db
    action_id, _ = run(admin, "CREATE STATISTICS booking_rb_stats ON venue_id, event_date FROM booking")
    undo_id, status = rollback(admin, action_id)
    assert status == "rolled_back"
    assert (
        su.execute("SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'booking_rb_stats'").fetchone()[0]
        == 0
    )
    undo = row(su, undo_id)
    assert undo["command_tag"] == "DROP STATISTICS" and undo["parent_id"] == action_id


@pytest.mark.parametrize(
    ("sql", "word"),
    [
        ("ANALYZE booking", "statistics"),
        ("VACUUM booking", "dead row"),
        ("REINDEX TABLE booking", "rebuilt"),
        ("DROP INDEX booking_pkey", "re-create"),
    ],
)
def test_what_cannot_be_undone_is_refused_with_a_hint(rb_db, sql, word):
    su, admin = rb_db
    if sql.startswith("DROP INDEX"):
        su.execute("ALTER TABLE booking DROP CONSTRAINT booking_pkey")
        su.execute("CREATE INDEX booking_pkey ON booking (id)")
        su.execute(f"ALTER INDEX booking_pkey OWNER TO {ADMIN}")
    action_id, status = run(admin, sql)
    if status == "queued":
        assert wait(admin, action_id)["status"] == "succeeded"
    with pytest.raises(psycopg.Error) as info:
        rollback(admin, action_id)
    assert info.value.diag.sqlstate == "0A000", info.value.diag.message_primary
    assert word in info.value.diag.message_hint


def test_refusals_unknown_failed_and_other_roles(rb_db, connect):
    su, admin = rb_db
    with pytest.raises(psycopg.Error) as info:
        rollback(admin, 999999)
    assert info.value.diag.sqlstate == "22023"
    with pytest.raises(psycopg.Error):
        run(admin, "CREATE UNIQUE INDEX booking_rb_venue ON booking (venue_id)")  # duplicates: fails
    failed = su.execute("SELECT max(id) FROM wedopt.action_log WHERE status = 'failed'").fetchone()[0]
    with pytest.raises(psycopg.Error) as info:
        rollback(admin, failed)
    assert info.value.diag.sqlstate == "55000"
    # An action of another role (the superuser's): not the admin's to undo.
    su.execute("CREATE TABLE public.su_table (id int)")
    su_action, _ = run(su, "CREATE INDEX su_idx ON public.su_table (id)")
    with pytest.raises(psycopg.Error) as info:
        rollback(admin, su_action)
    assert info.value.diag.sqlstate == "42501"
    assert index_valid(su, "public.su_idx") is True


def test_rollback_is_refused_on_an_event_day_unless_forced(rb_db):
    su, admin = rb_db
    action_id, _ = run(admin, "CREATE INDEX booking_rb_freeze ON booking (guest)")
    days = "{Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday}"
    su.execute("SELECT wedopt.set_setting('act.freeze_days', %s)", [days])
    with pytest.raises(psycopg.Error) as info:
        rollback(admin, action_id)
    assert info.value.diag.sqlstate == "42501" and "event day" in info.value.diag.message_primary
    assert row(su, action_id)["status"] == "succeeded" and index_valid(su, "public.booking_rb_freeze")
    undo_id, status = admin.execute(
        "CALL wedopt.rollback_action(%s, 'forced on a Saturday', true, NULL, NULL)", [action_id]
    ).fetchone()
    assert status == "rolled_back" and row(su, undo_id)["forced"] is True


def test_rollback_of_an_index_on_a_partitioned_table(rb_db):
    su, admin = rb_db
    admin.execute("CREATE TABLE public.pay (id int, paid_on date) PARTITION BY RANGE (paid_on)")
    admin.execute(
        "CREATE TABLE public.pay_2026 PARTITION OF public.pay"
        " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
    )
    action_id, status = run(admin, "CREATE INDEX CONCURRENTLY pay_paid_on ON pay (paid_on)")
    assert wait(admin, action_id)["status"] == "succeeded"
    assert index_valid(su, "public.pay_paid_on") is True
    undo_id, status = rollback(admin, action_id)
    assert status == "rolled_back"
    # PostgreSQL refuses DROP INDEX CONCURRENTLY of a partitioned index: a plain DROP, which also
    # drops the partitions' indexes.
    assert row(su, undo_id)["statement"] == "DROP INDEX IF EXISTS public.pay_paid_on"
    assert su.execute("SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'pay%'").fetchone()[0] == 0
