"""Issue 12: crashes, privilege escalation, and history that was wrong, leaked or lost."""

import json
import threading
import time

import psycopg
import pytest
from expect import clean_error, sql_error
from psycopg import sql
from test_audit import log


def wait_for(conn, sql, timeout=15.0):
    """Poll sql until it returns true, at most timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if conn.execute(sql).fetchone()[0]:
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {sql}")


def history(db, table, pk):
    return db.execute(
        "SELECT operation, row_data FROM wedopt.record_history(%s, %s) ORDER BY version",
        [table, json.dumps(pk)],
    ).fetchall()


# --- 1, 2: crashes -------------------------------------------------------------------------


def test_a_write_to_a_partition_being_detached_is_logged_not_a_crash(db, connect):
    db.execute("CREATE TABLE public.bk (id int, d date, PRIMARY KEY (id, d)) PARTITION BY RANGE (d)")
    db.execute("CREATE TABLE public.bk_1 PARTITION OF bk FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')")
    db.execute("CREATE TABLE public.bk_2 PARTITION OF bk FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')")
    db.execute("SELECT wedopt.enable_audit('bk')")
    reader = connect(autocommit=False)
    reader.execute("SELECT count(*) FROM bk")  # holds its snapshot: the DETACH must wait for it
    detacher = connect()
    done = []

    def detach():
        try:
            detacher.execute("ALTER TABLE bk DETACH PARTITION bk_1 CONCURRENTLY")
            done.append("ok")
        except psycopg.Error as exc:  # pragma: no cover - reported below
            done.append(exc)

    thread = threading.Thread(target=detach)
    thread.start()
    try:
        wait_for(db, "SELECT bool_or(inhdetachpending) FROM pg_inherits WHERE inhrelid = 'bk_1'::regclass")
        writer = connect()
        writer.execute("INSERT INTO bk_1 VALUES (1, '2026-05-05')")  # crashed the server (signal 11)
        writer.execute("UPDATE bk_1 SET id = 2")
        assert writer.execute("SELECT 1").fetchone() == (1,)
    finally:
        reader.rollback()
        thread.join(timeout=30)
    assert not thread.is_alive() and done == ["ok"]
    rows = log(db)
    # logged under the table it still belonged to
    assert [(r["operation"], r["tbl"]) for r in rows[:1]] == [("INSERT", "bk")]


@pytest.mark.parametrize(
    ("change", "sqlstate"),
    [
        ("ALTER TABLE wedopt.audit_log ALTER transaction_id TYPE numeric", "42804"),
        ("ALTER TABLE wedopt.audit_log ALTER old_values TYPE json", "42804"),
        ("ALTER TABLE wedopt.audit_log ALTER table_name TYPE varchar(5)", "42804"),
        ("ALTER TABLE wedopt.audit_log ALTER statement SET NOT NULL", "42804"),
        ("ALTER TABLE wedopt.audit_log ADD CONSTRAINT no_x CHECK (operation <> 'x')", "42P16"),
    ],
)
def test_a_log_of_another_shape_is_an_error_not_a_crash(guest, change, sqlstate):
    db = guest
    db.execute("SET session_replication_role = replica")  # a row to update, logged by no one
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    db.execute("RESET session_replication_role")
    db.execute(change)
    for statement in (
        "INSERT INTO guest (id, wedding_id, full_name) VALUES (2, 1, 'B')",  # crashed the server
        "UPDATE guest SET full_name = 'C'",
        "DELETE FROM guest",
        "TRUNCATE guest",
    ):
        clean_error(sql_error(db, statement), sqlstate)
    assert db.execute("SELECT 1").fetchone() == (1,)


@pytest.fixture
def guest(db):
    from test_audit import GUEST

    db.execute(GUEST)
    db.execute("SELECT wedopt.enable_audit('public.guest', '{passport_no}')")
    return db


# --- 3: privilege escalation ---------------------------------------------------------------

PAYLOAD = "x$wedopt_audit$;ALTER ROLE wedopt_test_admin SUPERUSER;--'\""
assert len(PAYLOAD) < 64


def test_no_crafted_name_or_setting_makes_an_admin_superuser(db, connect):
    db.execute("CREATE TABLE public.trap (id int PRIMARY KEY, o text)")
    db.execute(sql.SQL("ALTER TABLE trap ADD COLUMN {} text").format(sql.Identifier(PAYLOAD)))
    db.execute("ALTER TABLE trap OWNER TO wedopt_test_admin")
    admin = connect("wedopt_test_admin")
    admin.execute("SELECT wedopt.enable_audit('trap', %s)", [[PAYLOAD]])
    admin.execute("SELECT wedopt.set_setting('audit.app_user_setting', %s)", [PAYLOAD + " CREATE ROLE x;"])
    admin.execute("SELECT wedopt.enable_audit('trap', %s)", [[PAYLOAD]])
    admin.execute("INSERT INTO trap VALUES (1, 'FRA', 'secret')")
    admin.execute("TRUNCATE trap")
    assert db.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'wedopt_test_admin'").fetchone() == (
        False,
    )
    rows = log(db, "trap")
    assert [(r["operation"], r["old_values"]) for r in rows] == [
        ("INSERT", None),
        ("TRUNCATE", {"id": 1, "o": "FRA"}),
    ]
    # No code is built per table, and there is no generator left to call.
    assert db.execute("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_audit\\_%trg%'").fetchone()[0] == 0
    assert db.execute("SELECT to_regproc('wedopt._audit_build_trigger')").fetchone()[0] is None
    # SECURITY DEFINER functions of the extension execute no text built by concatenation
    definers = db.execute(
        "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'wedopt'::regnamespace AND p.prosecdef "
        "AND p.prosrc ~ 'EXECUTE [^;]*[|][|]'"
    ).fetchall()
    assert definers == []
