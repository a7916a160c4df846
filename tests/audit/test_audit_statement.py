"""The facts of a statement (who, from where, which transaction, which table, the statement)
are stored once per statement in wedopt.audit_statement; wedopt.audit_log keeps per row only
the record id, operation, deltas and statement_id (issue 12, "Cost"). And every writer of the
two tables is tied to their definitions (issue 13)."""

import re
import subprocess
from pathlib import Path

import pgcluster
import psycopg
import pytest
from expect import clean_error, sql_error
from test_audit import GUEST

ROOT = Path(__file__).resolve().parents[2]

# Statement rows with their log rows, per statement: (table, operations, rows).
PER_STATEMENT = """
SELECT s.table_name, array_agg(DISTINCT a.operation ORDER BY a.operation), count(a.id)
FROM wedopt.audit_statement s
LEFT JOIN wedopt.audit_log a ON a.statement_id = s.id AND a.changed_at = s.changed_at
WHERE s.relid IS NOT NULL
GROUP BY s.id, s.table_name ORDER BY s.id
"""

# Log rows whose statement row is missing, statement rows with no log row.
ORPHANS = """
SELECT
    (SELECT count(*) FROM wedopt.audit_log a WHERE NOT EXISTS (
        SELECT FROM wedopt.audit_statement s WHERE s.id = a.statement_id AND s.changed_at = a.changed_at)),
    (SELECT count(*) FROM wedopt.audit_statement s WHERE NOT EXISTS (
        SELECT FROM wedopt.audit_log a WHERE a.statement_id = s.id AND a.changed_at = s.changed_at))
"""


@pytest.fixture
def guest(db):
    db.execute(GUEST)
    db.execute("SELECT wedopt.enable_audit('public.guest', '{passport_no}', true)")
    return db


def columns(db, table):
    return [
        r[0]
        for r in db.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            [table],
        ).fetchall()
    ]


def test_a_statement_s_facts_are_written_once_not_per_row(guest):
    db = guest
    db.execute("SET application_name = 'planner-app'")
    db.execute("SET app.current_user_id = 'planner-17'")
    db.execute(
        "INSERT INTO guest (id, wedding_id, full_name) "
        "SELECT g, 1, 'guest ' || g FROM generate_series(1, 50) g"
    )
    db.execute("UPDATE guest SET full_name = full_name || '!'")
    # per row: what is the row's own, and a reference to its statement
    assert columns(db, "wedopt.audit_log") == [
        "id",
        "changed_at",
        "statement_id",
        "operation",
        "record_id",
        "old_values",
        "new_values",
    ]
    assert db.execute(PER_STATEMENT).fetchall() == [("guest", ["INSERT"], 50), ("guest", ["UPDATE"], 50)]
    facts = db.execute(
        "SELECT DISTINCT statement_id, relid::regclass::text, table_schema, table_name, changed_by, "
        "session_user_name, application_name, app_user_id, transaction_id IS NOT NULL, "
        "statement LIKE 'UPDATE guest%%' FROM wedopt.audit_trail WHERE operation = 'UPDATE'"
    ).fetchall()
    assert [f[1:] for f in facts] == [
        ("guest", "public", "guest", "postgres", "postgres", "planner-app", "planner-17", True, True)
    ]
    # the view shows the shape audit_log had: every old column, then statement_id
    assert columns(db, "wedopt.audit_trail") == [
        "id",
        "changed_at",
        "relid",
        "table_schema",
        "table_name",
        "operation",
        "record_id",
        "old_values",
        "new_values",
        "changed_by",
        "session_user_name",
        "application_name",
        "client_addr",
        "transaction_id",
        "app_user_id",
        "statement",
        "statement_id",
    ]
    assert db.execute(ORPHANS).fetchone() == (0, 0)
    # a statement row bears the id of its first log row (no sequence of its own)
    first = db.execute(
        "SELECT bool_and(s.id = (SELECT min(a.id) FROM wedopt.audit_log a WHERE a.statement_id = s.id)) "
        "FROM wedopt.audit_statement s"
    ).fetchone()
    assert first == (True,)


def test_statement_rows_go_with_their_transaction_and_savepoints(guest, connect):
    db = guest
    conn = connect(autocommit=False)
    conn.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    conn.execute("SAVEPOINT s")
    conn.execute("UPDATE guest SET full_name = 'B'")
    conn.execute("ROLLBACK TO SAVEPOINT s")
    conn.execute("SAVEPOINT t")
    conn.execute("UPDATE guest SET full_name = 'C'")
    conn.execute("RELEASE SAVEPOINT t")
    conn.execute("DELETE FROM guest")
    conn.commit()
    conn.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (2, 1, 'lost')")
    conn.rollback()
    # an error after the rows were logged takes both back
    conn.execute("CREATE TEMP TABLE boom (x int CHECK (x > 0))")
    conn.commit()
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "WITH i AS (INSERT INTO guest (id, wedding_id, full_name) VALUES (3, 1, 'x') RETURNING 1) "
            "INSERT INTO boom SELECT -1 FROM i"
        )
    conn.rollback()
    assert db.execute(PER_STATEMENT).fetchall() == [
        ("guest", ["INSERT"], 1),
        ("guest", ["UPDATE"], 1),
        ("guest", ["DELETE"], 1),
    ]
    assert db.execute(ORPHANS).fetchone() == (0, 0)
    xids = db.execute("SELECT count(DISTINCT transaction_id) FROM wedopt.audit_statement").fetchone()[0]
    assert xids == 1


def test_several_tables_nested_statements_merge_copy_and_truncate(guest):
    db = guest
    db.execute("CREATE TABLE public.seat (id int PRIMARY KEY, guest_id int, note text)")
    db.execute("SELECT wedopt.enable_audit('public.seat', NULL, true)")
    # a trigger's own statement on another table: its own statement row, under that table
    db.execute(
        "CREATE FUNCTION public.seat_for() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN INSERT INTO seat SELECT id, id, 'auto' FROM new_rows; RETURN NULL; END$$"
    )
    db.execute(
        "CREATE TRIGGER seat_for AFTER INSERT ON guest REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION seat_for()"
    )
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A'), (2, 1, 'B')")
    # one statement writing two tables: a row per table
    db.execute(
        "WITH d AS (DELETE FROM seat WHERE id = 2 RETURNING id) "
        "UPDATE guest SET full_name = 'moved' WHERE id IN (SELECT id FROM d)"
    )
    db.execute("DROP TRIGGER seat_for ON guest")
    db.execute(
        "MERGE INTO guest g USING (VALUES (1, 'merged'), (2, NULL), (3, 'new')) AS v (id, name) "
        "ON g.id = v.id "
        "WHEN MATCHED AND v.name IS NULL THEN DELETE "
        "WHEN MATCHED THEN UPDATE SET full_name = v.name "
        "WHEN NOT MATCHED THEN INSERT (id, wedding_id, full_name) VALUES (v.id, 1, v.name)"
    )
    with db.cursor().copy("COPY seat (id, guest_id) FROM STDIN") as copy:
        for n in range(10, 40):
            copy.write_row((n, 1))
    db.execute("TRUNCATE seat")
    db.execute("CREATE TABLE public.empty (id int PRIMARY KEY)")
    db.execute("SELECT wedopt.enable_audit('public.empty')")
    db.execute("TRUNCATE empty")  # removes nothing: logs nothing, no statement row either
    db.execute("UPDATE empty SET id = 2")
    per_statement = db.execute(PER_STATEMENT).fetchall()
    # the nested statement's trigger fires first, then guest's own (AFTER STATEMENT, by name)
    assert per_statement[:2] == [("seat", ["INSERT"], 2), ("guest", ["INSERT"], 2)], per_statement
    # one statement, two tables: a statement row for each, with the same statement text
    assert sorted(per_statement[2:4]) == [("guest", ["UPDATE"], 1), ("seat", ["DELETE"], 1)], per_statement
    texts = db.execute(
        "SELECT table_name, statement FROM wedopt.audit_statement WHERE statement LIKE 'WITH d AS%'"
    ).fetchall()
    assert sorted(t for t, _ in texts) == ["guest", "seat"] and len({s for _, s in texts}) == 1
    # MERGE fires one statement trigger per action: a statement row for each
    assert sorted(per_statement[4:7]) == [
        ("guest", ["DELETE"], 1),
        ("guest", ["INSERT"], 1),
        ("guest", ["UPDATE"], 1),
    ]
    # COPY is one statement; TRUNCATE of the table is one; the empty table's wrote none
    assert per_statement[7:] == [("seat", ["INSERT"], 30), ("seat", ["TRUNCATE"], 31)], per_statement
    assert db.execute(ORPHANS).fetchone() == (0, 0)


def test_a_truncated_partition_tree_logs_each_partition_s_rows_under_its_table(db):
    db.execute("CREATE TABLE public.bk (id int PRIMARY KEY, v int) PARTITION BY RANGE (id)")
    db.execute("CREATE TABLE public.bk_1 PARTITION OF bk FOR VALUES FROM (0) TO (10)")
    db.execute("SELECT wedopt.enable_audit('bk')")
    db.execute("CREATE TABLE public.bk_2 PARTITION OF bk FOR VALUES FROM (10) TO (20)")  # after enable
    db.execute("INSERT INTO bk VALUES (1, 1), (11, 11)")
    db.execute("TRUNCATE bk")
    # each partition's TRUNCATE trigger logs its rows (bk_2's too, created after enable_audit),
    # under the audited table; the parent's, which removes no row of its own, writes nothing
    assert db.execute(PER_STATEMENT).fetchall()[-2:] == [("bk", ["TRUNCATE"], 1), ("bk", ["TRUNCATE"], 1)]
    assert db.execute(ORPHANS).fetchone() == (0, 0)


def test_maintenance_keeps_both_tables_partitioned_alike_and_drops_them_together(guest):
    db = guest
    db.execute("SET TimeZone = 'UTC'")
    bounds = (
        "SELECT array_agg(lo || '-' || hi ORDER BY lo) FILTER (WHERE NOT is_default), "
        "count(*) FILTER (WHERE is_default) FROM wedopt._partition_bounds(%s)"
    )
    assert (
        db.execute(bounds, ["wedopt.audit_log"]).fetchone()
        == db.execute(bounds, ["wedopt.audit_statement"]).fetchone()
    )
    # every partition of the statement table has its index on id, and the guards
    unindexed = db.execute(
        "SELECT count(*) FROM pg_inherits i WHERE i.inhparent = 'wedopt.audit_statement'::regclass "
        "AND NOT EXISTS (SELECT FROM pg_index x WHERE x.indrelid = i.inhrelid AND x.indkey[0] = 1)"
    ).fetchone()[0]
    assert unindexed == 0
    for old in ("audit_log_p20200101", "audit_statement_p20200101"):
        parent = old.rsplit("_", 1)[0]
        db.execute(
            f"CREATE TABLE wedopt.{old} PARTITION OF wedopt.{parent} "
            "FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')"
        )
    db.execute("SELECT wedopt.set_setting('audit.retention', '90 days')")
    done = db.execute("SELECT * FROM wedopt.maintain_audit_log()").fetchall()
    assert ("dropped", "wedopt.audit_log_p20200101") in done
    assert ("dropped", "wedopt.audit_statement_p20200101") in done
    # the statement rows are audit rows: never changed, not even by the owner
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    (part,) = db.execute("SELECT DISTINCT tableoid::regclass::text FROM wedopt.audit_statement").fetchone()
    for sql in (
        "UPDATE wedopt.audit_statement SET changed_by = 'x'",
        f"DELETE FROM {part}",
        f"TRUNCATE {part}",
    ):
        clean_error(sql_error(db, sql), "42501")


def test_statement_rows_in_the_default_partition_move_out_with_their_log_rows(guest):
    db = guest
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (0, 1, 'first')")
    for parent in ("audit_statement", "audit_log"):
        (current,) = db.execute(f"SELECT DISTINCT tableoid::regclass::text FROM wedopt.{parent}").fetchone()
        db.execute(f"ALTER TABLE wedopt.{parent} DETACH PARTITION {current}")
        db.execute(f"DROP TABLE {current}")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    where = "SELECT DISTINCT tableoid::regclass::text FROM wedopt.{}"
    for parent in ("audit_statement", "audit_log"):
        assert db.execute(where.format(parent)).fetchall() == [(f"wedopt.{parent}_default",)]
    done = db.execute("SELECT * FROM wedopt.maintain_audit_log()").fetchall()
    assert [a for a, _ in done] == ["created", "created", "created"], done  # 2 partitions, 1 index
    for parent in ("audit_statement", "audit_log"):
        (moved_to,) = db.execute(where.format(parent)).fetchall()
        assert moved_to[0] != f"wedopt.{parent}_default"
    history = db.execute("SELECT changed_by, row_data FROM wedopt.record_history('guest', '{\"id\": 1}')")
    assert history.fetchall() == [("postgres", {"id": 1, "wedding_id": 1, "full_name": "A", **NULLS})]


NULLS = {"email": None, "rsvp_at": None, "meta": None}


@pytest.mark.slow
@pytest.mark.local_only
def test_two_phase_commit_keeps_statement_and_log_rows_together(cluster):
    if not isinstance(cluster, pgcluster.Cluster):
        pytest.skip("needs a cluster of its own (max_prepared_transactions)")
    server = pgcluster.create_cluster({"max_prepared_transactions": "4"})
    try:
        with psycopg.connect(server.conninfo(), autocommit=True) as db:
            db.execute("CREATE EXTENSION wedopt CASCADE")
            db.execute(GUEST)
            db.execute("SELECT wedopt.enable_audit('public.guest')")
            for gid, finish in (("keep", "COMMIT PREPARED"), ("drop", "ROLLBACK PREPARED")):
                db.execute("BEGIN")
                db.execute(
                    "INSERT INTO guest (id, wedding_id, full_name) VALUES (%s, 1, %s)",
                    [1 if gid == "keep" else 2, gid],
                )
                db.execute(f"PREPARE TRANSACTION '{gid}'")
                db.execute(f"{finish} '{gid}'")
            assert db.execute(PER_STATEMENT).fetchall() == [("guest", ["INSERT"], 1)]
            assert db.execute(ORPHANS).fetchone() == (0, 0)
    finally:
        server.destroy()


# --- issue 13: every writer of the two tables, tied to their definitions -------------------


def c_shapes():
    """The column tables of src/audit_trigger.c: {array name: [(column, type oid macro, may_be_null)]}."""
    source = (ROOT / "src" / "audit_trigger.c").read_text()
    shapes = {}
    for name in ("statement_columns", "log_columns"):
        body = re.search(rf"AuditColumnShape {name}\[\w+\] = \{{(.*?)\n\}};", source, re.S).group(1)
        shapes[name] = [
            (col, typ, null == "true")
            for col, typ, null in re.findall(r'\{"(\w+)", (\w+), (true|false)\}', body)
        ]
    return shapes


TYPE_MACROS = {"bigint": "INT8OID", "timestamp with time zone": "TIMESTAMPTZOID", "oid": "OIDOID"}
TYPE_MACROS |= {"text": "TEXTOID", "inet": "INETOID", "jsonb": "JSONBOID"}


def test_the_c_writer_s_column_tables_are_the_tables_definitions(db):
    shapes = c_shapes()
    for table, array in (
        ("wedopt.audit_statement", "statement_columns"),
        ("wedopt.audit_log", "log_columns"),
    ):
        catalog = db.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [table],
        ).fetchall()
        # every column, in order, of its type; a NOT NULL column is one the C code always fills
        assert [(n, TYPE_MACROS[t]) for n, t, _ in catalog] == [(c, t) for c, t, _ in shapes[array]], table
        for (name, _, not_null), (_, _, may_be_null) in zip(catalog, shapes[array], strict=True):
            assert not (not_null and may_be_null), (table, name)


def test_every_writer_fills_every_column_it_must(guest, connect):
    """Each writer's rows, column by column from the catalog: only the columns listed here may
    be NULL, each for its reason. A column added to either table is a column every writer must
    fill, or this fails."""
    db = guest
    db.execute("SET application_name = 'writers'")
    db.execute("SET app.current_user_id = 'u1'")
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A'), (2, 1, 'B')")
    db.execute("UPDATE guest SET full_name = 'C' WHERE id = 1")
    db.execute("DELETE FROM guest WHERE id = 2")
    db.execute("TRUNCATE guest")  # the C trigger's TRUNCATE path
    db.execute("SELECT wedopt.set_setting('audit.retention', '1 year')")  # _audit_action via the core hook
    may_be_null = {
        # over a Unix socket the client has no address
        ("INSERT", "audit_statement"): {"client_addr"},
        ("INSERT", "audit_log"): {"old_values", "new_values"},
        ("UPDATE", "audit_statement"): {"client_addr"},
        ("UPDATE", "audit_log"): set(),
        ("DELETE", "audit_statement"): {"client_addr"},
        ("DELETE", "audit_log"): {"new_values"},
        ("TRUNCATE", "audit_statement"): {"client_addr"},
        ("TRUNCATE", "audit_log"): {"new_values"},
        # an action is no table's and no statement's
        ("ACTION", "audit_statement"): {"client_addr", "relid", "table_schema", "table_name", "statement"},
        ("ACTION", "audit_log"): {"old_values"},
    }
    for table in ("audit_statement", "audit_log"):
        cols = columns(db, f"wedopt.{table}")
        alias = "s" if table == "audit_statement" else "a"
        for op in ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "ACTION"):
            nulls = db.execute(
                "SELECT "
                + ", ".join(f"bool_or({alias}.{c} IS NULL)" for c in cols)
                + ", count(*) FROM wedopt.audit_log a JOIN wedopt.audit_statement s "
                "ON s.id = a.statement_id AND s.changed_at = a.changed_at WHERE a.operation = %s",
                [op],
            ).fetchone()
            assert nulls[-1] > 0, op
            null_columns = {c for c, isnull in zip(cols, nulls[:-1], strict=True) if isnull}
            assert null_columns <= may_be_null[(op, table)], (op, table, null_columns)


@pytest.mark.parametrize("table", ["audit_statement", "audit_log"])
def test_a_planted_column_stops_every_writer_cleanly(guest, table):
    db = guest
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    db.execute(f"ALTER TABLE wedopt.{table} ADD COLUMN reviewed boolean NOT NULL DEFAULT false")
    for statement in (
        "INSERT INTO guest (id, wedding_id, full_name) VALUES (2, 1, 'B')",
        "UPDATE guest SET full_name = 'C'",
        "DELETE FROM guest",
        "TRUNCATE guest",
    ):
        error = sql_error(db, statement)
        clean_error(error, "XX000")
        assert f"wedopt.{table}" in error.diag.message_primary and "columns" in error.diag.message_primary
    # the SQL writer names its columns: the default fills the planted one, nothing is left NULL
    db.execute("SELECT wedopt._audit_action('test', 'x')")
    db.execute(f"ALTER TABLE wedopt.{table} ALTER reviewed DROP DEFAULT")
    assert sql_error(db, "SELECT wedopt._audit_action('test', 'x')").diag.sqlstate == "23502"
    assert db.execute("SELECT 1").fetchone() == (1,)


def test_a_statement_column_of_another_type_stops_the_c_writer_cleanly(guest):
    db = guest
    db.execute("ALTER EXTENSION wedopt DROP VIEW wedopt.audit_trail")
    db.execute("DROP VIEW wedopt.audit_trail")
    db.execute("ALTER TABLE wedopt.audit_statement ALTER changed_by TYPE varchar(63)")
    error = sql_error(db, "INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    clean_error(error, "42804")
    assert "audit_statement" in error.diag.message_primary
    db.execute("ALTER TABLE wedopt.audit_statement ALTER changed_by TYPE text")
    db.execute("ALTER TABLE wedopt.audit_statement ALTER relid SET NOT NULL")  # the C code may leave it NULL
    clean_error(sql_error(db, "INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')"), "42804")


def test_core_s_action_hook_without_the_audit_writer_is_a_clear_error(db):
    """Item 4 of issue 13: core calls its hook, _record_action(), which finds the writer at run time."""
    db.execute("SELECT wedopt.set_setting('audit.retention', '1 year')")
    assert db.execute("SELECT count(*) FROM wedopt.audit_trail WHERE operation = 'ACTION'").fetchone() == (1,)
    db.execute("ALTER EXTENSION wedopt DROP FUNCTION wedopt._audit_action(text, text, jsonb)")
    db.execute("DROP FUNCTION wedopt._audit_action(text, text, jsonb)")
    error = sql_error(db, "SELECT wedopt.set_setting('audit.retention', '2 years')")
    clean_error(error, "42883")
    assert db.execute("SELECT wedopt.get_setting('audit.retention')").fetchone() == ("1 year",)


def test_the_trigger_s_cache_follows_the_tables_made_again_in_the_same_session(guest):
    """The C trigger keeps the tables' oids and checked shapes across statements: the
    extension dropped and created again under one session must still be written right."""
    db = guest
    db.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")  # fills the cache
    db.execute("DROP EXTENSION wedopt CASCADE")
    db.execute("CREATE EXTENSION wedopt CASCADE")
    db.execute("SELECT wedopt.enable_audit('public.guest')")
    db.execute("UPDATE guest SET full_name = 'B'")
    assert db.execute(PER_STATEMENT).fetchall() == [("guest", ["UPDATE"], 1)]
    # a column added after the cache was filled is seen at once
    db.execute("ALTER TABLE wedopt.audit_log ADD COLUMN reviewed boolean NOT NULL DEFAULT false")
    clean_error(sql_error(db, "UPDATE guest SET full_name = 'C'"), "XX000")


def test_the_audit_indexes_come_back_from_pg_restore(
    guest, cluster, fresh_database, empty_database, tmp_path
):
    """Each partition's own index (audit_statement's on id, audit_log's hash on record_id with
    audit.record_index on): an index of the extension's parent table would not be restored."""
    guest.execute("SELECT wedopt.set_setting('audit.record_index', 'true')")
    guest.execute("SELECT * FROM wedopt.maintain_audit_log()")
    guest.execute("INSERT INTO guest (id, wedding_id, full_name) VALUES (1, 1, 'A')")
    dump = tmp_path / "db.dump"
    bindir = pgcluster.bindir()
    subprocess.run(
        [bindir / "pg_dump", "-Fc", "-d", fresh_database, "-f", dump], env=cluster.env(), check=True
    )
    restore = subprocess.run(
        [bindir / "pg_restore", "-d", empty_database, dump],
        env=cluster.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert restore.returncode == 0, restore.stderr
    indexes = (
        "SELECT i.inhparent::regclass::text, count(x.indexrelid) FROM pg_inherits i "
        "LEFT JOIN pg_index x ON x.indrelid = i.inhrelid "
        "WHERE i.inhparent IN ('wedopt.audit_log'::regclass, 'wedopt.audit_statement'::regclass) "
        "GROUP BY 1 ORDER BY 1"
    )
    before = guest.execute(indexes).fetchall()
    with psycopg.connect(cluster.conninfo(empty_database), autocommit=True) as restored:
        assert restored.execute(indexes).fetchall() == before
        history = restored.execute("SELECT operation FROM wedopt.record_history('guest', '{\"id\": 1}')")
        assert history.fetchall() == [("INSERT",)]
