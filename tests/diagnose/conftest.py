"""Fixtures of the diagnose tests: run wedopt.analyze_query / lint_query and get rows as dicts."""

import pglast
import pytest


def assert_executable_suggestions(rows):
    """Every suggestion is SQL a caller can run as is: it parses, and carries no trailing comment."""
    for r in rows:
        if r.get("suggestion") is not None:
            assert "--" not in r["suggestion"], r
            assert pglast.parse_sql(r["suggestion"]), r


def _rows(conn, sql, params):
    cur = conn.execute(sql, params)
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture
def findings():
    """findings(conn, query, analyze=True) -> rows of wedopt.analyze_query, as dicts."""

    def _findings(conn, query, analyze=True):
        rows = _rows(conn, "SELECT * FROM wedopt.analyze_query(%s, %s)", [query, analyze])
        assert_executable_suggestions(rows)
        return rows

    return _findings


@pytest.fixture
def lint():
    def _lint(conn, query):
        return _rows(conn, "SELECT * FROM wedopt.lint_query(%s)", [query])

    return _lint


def codes(rows):
    return {r["code"] for r in rows}
