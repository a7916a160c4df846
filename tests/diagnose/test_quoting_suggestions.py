# ruff: noqa: E501 -- SQL texts read better on one line
"""Suggestions name tables and columns so that they run: every reserved keyword as a table and
a column name (issue 11, item 4)."""

import pglast
import pytest


@pytest.fixture
def keywords(db):
    db.execute("SELECT wedopt.set_setting('diagnose.big_table_rows', '1000')")
    return [
        w
        for (w,) in db.execute(
            "SELECT word FROM pg_get_keywords() WHERE catcode = 'R' ORDER BY word"
        ).fetchall()
    ]


def _suggestions(conn, sql, params, code):
    rows = conn.execute(sql, params).fetchall()
    return [s for c, s in rows if c == code and s]


def test_every_reserved_keyword_as_table_and_column(db, keywords):
    assert len(keywords) >= 70  # PostgreSQL 15 has 77
    failures = []
    for kw in keywords:
        t = db.execute("SELECT quote_ident(%s)", [kw]).fetchone()[0]
        db.execute(f"CREATE TABLE {t} ({t} int, note text)")
        db.execute(f"INSERT INTO {t} SELECT i, 'n' || i FROM generate_series(1, 2000) i")
        db.execute(f"ANALYZE {t}")
        query = f"SELECT * FROM {t} WHERE {t} = 5 AND note = 'n5'"
        plan_sql = _suggestions(
            db, "SELECT code, suggestion FROM wedopt.analyze_query(%s, true)", [query], "seq_scan_filter"
        )
        lint_sql = _suggestions(
            db,
            "SELECT code, suggestion FROM wedopt.lint_query(%s)",
            [f"DELETE FROM {t}"],
            "dml_without_where",
        )
        if not plan_sql:
            failures.append((kw, "no index suggestion"))
            continue
        for suggestion in plan_sql:
            try:
                pglast.parse_sql(suggestion)  # client-side, PostgreSQL's grammar
                db.execute(suggestion)  # and it runs
            except Exception as exc:  # noqa: BLE001 -- every failing keyword is reported
                failures.append((kw, suggestion, str(exc).splitlines()[0]))
        indexed = db.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE i.indrelid = %s::regclass AND a.attname = %s",
            [f"public.{t}", kw],
        ).fetchone()[0]
        if indexed != 1:
            failures.append((kw, "the suggested index does not lead with the column", plan_sql))
        if not lint_sql:
            failures.append((kw, "lint found no DELETE without WHERE"))
        db.execute(f"DROP TABLE {t}")
    assert not failures, failures[:10]


def test_lint_suggestions_quote_keyword_names(db):
    db.execute('CREATE TABLE "order" ("user" text, "select" int)')
    db.execute('CREATE INDEX ON "order" ("user")')
    db.execute("INSERT INTO \"order\" SELECT 'u' || i, i FROM generate_series(1, 100) i")
    db.execute('ANALYZE "order"')
    rows = db.execute(
        "SELECT code, suggestion FROM wedopt.lint_query(%s)",
        ['SELECT "select" FROM "order" WHERE "user" LIKE \'%x\' OR lower("user") = \'u1\' OR "select" = 3'],
    ).fetchall()
    found = {c: s for c, s in rows}
    assert 'CREATE INDEX ON "order" USING gin ("user" gin_trgm_ops);' in found["leading_wildcard_like"]
    for code in ("leading_wildcard_like", "function_on_indexed_column"):
        sql = found[code].split("  --")[0]
        pglast.parse_sql(sql)
        for statement in pglast.split(sql):
            db.execute(statement)
