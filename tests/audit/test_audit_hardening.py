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


# A column's type changes only once the view that reads it is gone.
UNVIEW = "ALTER EXTENSION wedopt DROP VIEW wedopt.audit_trail; DROP VIEW wedopt.audit_trail; "


@pytest.mark.parametrize(
    ("change", "sqlstate"),
    [
        (UNVIEW + "ALTER TABLE wedopt.audit_statement ALTER transaction_id TYPE numeric", "42804"),
        (UNVIEW + "ALTER TABLE wedopt.audit_log ALTER old_values TYPE json", "42804"),
        (UNVIEW + "ALTER TABLE wedopt.audit_log ALTER statement_id TYPE integer", "42804"),
        (UNVIEW + "ALTER TABLE wedopt.audit_statement ALTER table_name TYPE varchar(5)", "42804"),
        ("ALTER TABLE wedopt.audit_statement ALTER statement SET NOT NULL", "42804"),
        ("ALTER TABLE wedopt.audit_log ADD CONSTRAINT no_x CHECK (operation <> 'x')", "42P16"),
        ("ALTER TABLE wedopt.audit_statement ADD CONSTRAINT no_x CHECK (changed_by <> 'x')", "42P16"),
    ],
)
def test_a_log_of_another_shape_is_an_error_not_a_crash(guest, change, sqlstate):
    db = guest
    db.execute("SET session_replication_role = replica")  # a row to update, logged by no one
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    db.execute("RESET session_replication_role")
    for part in change.split("; "):
        db.execute(part)
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


# --- 4, 11, 12, 13: columns by identity, no name clashes -----------------------------------


@pytest.mark.parametrize("event_trigger", ["on", "off"])
def test_a_renamed_excluded_column_stays_excluded(guest, event_trigger):
    """Item 4: with the DDL event trigger following the rename, and without it (the C trigger
    knows the column by attnum)."""
    db = guest
    if event_trigger == "off":
        db.execute("ALTER EVENT TRIGGER wedopt_audit_ddl_end DISABLE")
    db.execute("INSERT INTO guest (id, wedding_id, full_name, passport_no) VALUES (1, 1, 'A', 'SECRET-1')")
    db.execute("ALTER TABLE guest RENAME COLUMN passport_no TO passport")
    db.execute("UPDATE guest SET passport = 'SECRET-2', full_name = 'B'")
    db.execute("INSERT INTO guest (id, wedding_id, full_name, passport) VALUES (2, 1, 'C', 'SECRET-3')")
    db.execute("DELETE FROM guest WHERE id = 2")
    versions = history(db, "guest", {"id": 1})
    db.execute("TRUNCATE guest")
    everything = db.execute("SELECT string_agg(a::text, ' ') FROM wedopt.audit_trail a").fetchone()[0]
    assert "SECRET" not in everything
    assert [op for op, _ in versions] == ["INSERT", "UPDATE"]
    assert all("passport" not in row for _, row in versions)
    assert [r["operation"] for r in log(db)] == ["INSERT", "UPDATE", "INSERT", "DELETE", "TRUNCATE"]
    if event_trigger == "on":
        config = db.execute("SELECT columns_excluded FROM wedopt.audit_config").fetchone()[0]
        assert config == ["passport"]


def test_columns_named_like_the_code_s_aliases(db):
    """Items 11, 12: columns named o and t (the old generated and dynamic SQL's aliases)."""
    db.execute("CREATE TABLE public.flight (id int PRIMARY KEY, o text, t text, secret text)")
    db.execute("SELECT wedopt.enable_audit('flight', '{secret}')")
    db.execute("INSERT INTO flight VALUES (1, 'FRA', 'x', 's')")
    db.execute("UPDATE flight SET t = 'y'")
    assert history(db, "flight", {"id": 1})[-1] == ("UPDATE", {"id": 1, "o": "FRA", "t": "y"})
    db.execute("TRUNCATE flight")
    assert log(db)[-1]["old_values"] == {"id": 1, "o": "FRA", "t": "y"}


def test_a_renamed_key_column(db):
    """Item 13: TRUNCATE and record_history after the key column was renamed."""
    db.execute("CREATE TABLE public.room (id int PRIMARY KEY, name text)")
    db.execute("SELECT wedopt.enable_audit('room')")
    db.execute("INSERT INTO room VALUES (1, 'a')")
    db.execute("UPDATE room SET name = 'b'")
    db.execute("ALTER TABLE room RENAME COLUMN id TO room_id")
    db.execute("UPDATE room SET name = 'c'")
    expected = ["a", "b", "c"]
    for pk in ({"room_id": 1}, {"id": 1}):
        assert [row["name"] for _, row in history(db, "room", pk)] == expected
    db.execute("TRUNCATE room")
    assert log(db)[-1]["old_values"] == {"room_id": 1, "name": "c"}
    assert [row["name"] for _, row in history(db, "room", {"room_id": 1})] == [*expected, "c"]


# --- 6, 8, 9, 20: record ids ---------------------------------------------------------------


def test_record_ids_do_not_depend_on_the_session_settings(db, connect):
    """Item 6: a timestamptz (and interval, float) key written under other settings."""
    db.execute(
        "CREATE TABLE public.slot (at timestamptz, span interval, w float8, v int, PRIMARY KEY (at, span, w))"
    )
    db.execute("SELECT wedopt.enable_audit('slot')")
    key = "('2026-06-06 15:00+02'::timestamptz, '1 day 2 hours'::interval, 0.1::float8)"
    for n, settings in enumerate(
        [
            "SET TimeZone = 'Europe/Berlin'",
            "SET TimeZone = 'America/New_York'; SET DateStyle = 'SQL, DMY'; "
            "SET IntervalStyle = 'sql_standard'",
            "SET TimeZone = 'Asia/Kolkata'; SET extra_float_digits = -3; SET IntervalStyle = 'iso_8601'",
        ]
    ):
        writer = connect()
        for s in settings.split("; "):
            writer.execute(s)
        if n == 0:
            writer.execute(f"INSERT INTO slot SELECT *, 0 FROM (VALUES {key}) AS k")
        else:
            writer.execute(f"UPDATE slot SET v = {n} WHERE (at, span, w) = {key}")
    rid = {"at": "2026-06-06T13:00:00+00:00", "span": "1 day 02:00:00", "w": 0.1}
    assert {json.dumps(r["record_id"], sort_keys=True) for r in log(db)} == {json.dumps(rid, sort_keys=True)}
    db.execute("SET TimeZone = 'UTC'")
    assert [op for op, _ in history(db, "slot", rid)] == ["INSERT", "UPDATE", "UPDATE"]
    db.execute("SET TimeZone = 'Pacific/Chatham'")
    asked = {"at": "2026-06-06 15:00+02", "span": "P1DT2H", "w": 0.1}
    assert len(history(db, "slot", asked)) == 3


@pytest.mark.parametrize(
    "key",
    [
        "PRIMARY KEY (id) INCLUDE (name)",
        "PRIMARY KEY (id) DEFERRABLE",
        "PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED",
    ],
)
def test_the_record_id_is_the_key_columns_only(db, key):
    """Items 8, 9."""
    db.execute(f"CREATE TABLE public.seat (id int, name text, note text, {key})")
    db.execute("SELECT wedopt.enable_audit('seat')")
    db.execute("INSERT INTO seat VALUES (1, 'a', 'x')")
    db.execute("UPDATE seat SET note = 'y'")
    assert {json.dumps(r["record_id"]) for r in log(db)} == {'{"id": 1}'}
    assert db.execute("SELECT pk_columns FROM wedopt.audit_config").fetchone()[0] == ["id"]
    assert history(db, "seat", {"id": 1}) == [
        ("INSERT", {"id": 1, "name": "a", "note": "x"}),
        ("UPDATE", {"id": 1, "name": "a", "note": "y"}),
    ]


def test_a_key_dropped_and_added_again_keeps_the_history(db):
    """Item 20: changes made while the key was gone, or before a key was added."""
    db.execute("CREATE TABLE public.menu (id int PRIMARY KEY, dish text)")
    db.execute("SELECT wedopt.enable_audit('menu')")
    db.execute("INSERT INTO menu VALUES (1, 'soup')")
    db.execute("ALTER TABLE menu DROP CONSTRAINT menu_pkey")
    db.execute("UPDATE menu SET dish = 'salad'")
    db.execute("ALTER TABLE menu ADD PRIMARY KEY (id)")
    db.execute("UPDATE menu SET dish = 'fish'")
    assert [row["dish"] for _, row in history(db, "menu", {"id": 1})] == ["soup", "salad", "fish"]

    db.execute("CREATE TABLE public.drink (id int, name text)")
    db.execute("SELECT wedopt.enable_audit('drink')")
    db.execute("INSERT INTO drink VALUES (1, 'tea')")
    db.execute("UPDATE drink SET name = 'coffee'")
    db.execute("ALTER TABLE drink ADD PRIMARY KEY (id)")
    db.execute("UPDATE drink SET name = 'water'")
    assert [row["name"] for _, row in history(db, "drink", {"id": 1})] == ["tea", "coffee", "water"]


# --- 19: a huge value never blocks the write --------------------------------------------


def test_a_value_over_the_size_limit_is_logged_as_a_marker(db):
    db.execute("SELECT wedopt.set_setting('audit.max_value_size', '4')")  # kB
    db.execute("CREATE TABLE public.doc (id int PRIMARY KEY, body text, blob bytea)")
    db.execute("SELECT wedopt.enable_audit('doc')")
    db.execute("INSERT INTO doc VALUES (1, repeat('a', 5000), 'small')")
    db.execute("UPDATE doc SET body = body || 'b'")
    db.execute("DELETE FROM doc")
    digest = db.execute(
        "SELECT encode(sha256(convert_to(repeat('a', 5000) || 'b', 'UTF8')), 'hex')"
    ).fetchone()[0]
    rows = log(db)
    marker = {"wedopt_omitted": "larger than audit.max_value_size", "bytes": 5001, "sha256": digest}
    assert rows[1]["new_values"] == {"body": marker}
    assert rows[2]["old_values"] == {"id": 1, "body": marker, "blob": "\\x736d616c6c"}


@pytest.mark.slow
def test_a_value_too_large_for_jsonb_does_not_block_the_delete(db):
    """300 MB of text exceeds jsonb's maximum: even with no size limit set, the DELETE goes through."""
    db.execute("SELECT wedopt.set_setting('audit.max_value_size', '0')")  # no limit: only jsonb's
    db.execute("CREATE TABLE public.dump (id int PRIMARY KEY, a text, note text)")
    db.execute("ALTER TABLE dump ALTER a SET STORAGE EXTERNAL")
    db.execute("SELECT wedopt.enable_audit('dump')")
    db.execute("INSERT INTO dump VALUES (1, repeat('x', 300 * 1024 * 1024), 'kept')")
    db.execute("DELETE FROM dump")  # failed: total size of jsonb object elements exceeds the maximum
    old = db.execute(
        "SELECT old_values->'a'->>'bytes', old_values->>'note' "
        "FROM wedopt.audit_log WHERE operation = 'DELETE'"
    ).fetchone()
    assert old == (str(300 * 1024 * 1024), "kept")


# --- 10, 15, 21: partitioned tables ----------------------------------------------------------


def partitioned(db, name="bk"):
    db.execute(f"CREATE TABLE public.{name} (id int PRIMARY KEY, v text) PARTITION BY RANGE (id)")
    db.execute(f"CREATE TABLE public.{name}_a PARTITION OF {name} FOR VALUES FROM (0) TO (100)")


@pytest.mark.parametrize("event_trigger", ["on", "off"])
def test_truncate_of_a_parent_covers_partitions_made_after_enable_audit(db, event_trigger):
    """Item 10: a created and an attached partition; with the DDL event trigger (which gives them
    the triggers) and without it (the parent's TRUNCATE trigger reads them)."""
    partitioned(db)
    db.execute("SELECT wedopt.enable_audit('bk')")
    if event_trigger == "off":
        db.execute("ALTER EVENT TRIGGER wedopt_audit_ddl_end DISABLE")
    db.execute("CREATE TABLE public.bk_b PARTITION OF bk FOR VALUES FROM (100) TO (200)")
    db.execute("CREATE TABLE public.bk_c (id int PRIMARY KEY, v text)")
    db.execute("ALTER TABLE bk ATTACH PARTITION bk_c FOR VALUES FROM (200) TO (300)")
    db.execute("INSERT INTO bk VALUES (1, 'a'), (150, 'b'), (250, 'c')")
    db.execute("TRUNCATE bk")
    rows = log(db)
    truncated = sorted(r["record_id"]["id"] for r in rows if r["operation"] == "TRUNCATE")
    assert truncated == [1, 150, 250]  # each once
    assert {r["tbl"] for r in rows} == {"bk"}
    if event_trigger == "on":
        # the new partitions got the triggers: a direct write to one is logged too
        db.execute("INSERT INTO bk_b VALUES (151, 'd')")
        assert log(db)[-1]["record_id"] == {"id": 151}
        assert db.execute("SELECT count(*) FROM wedopt._health_audit_triggers()").fetchone()[0] == 0


def test_a_partition_audited_on_its_own_is_logged_under_its_name(db):
    """Item 15."""
    partitioned(db)
    db.execute("SELECT wedopt.enable_audit('bk_a')")
    db.execute("INSERT INTO bk_a VALUES (1, 'a')")
    db.execute("UPDATE bk SET v = 'b'")  # through the parent: not audited, no transition table of bk_a
    db.execute("UPDATE bk_a SET v = 'c'")
    assert {r["tbl"] for r in log(db)} == {"bk_a"}
    assert [row["v"] for _, row in history(db, "bk_a", {"id": 1})] == ["b", "c"]  # the rebuild starts live
    clean_error(sql_error(db, "SELECT * FROM wedopt.record_history('bk', '{\"id\": 1}')"), "42704")


def test_a_renamed_partitioned_table_logs_its_new_name(db):
    """Item 21."""
    partitioned(db)
    db.execute("SELECT wedopt.enable_audit('bk')")
    db.execute("INSERT INTO bk VALUES (1, 'a')")
    db.execute("ALTER TABLE bk RENAME TO booking")
    db.execute("TRUNCATE booking")
    assert [(r["operation"], r["table_name"]) for r in log(db)] == [("INSERT", "bk"), ("TRUNCATE", "booking")]


# --- 14: nobody but an admin switches audit off ----------------------------------------------


def test_audit_triggers_cannot_be_changed_by_non_admins(guest, connect):
    db = guest
    db.execute("CREATE ROLE wedopt_test_owner LOGIN")
    try:
        db.execute("ALTER TABLE guest OWNER TO wedopt_test_owner")
        db.execute("GRANT TRIGGER ON guest TO wedopt_test_nobody")
        db.execute(
            "CREATE FUNCTION public.own_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'"
        )
        nobody = connect("wedopt_test_nobody")
        owner = connect("wedopt_test_owner")
        for conn, statement in (
            (
                nobody,
                "CREATE OR REPLACE TRIGGER wedopt_audit_update AFTER UPDATE ON guest "
                "FOR EACH STATEMENT EXECUTE FUNCTION own_noop()",
            ),
            (owner, "ALTER TABLE guest DISABLE TRIGGER wedopt_audit_delete"),
            (owner, "ALTER TABLE guest DISABLE TRIGGER USER"),
            (owner, "ALTER TABLE guest ENABLE REPLICA TRIGGER wedopt_audit_insert"),
            (owner, "ALTER TRIGGER wedopt_audit_insert ON guest RENAME TO x"),
            (owner, "DROP TRIGGER wedopt_audit_truncate ON guest"),
        ):
            clean_error(sql_error(conn, statement), "42501")
        assert db.execute("SELECT count(*) FROM wedopt._audit_trigger_state()").fetchone()[0] == 0
        owner.execute("UPDATE guest SET full_name = 'x'")  # the owner still writes
        owner.execute("ALTER TABLE guest ADD COLUMN note text")  # and changes the table
        # An admin (here a superuser) may; check_health() then reports what is off.
        db.execute("ALTER TABLE guest DISABLE TRIGGER wedopt_audit_delete")
        db.execute("DROP TRIGGER wedopt_audit_truncate ON guest")
        db.execute("ALTER TABLE guest ENABLE REPLICA TRIGGER wedopt_audit_insert")
        db.execute(
            "CREATE OR REPLACE TRIGGER wedopt_audit_update AFTER UPDATE ON guest "
            "FOR EACH STATEMENT EXECUTE FUNCTION own_noop()"
        )
        found = db.execute(
            "SELECT name, level, category, object FROM wedopt._health_audit_triggers() ORDER BY object"
        ).fetchall()
        assert found == [
            ("audit_trigger_disabled", "ERROR", "SECURITY", "wedopt_audit_delete on public.guest"),
            ("audit_trigger_disabled", "ERROR", "SECURITY", "wedopt_audit_insert on public.guest"),
            ("audit_trigger_missing", "ERROR", "SECURITY", "wedopt_audit_truncate on public.guest"),
            ("audit_trigger_replaced", "ERROR", "SECURITY", "wedopt_audit_update on public.guest"),
        ]
        monitor = connect("wedopt_test_monitor")
        assert monitor.execute("SELECT count(*) FROM wedopt._health_audit_triggers()").fetchone()[0] == 4
        db.execute("SELECT wedopt.enable_audit('guest', '{passport_no}')")
        assert db.execute("SELECT count(*) FROM wedopt._health_audit_triggers()").fetchone()[0] == 0
        # disable_audit is the admin's way
        admin = connect("wedopt_test_admin")
        db.execute("ALTER TABLE guest OWNER TO wedopt_test_admin")
        admin.execute("SELECT wedopt.disable_audit('guest')")
    finally:
        db.execute("DROP TABLE IF EXISTS guest")
        db.execute("DROP ROLE wedopt_test_owner")


# --- 18: a table dropped and created again ---------------------------------------------------


def test_a_table_created_again_under_the_same_name_starts_a_new_history(guest):
    db = guest
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'old')")
    db.execute("DROP TABLE guest")
    assert db.execute("SELECT count(*) FROM wedopt.audit_config").fetchone()[0] == 0
    from test_audit import GUEST

    db.execute(GUEST)
    db.execute("SELECT wedopt.enable_audit('guest')")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'new')")
    assert [row["full_name"] for _, row in history(db, "guest", {"id": 1})] == ["new"]
    actions = db.execute(
        "SELECT record_id FROM wedopt.audit_log "
        "WHERE operation = 'ACTION' AND record_id->>'action' = 'drop_table'"
    ).fetchall()
    assert actions == [({"action": "drop_table", "target": "public.guest"},)]


# --- 5, 16, 17: the log's partitions -------------------------------------------------------


def partitions(db):
    """The log's partitions with their bounds, read in UTC."""
    db.execute("SET TimeZone = 'UTC'")
    return db.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'wedopt.audit_log'::regclass "
        "AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT' ORDER BY 2"
    ).fetchall()


def test_partition_bounds_do_not_depend_on_the_time_zone(guest):
    """Item 5: partitions made in UTC, maintenance and enable_audit run in Europe/Berlin."""
    db = guest
    db.execute("SET TimeZone = 'UTC'")
    db.execute("SELECT * FROM wedopt.maintain_audit_log()")
    before = partitions(db)
    db.execute("SET TimeZone = 'Europe/Berlin'")
    db.execute("SELECT * FROM wedopt.maintain_audit_log()")
    db.execute("CREATE TABLE public.t2 (id int PRIMARY KEY)")
    db.execute("SELECT wedopt.enable_audit('t2')")
    db.execute("SET TimeZone = 'Pacific/Chatham'")
    db.execute("SELECT * FROM wedopt.maintain_audit_log()")
    assert partitions(db) == before
    db.execute("SET TimeZone = 'UTC'")
    assert all("-01 00:00:00+00') TO" in bound for _, bound in partitions(db)), partitions(db)


def test_a_detached_log_partition_does_not_break_maintenance(guest):
    """Item 16: the current log partition detached, rows in the default, the table dropped."""
    db = guest
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (0, 1, 'first')")
    where = "SELECT DISTINCT tableoid::regclass::text FROM wedopt.audit_log WHERE operation = 'INSERT'"
    current = db.execute(where).fetchone()[0]
    db.execute(f"ALTER TABLE wedopt.audit_log DETACH PARTITION {current}")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")  # into the default
    assert db.execute(where).fetchall() == [("wedopt.audit_log_default",)]
    done = db.execute("SELECT * FROM wedopt.maintain_audit_log()").fetchall()
    assert [a for a, _ in done] == ["created"]
    # the row moved out of the default partition into the new one
    (now_part,) = db.execute(where).fetchone()
    assert now_part not in (current, "wedopt.audit_log_default")
    db.execute(f"DROP TABLE {current}")
    db.execute("SELECT * FROM wedopt.maintain_audit_log()")
    db.execute("CREATE TABLE public.t2 (id int PRIMARY KEY)")
    db.execute("SELECT wedopt.enable_audit('t2')")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (2, 1, 'B')")
    assert len(log(db)) == 2  # the first row went with the detached partition
    assert db.execute(where).fetchall() == [(now_part,)]


def test_two_enable_audit_at_once_on_a_log_without_partitions(db, connect):
    """Item 17."""
    for (part,) in db.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'wedopt.audit_log'::regclass"
    ).fetchall():
        db.execute(f"DROP TABLE {part}")
    db.execute("CREATE TABLE public.t1 (id int PRIMARY KEY)")
    db.execute("CREATE TABLE public.t2 (id int PRIMARY KEY)")
    first = connect(autocommit=False)
    second = connect()
    first.execute("SELECT wedopt.enable_audit('t1')")  # holds its uncommitted partitions
    errors = []

    def enable():
        try:
            second.execute("SELECT wedopt.enable_audit('t2')")
        except psycopg.Error as exc:
            errors.append(exc)

    thread = threading.Thread(target=enable)
    thread.start()
    wait_for(db, "SELECT count(*) > 0 FROM pg_locks WHERE NOT granted")
    first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    assert db.execute("SELECT count(*) FROM wedopt.audit_config").fetchone()[0] == 2
