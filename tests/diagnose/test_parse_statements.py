"""wedopt._parse_statements: PostgreSQL's own parser, from SQL (src/parse_statements.c)."""

import psycopg
import pytest

ROWS = "SELECT * FROM wedopt._parse_statements(%s) ORDER BY stmt_no"


def parse(conn, text):
    cur = conn.execute(ROWS, [text])
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_statements_kinds_and_exact_slices(db):
    text = (
        'select $1, $3 ; CREATE INDEX CONCURRENTLY IF NOT EXISTS "x y" ON public."Tab" USING btree (a);'
        " /* c */ VACUUM (ANALYZE, verbose false) t1, s.t2; explain (analyze) select 'é$1' -- end"
    )
    rows = parse(db, text)
    assert [r["node_type"] for r in rows] == ["SelectStmt", "IndexStmt", "VacuumStmt", "ExplainStmt"]
    assert [r["command_tag"] for r in rows] == ["SELECT", "CREATE INDEX", "VACUUM", "EXPLAIN"]
    for r in rows:  # characters, not bytes: é counts one
        assert text[r["location"] : r["location"] + r["length"]] == r["statement"]
    assert rows[0]["param_count"] == 3 and rows[3]["param_count"] == 0  # '$1' is in a string
    assert rows[1]["relations"] == ['public."Tab"'] and rows[1]["concurrent"] is True
    assert set(rows[1]["options"]) == {"if_not_exists", "using=btree", 'name="x y"'}
    assert rows[2]["relations"] == ["t1", "s.t2"] and rows[2]["options"] == ["analyze", "verbose=false"]
    assert rows[3]["inner_node_type"] == "SelectStmt" and rows[3]["options"] == ["analyze"]
    assert rows[3]["statement"].endswith("-- end")


def test_facts_the_admin_sandbox_needs(db):
    rows = parse(
        db,
        "REINDEX TABLE CONCURRENTLY a.b; DROP INDEX CONCURRENTLY IF EXISTS a.i, j; "
        "REFRESH MATERIALIZED VIEW CONCURRENTLY mv; CLUSTER t USING i; ALTER TABLE t SET (fillfactor = 70); "
        "CREATE STATISTICS s ON a, b FROM t; ANALYZE t(a); CREATE INDEX ON t (a); "
        "COPY t FROM PROGRAM 'x'; DO $$ BEGIN END $$",
    )
    facts = [(r["node_type"], r["relations"], r["concurrent"]) for r in rows]
    assert facts == [
        ("ReindexStmt", ["a.b"], True),
        ("DropStmt", ["a.i", "j"], True),
        ("RefreshMatViewStmt", ["mv"], True),
        ("ClusterStmt", ["t"], None),
        ("AlterTableStmt", ["t"], None),
        ("CreateStatsStmt", ["t"], None),
        ("VacuumStmt", ["t"], None),
        ("IndexStmt", ["t"], False),
        ("CopyStmt", ["t"], None),
        ("DoStmt", [], None),
    ]
    assert rows[6]["command_tag"] == "ANALYZE" and "program" in rows[8]["options"]


def test_select_update_delete_clauses(db):
    rows = parse(
        db,
        "SELECT * FROM a JOIN s.b ON true, c WHERE x LIMIT 3 OFFSET 100000; DELETE FROM t; "
        "UPDATE t SET a = 1 WHERE b; SELECT 1 UNION SELECT 2; VALUES (1)",
    )
    assert rows[0]["relations"] == ["a", "s.b", "c"]
    assert set(rows[0]["options"]) == {"where", "limit", "offset=100000", "join", "star"}
    assert rows[1]["options"] == [] and rows[2]["options"] == ["where"]
    assert rows[3]["options"] == ["set_operation"] and rows[4]["options"] == ["values"]


def test_empty_texts_have_no_statement(db):
    for text in ("", ";;", "  -- only a comment", "/* ; */ ;"):
        assert parse(db, text) == [], text


def test_syntax_errors_are_the_servers_own_with_their_position(db):
    with pytest.raises(psycopg.errors.SyntaxError) as err:
        parse(db, "SELECT 1 FROM WHERE")
    assert err.value.diag.sqlstate == "42601"
    assert err.value.diag.message_primary == 'syntax error at or near "WHERE"'
    assert err.value.diag.internal_position == "15" and err.value.diag.internal_query == "SELECT 1 FROM WHERE"
    with pytest.raises(psycopg.errors.SyntaxError):
        parse(db, "SELECT 'open")


def test_the_sessions_settings_decide(db):
    text = "SELECT 'a\\'; SELECT 2; --'"
    assert len(parse(db, text)) == 2  # standard_conforming_strings on: the backslash is a character
    db.execute("SET standard_conforming_strings = off")
    assert len(parse(db, text)) == 1
    db.execute("SET backslash_quote = off")
    with pytest.raises(psycopg.Error) as err:  # the server's scanner refuses \' then
        parse(db, text)
    assert err.value.diag.sqlstate == "22P06"


def test_odd_inputs_are_errors_or_rows_never_a_crash(db):
    deep = "SELECT " + "(" * 5000 + "1" + ")" * 5000
    odd = [deep, "SELECT " + "1," * 20000 + "1", "\x01", "SELECT \U0001f600", "$1", "'", '"', "/*", "$$"]
    for text in odd:
        try:
            with db.transaction():
                parse(db, text)
        except psycopg.Error as exc:
            assert exc.diag.sqlstate in ("42601", "54001", "22P06", "42P02"), (text[:40], exc.diag.sqlstate)
    assert db.execute("SELECT 1").fetchone() == (1,)  # the backend is still there


def test_monitor_may_parse_public_may_not(connect):
    monitor = connect("wedopt_test_monitor")
    assert monitor.execute("SELECT count(*) FROM wedopt._parse_statements('SELECT 1')").fetchone() == (1,)
    nobody = connect("wedopt_test_nobody")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        nobody.execute("SELECT wedopt._parse_statements('SELECT 1')")
