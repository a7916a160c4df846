# ruff: noqa: E501 -- SQL texts and plan fixtures read better on one line
"""wedopt.lint_query in the server (catalog-aware), and its parser against PostgreSQL's (pglast)."""

import pglast
import pytest
from conftest import codes
from expect import clean_error, sql_error
from pglast.stream import RawStream
from wedopt.diagnose import DiagnoseError, querylint


@pytest.fixture
def shop(db):
    db.execute("SELECT wedopt.set_setting('diagnose.big_table_rows', '10000')")
    db.execute(
        "CREATE TABLE booking (id int PRIMARY KEY, venue_id int, client_id int, status text, created_at timestamptz)"
    )
    db.execute("CREATE TABLE client (id int PRIMARY KEY, email text, phone text)")
    db.execute("CREATE INDEX ON client (email)")
    db.execute(
        "INSERT INTO booking SELECT i, i % 100, i % 500, 'Confirmed', now() FROM generate_series(1, 20000) i"
    )
    db.execute("INSERT INTO client SELECT i, 'c' || i || '@x.org', '555' || i FROM generate_series(1, 500) i")
    db.execute("ANALYZE booking, client")
    return db


CASES = [
    ("UPDATE booking SET status = 'Cancelled'", "dml_without_where"),
    ("DELETE FROM booking", "dml_without_where"),
    ("SELECT id, status FROM booking", "no_where_big_table"),
    ("SELECT * FROM booking b JOIN client c ON c.id = b.client_id WHERE b.id = 1", "select_star_join"),
    ("SELECT id FROM client WHERE email LIKE '%@x.org'", "leading_wildcard_like"),
    ("SELECT id FROM client WHERE lower(email) = 'c1@x.org'", "function_on_indexed_column"),
    ("SELECT id FROM booking WHERE created_at::date = '2026-06-06'", None),  # not indexed: no finding
    ("SELECT id FROM client WHERE id NOT IN (SELECT client_id FROM booking)", "not_in_subquery"),
    ("SELECT id FROM booking WHERE venue_id = 1 OR client_id = 2 OR status = 'x'", "or_chain"),
    ("SELECT id FROM booking WHERE id = 1.5", "implicit_cast"),
    ("SELECT b.id FROM booking b JOIN client c ON c.phone = b.client_id WHERE b.id = 1", "implicit_cast"),
    ("SELECT id FROM booking WHERE status = 'x' ORDER BY random() LIMIT 5", "order_by_random"),
    ("SELECT id FROM booking WHERE status = 'x' ORDER BY id LIMIT 20 OFFSET 100000", "large_offset"),
]


@pytest.mark.parametrize(("query", "code"), CASES)
def test_each_anti_pattern_is_found(shop, lint, query, code):
    found = codes(lint(shop, query))
    if code is None:
        assert "function_on_indexed_column" not in found
    else:
        assert code in found
        row = [r for r in lint(shop, query) if r["code"] == code][0]
        assert row["message"] and row["suggestion"] and 0 <= row["severity"] <= 100


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("SELECT id FROM client WHERE email LIKE '%@x.org'", "leading_wildcard_like"),
        ("SELECT id FROM client WHERE lower(email) = 'c1@x.org'", "function_on_indexed_column"),
    ],
)
def test_index_suggestions_are_sql_to_run_as_they_are(shop, lint, query, code):
    # A suggestion is executable SQL, nothing appended: the alternative is said in the message.
    row = [r for r in lint(shop, query) if r["code"] == code][0]
    assert "--" not in row["suggestion"] and "(or " in row["message"]
    statements = pglast.parser.parse_sql(row["suggestion"])
    before = shop.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'client'").fetchone()[0]
    for statement in statements:
        shop.execute(RawStream()(statement))
    after = shop.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'client'").fetchone()[0]
    assert after == before + 1


def test_fixed_queries_are_clean(shop, lint):
    for query in (
        "UPDATE booking SET status = 'Cancelled' WHERE id = 7",
        "SELECT id, status FROM booking WHERE venue_id = 3 LIMIT 50",
        "SELECT b.id, c.email FROM booking b JOIN client c ON c.id = b.client_id WHERE b.id = 1",
        "SELECT id FROM client WHERE email = 'c1@x.org'",
        "SELECT id FROM client c WHERE NOT EXISTS (SELECT 1 FROM booking b WHERE b.client_id = c.id)",
        "SELECT id FROM booking WHERE id = 1",
        "SELECT id FROM booking WHERE id > 100000 ORDER BY id LIMIT 20",
        "SELECT count(*) FROM booking",
    ):
        assert lint(shop, query) == [], query


def test_small_table_without_where_is_fine(shop, lint):
    assert "no_where_big_table" not in codes(lint(shop, "SELECT id FROM client"))


def test_lint_sees_the_callers_search_path(shop, lint):
    shop.execute("CREATE SCHEMA app")
    shop.execute("CREATE TABLE app.big AS SELECT i AS id FROM generate_series(1, 20000) i")
    shop.execute("ANALYZE app.big")
    shop.execute("SET search_path = app, public")
    assert "no_where_big_table" in codes(lint(shop, "SELECT id FROM big"))


@pytest.mark.parametrize(
    ("query", "sqlstate"),
    [
        ("", "22023"),
        ("SELECT 1; SELECT 2", "42601"),
        ("hello world", "42601"),
        ("SELECT 'open", "42601"),
        ("SELECT FROM WHERE (", "42601"),
    ],
)
def test_bad_input_gets_a_clean_error(shop, query, sqlstate):
    clean_error(sql_error(shop, "SELECT * FROM wedopt.lint_query(%s)", [query]), sqlstate)


def test_huge_query_is_refused(shop):
    err = sql_error(shop, "SELECT * FROM wedopt.lint_query(%s)", ["SELECT 1 " + " " * (10 * 1024 * 1024)])
    clean_error(err, "54000")


# One entry path: every diagnose function that takes a caller's SQL text refuses the same texts
# with the same SQLSTATE and message (wedopt._one_statement), before any of the text runs.
ENTRY_POINTS = [
    "SELECT * FROM wedopt.lint_query(%s)",
    "SELECT wedopt.execute_explain_query(%s)",
    "SELECT * FROM wedopt.analyze_query(%s)",
]


@pytest.mark.parametrize(
    "query",
    [
        None,
        "",
        " \t\r\n",
        "-- only a comment",
        ";;",
        "SELECT 1; SELECT 2",
        "SELECT 'open",
        "SELECT 1 " + " " * (1 << 21),
    ],
)
def test_every_entry_point_refuses_the_same_texts_alike(shop, query):
    shop.execute("SELECT wedopt.set_setting('diagnose.max_query_bytes', '1048576')")
    seen = set()
    for call in ENTRY_POINTS:
        err = sql_error(shop, call, [query])
        clean_error(err, err.diag.sqlstate)
        assert err.diag.sqlstate != "XX000"
        seen.add((err.diag.sqlstate, err.diag.message_primary))
    assert len(seen) == 1, seen


# Parse acceptance: wedopt's lint parser accepts what PostgreSQL's grammar accepts (on this corpus).
ACCEPTED = [
    "SELECT 1",
    "SELECT a, b FROM t WHERE a = $1 AND b IS NOT NULL",
    "SELECT * FROM t1 LEFT JOIN LATERAL (SELECT * FROM t2 WHERE t2.id = t1.id LIMIT 1) x ON true",
    "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
    "SELECT id FROM booking WHERE created_at >= now() - interval '7 days' ORDER BY created_at DESC LIMIT 10",
    "INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING *",
    "UPDATE t SET a = a + 1 FROM u WHERE u.id = t.id",
    "DELETE FROM t USING u WHERE u.id = t.id",
    "SELECT count(DISTINCT guest_id) FILTER (WHERE status = 'Accepted') FROM rsvp GROUP BY wedding_id",
    "SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t",
    "SELECT a::text, CAST(b AS int), c -> 'k' ->> 'v' FROM t",
    "SELECT $$x;y$$, E'a\\'b', 'it''s'",
    "SELECT * FROM vendor WHERE to_tsvector('english', description) @@ plainto_tsquery('floral')",
    "SELECT id FROM t WHERE a = ANY (ARRAY[1, 2, 3]) AND b BETWEEN 1 AND 5",
    "VALUES (1, 'a'), (2, 'b')",
]
REJECTED = [
    "SELECT FROM WHERE (",
    "SELECT * FROM",
    "UPDATE SET a = 1",
    "SELECT (1",
    "hello world",
    "SELECT 'open",
]


@pytest.mark.parametrize("query", ACCEPTED)
def test_accepts_what_postgresql_accepts(query):
    pglast.parse_sql(query)
    querylint.lint(query)


@pytest.mark.parametrize("query", REJECTED)
def test_rejects_what_postgresql_rejects(query):
    with pytest.raises(pglast.parser.ParseError):
        pglast.parse_sql(query)
    with pytest.raises(DiagnoseError):
        querylint.lint(query)


def test_lint_without_a_server():
    found = {f.code for f in querylint.lint("DELETE FROM t")}
    assert found == {"dml_without_where"}
    found = {f.code for f in querylint.lint("SELECT * FROM a JOIN b ON a.id = b.id WHERE lower(a.x) = 'y'")}
    assert {"select_star_join", "function_on_indexed_column"} <= found
