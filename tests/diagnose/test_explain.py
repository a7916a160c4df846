"""wedopt.execute_explain_query: one statement, always rolled back, utility refused, roles."""

import json

import pytest
from expect import clean_error, sql_error

EXPLAIN = "SELECT wedopt.execute_explain_query(%s, %s)"


def plan_of(conn, query, analyze=False):
    value = conn.execute(EXPLAIN, [query, analyze]).fetchone()[0]
    return value if isinstance(value, list) else json.loads(value)


@pytest.fixture
def booking(db):
    db.execute("CREATE TABLE booking (id int PRIMARY KEY, venue_id int, status text)")
    db.execute("INSERT INTO booking SELECT i, i % 10, 'Confirmed' FROM generate_series(1, 100) i")
    db.execute("CREATE SEQUENCE audit_seq")
    db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON booking TO wedopt_monitor")
    return db


def test_plain_explain_returns_a_json_plan(booking):
    plan = plan_of(booking, "SELECT * FROM booking WHERE venue_id = 3;")
    assert plan[0]["Plan"]["Node Type"] == "Seq Scan"
    assert "Actual Rows" not in plan[0]["Plan"]
    assert plan[0]["Plan"]["Output"]  # VERBOSE


def test_the_analyze_flag_is_named_with_analyze_needing_no_quotes(booking):
    # "analyze" was a reserved word as a parameter name: callers had to quote it.
    for function in ("execute_explain_query", "analyze_query"):
        args = booking.execute(
            "SELECT pg_get_function_arguments(%s::regproc)", [f"wedopt.{function}"]
        ).fetchone()[0]
        assert args.startswith("query text, with_analyze boolean DEFAULT false"), args
    plan = booking.execute(
        "SELECT wedopt.execute_explain_query('SELECT * FROM booking', with_analyze => true)"
    ).fetchone()[0]
    assert "Actual Rows" in plan[0]["Plan"]


def test_analyze_of_data_modifying_statements_leaves_no_trace(booking):
    before = booking.execute("SELECT count(*), sum(venue_id), max(status) FROM booking").fetchone()
    for query in (
        "INSERT INTO booking SELECT i, 1, 'New' FROM generate_series(1000, 1999) i",
        "UPDATE booking SET status = 'Cancelled', venue_id = venue_id + 100",
        "DELETE FROM booking WHERE id > 10",
        "WITH d AS (DELETE FROM booking RETURNING *) SELECT count(*) FROM d",
    ):
        plan = plan_of(booking, query, True)
        assert plan[0]["Plan"]["Actual Loops"] == 1, query  # it really ran
    # INSERT really inserted 1000 rows inside the subtransaction
    insert = plan_of(
        booking, "INSERT INTO booking SELECT i, 1, 'New' FROM generate_series(1000, 1999) i", True
    )
    assert insert[0]["Plan"]["Plans"][0]["Actual Rows"] == 1000
    after = booking.execute("SELECT count(*), sum(venue_id), max(status) FROM booking").fetchone()
    assert after == before
    assert booking.execute("SELECT count(*) FROM booking WHERE id >= 1000").fetchone()[0] == 0


def test_rollback_also_inside_the_callers_transaction(cluster, fresh_database, booking):
    import psycopg

    with psycopg.connect(cluster.conninfo(fresh_database)) as conn:  # not autocommit
        plan_of(conn, "DELETE FROM booking", True)
        assert conn.execute("SELECT count(*) FROM booking").fetchone()[0] == 100
        conn.commit()
    assert booking.execute("SELECT count(*) FROM booking").fetchone()[0] == 100


@pytest.mark.parametrize(
    "query",
    [
        "VACUUM booking",
        "CREATE TABLE x (a int)",
        "DROP TABLE booking",
        "ALTER TABLE booking ADD COLUMN x int",
        "COPY booking TO STDOUT",
        "SET work_mem = '1GB'",
        "TRUNCATE booking",
        "CREATE INDEX ON booking (status)",
        "GRANT ALL ON booking TO PUBLIC",
        "EXPLAIN SELECT 1",
    ],
)
def test_utility_statements_are_refused(booking, query):
    err = sql_error(booking, EXPLAIN, [query, True])
    clean_error(err, "0A000")
    assert "utility statement" in err.diag.message_primary
    assert booking.execute("SELECT count(*) FROM booking").fetchone()[0] == 100


@pytest.mark.parametrize(
    ("query", "sqlstate"),
    [
        ("SELECT 1; DROP TABLE booking", "42601"),
        ("SELECT 1; SELECT 2;", "42601"),
        ("SELECT ';'; DELETE FROM booking", "42601"),
        ("", "22023"),
        ("   \n ", "22023"),
        ("-- just a comment", "42601"),
        ("SELECT 'unterminated", "42601"),
        ("SELECT $$ unterminated", "42601"),
        ("hello world", "42601"),
        ("SELECT * FROM no_such_table", "42P01"),
    ],
)
def test_bad_input_gets_a_clean_error(booking, query, sqlstate):
    err = sql_error(booking, EXPLAIN, [query, False])
    clean_error(err, sqlstate)
    assert booking.execute("SELECT count(*) FROM booking").fetchone()[0] == 100


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ';' AS x",
        "SELECT $$;$$ AS x",
        "SELECT $t$ '; DROP TABLE booking; ' $t$",
        "SELECT E'\\';' AS x",
        "SELECT 1 /* ; /* nested */ ; */",
        'SELECT 1 AS ";"',
        "SELECT U&'\\0041;' AS x",
        "SELECT 1 -- ; DROP TABLE booking",
    ],
)
def test_one_statement_hiding_semicolons_is_accepted(booking, query):
    plan = plan_of(booking, query, True)
    assert plan[0]["Plan"]["Node Type"] == "Result"


def test_huge_query_is_refused_before_parsing(booking):
    query = "SELECT 1 " + "-" * (10 * 1024 * 1024)
    err = sql_error(booking, EXPLAIN, [query, False])
    clean_error(err, "54000")
    assert "diagnose.max_query_bytes" in err.diag.message_primary


def test_parameters_get_a_generic_plan(booking):
    booking.execute("SET plan_cache_mode = auto")
    plan = plan_of(booking, "SELECT * FROM booking WHERE id = $1 AND status = $2")
    text = json.dumps(plan)
    assert "$1" in text and "$2" in text
    assert plan[0]["Plan"]["Node Type"] == "Index Scan"
    assert booking.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0] == 0
    assert booking.execute("SHOW plan_cache_mode").fetchone()[0] == "auto"
    err = sql_error(booking, EXPLAIN, ["SELECT * FROM booking WHERE id = $1", True])
    clean_error(err, "22023")
    # a failure leaves no prepared statement behind either
    sql_error(booking, EXPLAIN, ["SELECT * FROM nowhere WHERE id = $1", False])
    assert booking.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0] == 0


def test_callers_search_path_resolves_names(db):
    db.execute("CREATE SCHEMA app")
    db.execute("CREATE TABLE app.vendor (id int)")
    db.execute("SET search_path = app")
    plan = plan_of(db, "SELECT * FROM vendor")
    assert plan[0]["Plan"]["Relation Name"] == "vendor"


def test_only_admin_may_analyze(connect, booking):
    monitor = connect("wedopt_test_monitor")
    assert plan_of(monitor, "SELECT * FROM booking")[0]["Plan"]["Node Type"] == "Seq Scan"
    err = sql_error(monitor, EXPLAIN, ["SELECT * FROM booking", True])
    clean_error(err, "42501")
    booking.execute("GRANT SELECT, DELETE ON booking TO wedopt_admin")
    admin = connect("wedopt_test_admin")
    plan = plan_of(admin, "DELETE FROM booking", True)
    assert plan[0]["Plan"]["Plans"][0]["Actual Rows"] == 100
    assert booking.execute("SELECT count(*) FROM booking").fetchone()[0] == 100
    nobody = connect("wedopt_test_nobody")
    assert sql_error(nobody, EXPLAIN, ["SELECT 1", False]).diag.sqlstate == "42501"


def test_timeout_bounds_lock_waits(connect, booking):
    holder = connect(autocommit=False)
    holder.execute("LOCK TABLE booking IN ACCESS EXCLUSIVE MODE")
    try:
        err = sql_error(
            booking,
            "SELECT wedopt.execute_explain_query(%s, true, '200ms')",
            ["UPDATE booking SET status = 'x'"],
        )
        clean_error(err, "55P03")
    finally:
        holder.rollback()
    assert booking.execute("SHOW lock_timeout").fetchone()[0] == "0"


@pytest.mark.parametrize("user", ["wedopt_test_admin", "postgres"])
def test_hostile_search_path_cannot_hijack_the_caller_sql_functions(connect, booking, user):
    """These functions cannot pin search_path; operators planted first on it are not used."""
    owner = connect()
    owner.execute("CREATE SCHEMA trap")
    owner.execute("GRANT USAGE ON SCHEMA trap TO PUBLIC")
    owner.execute(
        "CREATE FUNCTION trap.hijack(text, text) RETURNS text LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'hijacked'; END $$"
    )
    owner.execute(
        "CREATE FUNCTION trap.hijack_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'hijacked'; END $$"
    )
    owner.execute("CREATE OPERATOR trap.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.hijack)")
    owner.execute("CREATE OPERATOR trap.= (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.hijack_eq)")
    owner.execute("CREATE OPERATOR trap.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.hijack_eq)")
    booking.execute("GRANT SELECT, DELETE ON booking TO wedopt_admin")
    conn = connect(user)
    conn.execute("SET search_path = trap, public, pg_catalog")
    assert plan_of(conn, "SELECT * FROM booking WHERE id = $1")[0]["Plan"]["Node Type"] == "Index Scan"
    assert plan_of(conn, "DELETE FROM booking", True)[0]["Plan"]["Operation"] == "Delete"
    clean_error(sql_error(conn, EXPLAIN, ["SELECT * FROM nowhere", False]), "42P01")
    assert (
        conn.execute("SELECT count(*) FROM wedopt.analyze_query('SELECT * FROM booking')").fetchone()[0] >= 0
    )
    assert conn.execute("SELECT count(*) FROM wedopt.lint_query('DELETE FROM booking')").fetchone()[0] == 1
