"""wedopt.enable_audit(): statement-level audit triggers, the audit log, record_history()."""

import json
import subprocess
import threading

import psycopg
import pytest
from expect import clean_error, sql_error

import harness

GUEST = """
CREATE TABLE public.guest (
    id integer PRIMARY KEY,
    wedding_id integer NOT NULL,
    full_name text NOT NULL,
    email text,
    passport_no text,
    rsvp_at timestamptz,
    meta json
)
"""


def log(db, table=None):
    """The audit rows of a table (or all), oldest first, as dicts."""
    cur = db.execute(
        "SELECT operation, record_id, old_values, new_values, relid::regclass::text AS tbl, table_name, "
        "changed_by, session_user_name, app_user_id, transaction_id, statement "
        "FROM wedopt.audit_trail WHERE operation <> 'ACTION' AND (%(t)s::text IS NULL OR table_name = %(t)s) "
        "ORDER BY id",
        {"t": table},
    )
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def notices(conn):
    seen = []
    conn.add_notice_handler(lambda d: seen.append((d.severity_nonlocalized, d.message_primary)))
    return seen


@pytest.fixture
def guest(db):
    db.execute(GUEST)
    db.execute("SELECT wedopt.enable_audit('public.guest', '{passport_no}')")
    return db


def test_every_operation_is_logged_with_deltas(guest):
    db = guest
    db.execute(
        "INSERT INTO guest (id, wedding_id, full_name, email, passport_no, meta) VALUES "
        "(1, 10, 'Ann Lee', 'ann@x.org', 'P111', '{\"a\": 1}'), (2, 10, 'Bo Chen', NULL, 'P222', NULL), "
        "(3, 11, 'Cy Diaz', 'cy@x.org', 'P333', NULL)"
    )
    db.execute("UPDATE guest SET email = 'ann@y.org', meta = '{\"a\": 2}' WHERE id = 1")
    db.execute("UPDATE guest SET email = 'bo@x.org' WHERE id = 2")  # from NULL
    db.execute("DELETE FROM guest WHERE id = 3")
    db.execute("TRUNCATE guest")
    rows = log(db)
    assert [(r["operation"], r["record_id"]) for r in rows] == [
        ("INSERT", {"id": 1}),
        ("INSERT", {"id": 2}),
        ("INSERT", {"id": 3}),
        ("UPDATE", {"id": 1}),
        ("UPDATE", {"id": 2}),
        ("DELETE", {"id": 3}),
        ("TRUNCATE", {"id": 1}),
        ("TRUNCATE", {"id": 2}),
    ]
    # INSERT keeps the record id only; record_history() rebuilds the values.
    assert rows[0]["old_values"] is None and rows[0]["new_values"] is None
    # UPDATE keeps the changed columns only, old and new; json (no = operator) is compared as text.
    assert rows[3]["old_values"] == {"email": "ann@x.org", "meta": {"a": 1}}
    assert rows[3]["new_values"] == {"email": "ann@y.org", "meta": {"a": 2}}
    assert rows[4]["old_values"] == {"email": None} and rows[4]["new_values"] == {"email": "bo@x.org"}
    # DELETE and TRUNCATE keep the whole old row.
    assert rows[5]["old_values"] == {
        "id": 3,
        "wedding_id": 11,
        "full_name": "Cy Diaz",
        "email": "cy@x.org",
        "rsvp_at": None,
        "meta": None,
    }
    assert rows[6]["old_values"]["email"] == "ann@y.org"
    assert {r["tbl"] for r in rows} == {"guest"}
    assert {r["changed_by"] for r in rows} == {"postgres"}
    assert len({r["transaction_id"] for r in rows}) == 5
    assert all(r["statement"] is None for r in rows)


def test_excluded_columns_are_never_stored(guest):
    db = guest
    db.execute("INSERT INTO guest (id, wedding_id, full_name, passport_no) VALUES (1, 1, 'A', 'SECRET-1')")
    db.execute("UPDATE guest SET passport_no = 'SECRET-2' WHERE id = 1")
    db.execute("UPDATE guest SET passport_no = 'SECRET-3', full_name = 'B' WHERE id = 1")
    db.execute("INSERT INTO guest (id, wedding_id, full_name, passport_no) VALUES (2, 1, 'C', 'SECRET-4')")
    db.execute("DELETE FROM guest WHERE id = 1")
    db.execute("TRUNCATE guest")
    rows = log(db)
    assert len(rows) == 6
    everything = db.execute("SELECT string_agg(a::text, ' ') FROM wedopt.audit_trail a").fetchone()[0]
    assert "SECRET" not in everything and "passport_no" not in everything
    # An update of an excluded column only is still a change of the row: logged, with no values.
    assert (rows[1]["operation"], rows[1]["old_values"], rows[1]["new_values"]) == ("UPDATE", {}, {})
    assert rows[2]["new_values"] == {"full_name": "B"}
    history = db.execute("SELECT row_data FROM wedopt.record_history('guest', '{\"id\": 1}')").fetchall()
    assert all("passport_no" not in (h[0] or {}) for h in history)


def test_partitioned_table_through_parent_and_partitions(db):
    db.execute(
        "CREATE TABLE public.booking (id bigint, event_date date, status text, PRIMARY KEY (id, event_date)) "
        "PARTITION BY RANGE (event_date)"
    )
    db.execute(
        "CREATE TABLE public.booking_2026 PARTITION OF booking "
        "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
    )
    db.execute(
        "CREATE TABLE public.booking_2027 PARTITION OF booking "
        "FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')"
    )
    db.execute("SELECT wedopt.enable_audit('booking')")
    db.execute("INSERT INTO booking VALUES (1, '2026-06-06', 'Pending'), (2, '2027-06-05', 'Pending')")
    db.execute("INSERT INTO booking_2026 VALUES (3, '2026-07-04', 'Pending')")  # straight into a partition
    db.execute("UPDATE booking SET status = 'Confirmed'")
    db.execute("UPDATE booking_2027 SET status = 'Cancelled'")
    db.execute("DELETE FROM booking_2026 WHERE id = 3")
    db.execute("TRUNCATE booking")
    rows = log(db)
    ops = [(r["operation"], r["record_id"]["id"]) for r in rows]
    assert ops[:3] == [("INSERT", 1), ("INSERT", 2), ("INSERT", 3)]
    assert sorted(ops[3:6]) == [("UPDATE", 1), ("UPDATE", 2), ("UPDATE", 3)]
    assert ops[6:8] == [("UPDATE", 2), ("DELETE", 3)]
    # TRUNCATE of the parent: each partition logs its own rows, once.
    assert sorted(ops[8:]) == [("TRUNCATE", 1), ("TRUNCATE", 2)]
    assert {r["tbl"] for r in rows} == {"booking"}  # logged under the parent
    assert rows[0]["record_id"] == {"id": 1, "event_date": "2026-06-06"}
    assert rows[6]["old_values"] == {"status": "Confirmed"} and rows[6]["new_values"] == {
        "status": "Cancelled"
    }


def test_row_moving_between_partitions_is_one_update(db):
    db.execute(
        "CREATE TABLE public.payment (id int PRIMARY KEY, amount int, note text) PARTITION BY RANGE (id)"
    )
    db.execute("CREATE TABLE public.payment_a PARTITION OF payment FOR VALUES FROM (0) TO (100)")
    db.execute("CREATE TABLE public.payment_b PARTITION OF payment FOR VALUES FROM (100) TO (200)")
    db.execute("SELECT wedopt.enable_audit('payment')")
    db.execute("INSERT INTO payment VALUES (1, 10, 'a'), (2, 20, 'b')")
    db.execute("UPDATE payment SET amount = amount + 1, note = 'moved?' WHERE id = 2")
    db.execute("UPDATE payment SET id = 150 WHERE id = 1")  # key change, moves partition
    rows = log(db)
    assert rows[2]["record_id"] == {"id": 2}
    assert rows[2]["old_values"] == {"amount": 20, "note": "b"}
    # A changed key: the old version whole under the old id, the new one whole under the new.
    assert (rows[3]["record_id"], rows[3]["old_values"], rows[3]["new_values"]) == (
        {"id": 1},
        {"id": 1, "amount": 10, "note": "a"},
        None,
    )
    assert (rows[4]["record_id"], rows[4]["old_values"], rows[4]["new_values"]) == (
        {"id": 150},
        None,
        {"id": 150, "amount": 10, "note": "a"},
    )


def test_rolled_back_changes_leave_no_audit_rows(guest, connect):
    conn = connect(autocommit=False)
    conn.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A'), (2, 1, 'B')")
    conn.execute("UPDATE guest SET full_name = 'Z'")
    assert conn.execute("SELECT count(*) FROM wedopt.audit_log").fetchone()[0] == 4  # seen inside
    conn.rollback()
    conn.execute("SAVEPOINT s")
    conn.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (3, 1, 'C')")
    conn.execute("ROLLBACK TO SAVEPOINT s")
    conn.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (4, 1, 'D')")
    conn.commit()
    assert [(r["operation"], r["record_id"]) for r in log(guest)] == [("INSERT", {"id": 4})]


def test_concurrent_writers_lose_no_audit_row(guest, connect):
    """4 sessions insert and update at once: one audit row per changed row, none lost."""
    per_thread = 60
    errors = []
    conns = [connect() for _ in range(4)]

    def work(n, conn):
        try:
            for i in range(per_thread):
                conn.execute(
                    "INSERT INTO guest (id, wedding_id, full_name) VALUES (%s, %s, 'x')", [n * 1000 + i, n]
                )
                # a multi-row UPDATE of this session's rows: one statement, several audit rows
                conn.execute(
                    "UPDATE guest SET full_name = full_name || 'y' WHERE wedding_id = %s AND id %% 7 = %s",
                    [n, i % 7],
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n, conn)) for n, conn in enumerate(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = guest
    counts = dict(db.execute("SELECT operation, count(*) FROM wedopt.audit_log GROUP BY 1").fetchall())
    assert counts["INSERT"] == 4 * per_thread == db.execute("SELECT count(*) FROM guest").fetchone()[0]
    # each update appended one 'y': the live rows say how many updates changed them
    assert counts["UPDATE"] == db.execute("SELECT sum(length(full_name) - 1) FROM guest").fetchone()[0]
    assert counts["UPDATE"] > 4 * per_thread
    # the audit ids order each row's changes as they happened: the history replays to the live row
    for pk, live in db.execute("SELECT id, full_name FROM guest ORDER BY id LIMIT 30").fetchall():
        versions = db.execute(
            "SELECT row_data FROM wedopt.record_history('guest', %s) ORDER BY version",
            [json.dumps({"id": pk})],
        ).fetchall()
        assert [v[0]["full_name"] for v in versions] == ["x" + "y" * k for k in range(len(live))]


def test_audit_rows_cannot_be_changed_and_writers_need_no_privilege(guest, connect):
    db = guest
    db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON guest TO wedopt_test_nobody, wedopt_test_monitor")
    nobody = connect("wedopt_test_nobody")
    nobody.execute("SET app.current_user_id = 'planner-17'")
    nobody.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    nobody.execute("UPDATE guest SET full_name = 'B'")
    rows = log(db)
    assert [(r["operation"], r["changed_by"], r["app_user_id"]) for r in rows] == [
        ("INSERT", "wedopt_test_nobody", "planner-17"),
        ("UPDATE", "wedopt_test_nobody", "planner-17"),
    ]
    for user in ("wedopt_test_nobody", "wedopt_test_monitor"):
        conn = connect(user)
        for sql in (
            "SELECT count(*) FROM wedopt.audit_log",
            "SELECT count(*) FROM wedopt.audit_statement",
            "SELECT count(*) FROM wedopt.audit_trail",
            "UPDATE wedopt.audit_log SET operation = 'x'",
            "UPDATE wedopt.audit_statement SET changed_by = 'someone else'",
            "DELETE FROM wedopt.audit_log",
            "DELETE FROM wedopt.audit_statement",
            "TRUNCATE wedopt.audit_log",
            "TRUNCATE wedopt.audit_statement",
            "INSERT INTO wedopt.audit_log (operation, statement_id) VALUES ('INSERT', 1)",
            "INSERT INTO wedopt.audit_statement (changed_by, session_user_name, transaction_id) "
            "VALUES ('x', 'x', 1)",
        ):
            assert sql_error(conn, sql).diag.sqlstate == "42501", (user, sql)
        assert sql_error(conn, "SELECT wedopt.enable_audit('guest')").diag.sqlstate == "42501"
    # Not even the owner (a superuser) changes audit rows; a partition is no way around it.
    part = db.execute(
        "SELECT DISTINCT tableoid::regclass::text FROM wedopt.audit_log "
        "UNION SELECT DISTINCT tableoid::regclass::text FROM wedopt.audit_statement"
    ).fetchall()
    assert len(part) == 2
    for sql in (
        "UPDATE wedopt.audit_log SET operation = 'x'",
        "UPDATE wedopt.audit_statement SET changed_by = 'x'",
        "DELETE FROM wedopt.audit_log",
        "DELETE FROM wedopt.audit_statement",
        "TRUNCATE wedopt.audit_log",
        "TRUNCATE wedopt.audit_statement",
        *[f"TRUNCATE {p}" for (p,) in part],
        *[f"DELETE FROM {p}" for (p,) in part],
    ):
        clean_error(sql_error(db, sql), "42501")
    assert len(log(db)) == 2


def test_admin_audits_a_table_it_owns(db, connect):
    db.execute(GUEST)
    db.execute("ALTER TABLE guest OWNER TO wedopt_test_admin")
    admin = connect("wedopt_test_admin")
    admin.execute("SELECT wedopt.enable_audit('guest')")
    admin.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    assert (
        admin.execute("SELECT count(*) FROM wedopt.record_history('guest', '{\"id\": 1}')").fetchone()[0] == 1
    )
    admin.execute("SELECT wedopt.disable_audit('guest')")
    # An admin that may not put triggers on a table cannot audit it either.
    db.execute("CREATE TABLE public.vendor (id int PRIMARY KEY)")
    clean_error(sql_error(admin, "SELECT wedopt.enable_audit('vendor')"), "42501")


def test_enable_is_idempotent_and_updates_options_disable_keeps_rows(db):
    db.execute(GUEST)
    db.execute("SELECT wedopt.enable_audit('guest')")
    db.execute("SELECT wedopt.enable_audit('guest')")
    db.execute(
        "INSERT INTO guest (id, wedding_id, full_name, email, passport_no) VALUES (1, 1, 'A', 'a@x', 'P1')"
    )
    db.execute("SELECT wedopt.enable_audit('guest', '{passport_no,email}', true)")
    db.execute("DELETE FROM guest")
    rows = log(db)
    assert len(rows) == 2  # one INSERT row, not two: one set of triggers
    assert rows[1]["old_values"] == {
        "id": 1,
        "wedding_id": 1,
        "full_name": "A",
        "rsvp_at": None,
        "meta": None,
    }
    assert rows[1]["statement"] == "DELETE FROM guest"
    triggers = db.execute(
        "SELECT count(*), count(DISTINCT tgfoid) FROM pg_trigger WHERE tgrelid = 'guest'::regclass"
    ).fetchone()
    assert triggers == (4, 1)  # one C function for all four, TRUNCATE included: no generated code
    config = db.execute(
        "SELECT pk_columns, columns_excluded, log_statement, enabled FROM wedopt.audit_config"
    ).fetchone()
    assert config == (["id"], ["passport_no", "email"], True, True)
    db.execute("SELECT wedopt.disable_audit('guest')")
    db.execute("SELECT wedopt.disable_audit('guest')")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (2, 1, 'B')")
    assert len(log(db)) == 2
    assert db.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'guest'::regclass").fetchone()[0] == 0
    db.execute("SELECT wedopt.enable_audit('guest')")
    assert db.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'guest'::regclass").fetchone()[0] == 4


def test_table_without_primary_key_warns_and_uses_the_whole_row(db):
    db.execute("CREATE TABLE public.rsvp_note (guest_id int, note text)")
    seen = notices(db)
    db.execute("SELECT wedopt.enable_audit('rsvp_note')")
    assert ("WARNING", "wedopt: public.rsvp_note has no primary key; its record id is the whole row") in seen
    db.execute("INSERT INTO rsvp_note VALUES (1, 'vegan'), (1, 'vegan'), (2, 'none')")
    db.execute("UPDATE rsvp_note SET note = 'vegetarian' WHERE guest_id = 1")
    db.execute("DELETE FROM rsvp_note WHERE guest_id = 2")
    rows = log(db)
    assert [(r["operation"], r["record_id"]) for r in rows] == [
        ("INSERT", {"guest_id": 1, "note": "vegan"}),
        ("INSERT", {"guest_id": 1, "note": "vegan"}),
        ("INSERT", {"guest_id": 2, "note": "none"}),
        ("UPDATE", {"guest_id": 1, "note": "vegan"}),
        ("UPDATE", {"guest_id": 1, "note": "vegan"}),
        ("DELETE", {"guest_id": 2, "note": "none"}),
    ]
    assert rows[3]["old_values"] == {"note": "vegan"} and rows[3]["new_values"] == {"note": "vegetarian"}
    history = db.execute(
        "SELECT operation, row_data FROM wedopt.record_history('rsvp_note', %s)",
        [json.dumps({"guest_id": 2, "note": "none"})],
    ).fetchall()
    assert history == [
        ("INSERT", {"guest_id": 2, "note": "none"}),
        ("DELETE", {"guest_id": 2, "note": "none"}),
    ]


def test_record_history_rebuilds_every_version(guest):
    db = guest
    db.execute("SET app.current_user_id = 'planner-3'")
    db.execute("INSERT INTO guest (id, wedding_id, full_name, email) VALUES (7, 1, 'Ann', 'a@x')")
    db.execute("UPDATE guest SET email = 'ann@x' WHERE id = 7")
    db.execute("UPDATE guest SET full_name = 'Ann Lee', wedding_id = 2 WHERE id = 7")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (8, 1, 'Other')")
    db.execute("DELETE FROM guest WHERE id = 7")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (7, 3, 'New Ann')")
    history = db.execute(
        "SELECT version, operation, app_user_id, row_data "
        "FROM wedopt.record_history('guest', '{\"id\": \"7\"}')"
    ).fetchall()
    base = {"id": 7, "rsvp_at": None, "meta": None}
    assert history == [
        (1, "INSERT", "planner-3", {**base, "wedding_id": 1, "full_name": "Ann", "email": "a@x"}),
        (2, "UPDATE", "planner-3", {**base, "wedding_id": 1, "full_name": "Ann", "email": "ann@x"}),
        (3, "UPDATE", "planner-3", {**base, "wedding_id": 2, "full_name": "Ann Lee", "email": "ann@x"}),
        (4, "DELETE", "planner-3", {**base, "wedding_id": 2, "full_name": "Ann Lee", "email": "ann@x"}),
        (5, "INSERT", "planner-3", {**base, "wedding_id": 3, "full_name": "New Ann", "email": None}),
    ]
    assert (
        db.execute("SELECT count(*) FROM wedopt.record_history('guest', '{\"id\": 999}')").fetchone()[0] == 0
    )
    clean_error(sql_error(db, "SELECT * FROM wedopt.record_history('guest', '{\"email\": 1}')"), "22023")
    clean_error(sql_error(db, "SELECT * FROM wedopt.record_history('guest', '[1]')"), "22023")
    db.execute("CREATE TABLE public.plain (id int PRIMARY KEY)")
    clean_error(sql_error(db, "SELECT * FROM wedopt.record_history('plain', '{\"id\": 1}')"), "42704")


def test_bad_input_is_refused_cleanly(db):
    db.execute(GUEST)
    db.execute("CREATE VIEW public.guest_view AS SELECT * FROM guest")
    clean_error(sql_error(db, "SELECT wedopt.enable_audit('guest_view')"), "42809")
    clean_error(sql_error(db, "SELECT wedopt.enable_audit('wedopt.setting')"), "0A000")
    clean_error(sql_error(db, "SELECT wedopt.enable_audit('guest', '{nope}')"), "42703")
    clean_error(sql_error(db, "SELECT wedopt.enable_audit('guest', '{id}')"), "22023")
    assert db.execute("SELECT count(*) FROM wedopt.audit_config").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'guest'::regclass").fetchone()[0] == 0


def test_wedopt_actions_are_logged_with_their_transaction(db, connect):
    admin = connect("wedopt_test_admin", autocommit=False)
    admin.execute("SELECT wedopt.set_setting('aggressiveness', 'aggressive')")
    xid = admin.execute("SELECT txid_current()").fetchone()[0]
    admin.execute("SELECT wedopt.reset_setting('aggressiveness')")
    admin.commit()
    rows = db.execute(
        "SELECT record_id, new_values, changed_by, transaction_id FROM wedopt.audit_trail "
        "WHERE operation = 'ACTION' ORDER BY id"
    ).fetchall()
    assert rows == [
        (
            {"action": "set_setting", "target": "aggressiveness"},
            {"value": "aggressive"},
            "wedopt_test_admin",
            xid,
        ),
        ({"action": "reset_setting", "target": "aggressiveness"}, None, "wedopt_test_admin", xid),
    ]


def test_retention_drops_old_partitions_only(guest):
    db = guest
    db.execute(
        "CREATE TABLE wedopt.audit_log_p20200101 PARTITION OF wedopt.audit_log "
        "FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')"
    )
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    db.execute("SELECT wedopt.set_setting('audit.retention', '90 days')")
    done = db.execute("SELECT * FROM wedopt.maintain_audit_log()").fetchall()
    assert ("dropped", "wedopt.audit_log_p20200101") in done
    assert db.execute("SELECT to_regclass('wedopt.audit_log_p20200101')").fetchone()[0] is None
    assert len(log(db)) == 1
    # New partitions get the TRUNCATE guard too.
    missing = db.execute(
        "SELECT count(*) FROM pg_inherits i WHERE i.inhparent = 'wedopt.audit_log'::regclass AND NOT EXISTS "
        "(SELECT FROM pg_trigger t WHERE t.tgrelid = i.inhrelid AND t.tgname = 'audit_log_guard_truncate')"
    ).fetchone()[0]
    assert missing == 0
    # The record-id index follows its setting (off by default: it costs every audit row), one
    # per partition of the log.
    record_indexes = (
        "SELECT count(*) FROM pg_inherits i JOIN pg_index x ON x.indrelid = i.inhrelid "
        "JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_am am ON am.oid = ic.relam "
        "WHERE i.inhparent = 'wedopt.audit_log'::regclass AND am.amname = 'hash'"
    )
    partitions = "SELECT count(*) FROM pg_inherits WHERE inhparent = 'wedopt.audit_log'::regclass"
    assert db.execute(record_indexes).fetchone()[0] == 0
    db.execute("SELECT wedopt.set_setting('audit.record_index', 'true')")
    done = db.execute("SELECT * FROM wedopt.maintain_audit_log()").fetchall()
    assert (
        len([n for a, n in done if a == "created" and "(record_id)" in n])
        == db.execute(partitions).fetchone()[0]
    )
    assert db.execute(record_indexes).fetchone() == db.execute(partitions).fetchone()
    db.execute("UPDATE guest SET full_name = 'B'")
    db.execute("SET enable_seqscan = off")
    plan = "\n".join(
        r[0]
        for r in db.execute(
            "EXPLAIN SELECT * FROM wedopt.audit_trail "
            "WHERE relid = 'guest'::regclass AND record_id = '{\"id\": 1}'"
        ).fetchall()
    )
    assert "audit_log_record_idx" in plan or "record_id_idx" in plan
    assert db.execute("SELECT count(*) FROM wedopt.record_history('guest', '{\"id\": 1}')").fetchone()[0] == 2
    db.execute("SELECT wedopt.set_setting('audit.record_index', 'false')")
    done = db.execute("SELECT * FROM wedopt.maintain_audit_log()").fetchall()
    assert "dropped" in [a for a, _ in done]
    assert db.execute(record_indexes).fetchone()[0] == 0


def test_audit_rows_and_config_survive_dump_and_restore(
    guest, cluster, fresh_database, empty_database, tmp_path
):
    bindir = harness.bindir()
    guest.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    guest.execute("UPDATE guest SET full_name = 'B'")
    dump = tmp_path / "db.dump"
    env = cluster.env()
    subprocess.run([bindir / "pg_dump", "-Fc", "-d", fresh_database, "-f", dump], env=env, check=True)
    subprocess.run([bindir / "pg_restore", "-d", empty_database, dump], env=env, check=True)
    with psycopg.connect(cluster.conninfo(empty_database), autocommit=True) as restored:
        assert len(log(restored)) == 2
        config = restored.execute("SELECT target::text, columns_excluded FROM wedopt.audit_config").fetchall()
        assert config == [("guest", ["passport_no"])]
        restored.execute("UPDATE guest SET full_name = 'C'")  # the restored triggers still audit
        history = restored.execute(
            "SELECT row_data FROM wedopt.record_history('guest', '{\"id\": 1}')"
        ).fetchall()
        assert [h[0]["full_name"] for h in history] == ["A", "B", "C"]
        ids = [r[0] for r in restored.execute("SELECT id FROM wedopt.audit_log ORDER BY id").fetchall()]
        assert ids == sorted(set(ids))  # the id sequence went on from where it was


def test_upsert_and_merge_are_logged_per_action(guest):
    db = guest
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    db.execute(
        "INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A2'), (2, 1, 'B') "
        "ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name"
    )
    db.execute(
        "MERGE INTO guest g USING (VALUES (2, 'B2'), (3, 'C')) AS s (id, name) ON g.id = s.id "
        "WHEN MATCHED THEN UPDATE SET full_name = s.name "
        "WHEN NOT MATCHED THEN INSERT (id, wedding_id, full_name) VALUES (s.id, 1, s.name)"
    )
    rows = [(r["operation"], r["record_id"]["id"], r["new_values"]) for r in log(db)]
    assert sorted(rows[1:3], key=str) == sorted(
        [("INSERT", 2, None), ("UPDATE", 1, {"full_name": "A2"})], key=str
    )
    assert sorted(rows[3:], key=str) == sorted(
        [("INSERT", 3, None), ("UPDATE", 2, {"full_name": "B2"})], key=str
    )


EVERY_TYPE = """
CREATE DOMAIN public.positive_int AS integer CHECK (VALUE > 0);
CREATE TYPE public.pair AS (a int, b text);
CREATE TABLE public.everything (
    id bigint PRIMARY KEY, i2 smallint, i4 integer, dom public.positive_int, n numeric,
    n_nan numeric, n_inf numeric, f8 double precision, f_nan double precision, t text,
    vc varchar(20), bp char(5), b boolean, d date, ts timestamp, tstz timestamptz, iv interval,
    j json, jb jsonb, arr int[], txt_arr text[], u uuid, addr inet, raw bytea, p public.pair,
    nothing text
)
"""
EVERY_VALUE = (
    "(1, -32768, 2147483647, 7, 12345678901234567890.0100, 'NaN', '-Infinity', 1.5e300, 'NaN', "
    "E'tab\\there \"quoted\" \\\\ é ☃', 'v', 'ab', true, '2026-06-06', '2026-06-06 15:30:00.123456', "
    "'2026-06-06 15:30:00+02', '1 day 2 hours', '{\"k\": [1, 2]}', '{\"k\": {\"z\": null}}', "
    "'{1,2,NULL}', '{a,\"b c\"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.0.0.1/8', "
    "'\\x00ff', ROW(1, 'x'), NULL)"
)


def test_logged_values_are_what_to_jsonb_makes_of_every_type(db):
    """The C trigger builds common types' jsonb itself: it must match to_jsonb() exactly."""
    db.execute(EVERY_TYPE)
    db.execute("SET TimeZone = 'Pacific/Chatham'")  # odd offsets show in timestamptz values
    db.execute("SELECT wedopt.enable_audit('everything')")
    db.execute(f"INSERT INTO everything VALUES {EVERY_VALUE}")
    # Logged values do not depend on the writer's settings: they are to_jsonb() in UTC.
    db.execute("SET TimeZone = 'UTC'")
    db.execute("CREATE TEMP TABLE before AS SELECT to_jsonb(e) AS j FROM everything e")
    db.execute("SET TimeZone = 'Pacific/Chatham'")
    db.execute(
        "UPDATE everything SET i2 = 1, i4 = -2, dom = 8, n = 0.5, n_nan = 1, n_inf = 'Infinity', "
        "f8 = -0.25, f_nan = 'Infinity', t = '', vc = NULL, bp = 'x', b = false, d = '1999-12-31', "
        "ts = '2000-01-01', tstz = '2030-01-01 00:00:00+00', iv = '-3 minutes', j = '[true]', "
        "jb = '\"s\"', arr = '{}', txt_arr = '{NULL}', u = NULL, addr = '::1', raw = '', "
        "p = ROW(NULL, 'y'), nothing = 'something'"
    )
    db.execute("SET TimeZone = 'UTC'")
    db.execute("CREATE TEMP TABLE after AS SELECT to_jsonb(e) AS j FROM everything e")
    db.execute("SET TimeZone = 'Pacific/Chatham'")
    db.execute("DELETE FROM everything")
    checks = db.execute(
        """
        SELECT
            u.old_values = (SELECT j - 'id' FROM before),
            u.new_values = (SELECT j - 'id' FROM after),
            d.old_values = (SELECT j FROM after),
            d.old_values::text = (SELECT j::text FROM after),
            i.record_id = '{"id": 1}'::jsonb
        FROM wedopt.audit_log i, wedopt.audit_log u, wedopt.audit_log d
        WHERE i.operation = 'INSERT' AND u.operation = 'UPDATE' AND d.operation = 'DELETE'
        """
    ).fetchone()
    assert checks == (True, True, True, True, True)


def test_a_change_of_the_stored_value_is_a_change_whatever_equals_says(db):
    """Issue 12 item 7: values the type's = calls equal but that differ are changes."""
    db.execute(
        "CREATE COLLATION public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
    )
    db.execute(
        "CREATE TABLE public.price (id int PRIMARY KEY, amount numeric, label json, name text COLLATE ci, "
        "f float8, span interval, doc jsonb, same text)"
    )
    db.execute("SELECT wedopt.enable_audit('price')")
    db.execute("""INSERT INTO price VALUES (1, 1.0, '{"a":1}', 'Ann', 0, '1 day', '{"n": 1.0}', 'x')""")
    db.execute(
        """UPDATE price SET amount = 1.00, label = '{"a": 1}', name = 'ANN', f = '-0', span = '24 hours', """
        """doc = '{"n": 1.00}', same = 'x'"""
    )
    rows = log(db)
    assert rows[1]["old_values"] == {
        "amount": 1.0,
        "label": {"a": 1},
        "name": "Ann",
        "f": 0,
        "span": "1 day",
        "doc": {"n": 1.0},
    }
    assert rows[1]["new_values"]["name"] == "ANN" and rows[1]["new_values"]["span"] == "24:00:00"
    assert "same" not in rows[1]["new_values"]
    # and the history shows the new stored value, not the old one
    history = db.execute("SELECT row_data FROM wedopt.record_history('price', '{\"id\": 1}')").fetchall()
    assert history[-1][0]["name"] == "ANN" and history[0][0]["name"] == "Ann"


def test_the_trigger_function_refuses_other_uses(db):
    db.execute("CREATE TABLE public.misuse (id int PRIMARY KEY)")
    db.execute(
        "CREATE TRIGGER wrong AFTER INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION wedopt._audit_trigger()"
    )
    clean_error(sql_error(db, "INSERT INTO misuse VALUES (1)"), "39P01")
    db.execute("DROP TRIGGER wrong ON misuse")
    db.execute(
        "CREATE TRIGGER wrong AFTER INSERT ON misuse FOR EACH STATEMENT "
        "EXECUTE FUNCTION wedopt._audit_trigger()"
    )
    clean_error(sql_error(db, "INSERT INTO misuse VALUES (1)"), "39P01")  # no transition table


def test_a_missing_audit_partition_is_a_clear_error(guest):
    db = guest
    for (part,) in db.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'wedopt.audit_log'::regclass"
    ).fetchall():
        db.execute(f"ALTER TABLE wedopt.audit_log DETACH PARTITION {part}")
        db.execute(f"DROP TABLE {part}")
    error = sql_error(db, "INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    clean_error(error, "23514")
    assert "maintain_audit_log" in error.diag.message_hint
    # A partition that is itself partitioned is no place heap_insert() can write to.
    db.execute(
        "CREATE TABLE wedopt.audit_log_odd PARTITION OF wedopt.audit_log DEFAULT "
        "PARTITION BY LIST (operation)"
    )
    db.execute("CREATE TABLE wedopt.audit_log_odd_all PARTITION OF wedopt.audit_log_odd DEFAULT")
    error = sql_error(db, "INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    clean_error(error, "42809")
    db.execute("DROP TABLE wedopt.audit_log_odd")
    db.execute("SELECT * FROM wedopt.maintain_audit_log()")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    assert [r["operation"] for r in log(db)] == ["INSERT"]


def test_statements_larger_than_work_mem_are_logged_whole(guest):
    """Transition tables beyond work_mem spill to disk; every row must still be logged."""
    db = guest
    db.execute("SET work_mem = '64kB'")
    db.execute(
        "INSERT INTO guest (id, wedding_id, full_name, email) "
        "SELECT g, g % 7, 'guest ' || g, repeat('x', 50) FROM generate_series(1, 20000) g"
    )
    db.execute("UPDATE guest SET wedding_id = wedding_id + 1, email = NULL")
    db.execute("DELETE FROM guest WHERE id % 2 = 0")
    counts = db.execute(
        "SELECT operation, count(*), count(DISTINCT record_id), "
        "count(*) FILTER (WHERE operation = 'UPDATE' AND old_values ? 'email' AND new_values ? 'wedding_id') "
        "FROM wedopt.audit_log GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert counts == [
        ("DELETE", 10000, 10000, 0),
        ("INSERT", 20000, 20000, 0),
        ("UPDATE", 20000, 20000, 20000),
    ]


def test_a_log_column_the_trigger_does_not_fill_stops_it(guest):
    """heap_insert() applies no default: a column added to the log must not silently stay NULL."""
    db = guest
    db.execute("ALTER TABLE wedopt.audit_log ADD COLUMN reviewed boolean NOT NULL DEFAULT false")
    error = sql_error(db, "INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    clean_error(error, "XX000")
    assert "columns" in error.diag.message_primary


def test_dropped_columns_and_toasted_values(guest):
    db = guest
    db.execute("ALTER TABLE guest DROP COLUMN meta")  # a dropped column stays in the row layout
    db.execute("ALTER TABLE guest ADD COLUMN notes text")
    big = "wedding notes " * 50_000  # 700 kB: stored out of line in the table and in the log
    db.execute("INSERT INTO guest (id, wedding_id, full_name, notes) VALUES (1, 1, 'A', %s)", [big])
    db.execute("UPDATE guest SET notes = notes || '!' WHERE id = 1")
    db.execute("DELETE FROM guest")
    rows = log(db)
    assert [r["operation"] for r in rows] == ["INSERT", "UPDATE", "DELETE"]
    assert rows[1]["old_values"] == {"notes": big} and rows[1]["new_values"] == {"notes": big + "!"}
    assert rows[2]["old_values"]["notes"] == big + "!" and "meta" not in rows[2]["old_values"]


def test_a_moved_row_dropped_by_its_new_partition_is_still_logged(db):
    """PostgreSQL then hands the UPDATE trigger an old row with no new one: it must be logged."""
    db.execute("CREATE TABLE public.slot (id int PRIMARY KEY, v int) PARTITION BY RANGE (id)")
    db.execute("CREATE TABLE public.slot_a PARTITION OF slot FOR VALUES FROM (0) TO (100)")
    db.execute("CREATE TABLE public.slot_b PARTITION OF slot FOR VALUES FROM (100) TO (200)")
    db.execute(
        "CREATE FUNCTION public.drop_row() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'"
    )
    db.execute("CREATE TRIGGER drop_row BEFORE INSERT ON slot_b FOR EACH ROW EXECUTE FUNCTION drop_row()")
    db.execute("SELECT wedopt.enable_audit('slot')")
    db.execute("INSERT INTO slot VALUES (1, 1), (2, 2)")
    db.execute("UPDATE slot SET id = id + 150, v = v + 10")  # both move; slot_b drops them
    assert db.execute("SELECT count(*) FROM slot").fetchone()[0] == 0
    rows = log(db)
    assert [(r["operation"], r["record_id"], r["old_values"], r["new_values"]) for r in rows[2:]] == [
        ("UPDATE", {"id": 1}, {"id": 1, "v": 1}, None),
        ("UPDATE", {"id": 2}, {"id": 2, "v": 2}, None),
    ]


def test_copy_into_an_audited_table_is_logged(guest):
    db = guest
    with db.cursor().copy("COPY guest (id, wedding_id, full_name, passport_no) FROM STDIN") as copy:
        for n in range(1, 301):
            copy.write_row((n, 1, f"guest {n}", f"P{n}"))
    counts = db.execute(
        "SELECT count(*), count(DISTINCT record_id), bool_and(old_values IS NULL AND new_values IS NULL) "
        "FROM wedopt.audit_log WHERE operation = 'INSERT'"
    ).fetchone()
    assert counts == (300, 300, True)
