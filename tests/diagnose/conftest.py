"""Fixtures of the diagnose tests: run wedopt.analyze_query / lint_query and get rows as dicts."""

import pytest


def _rows(conn, sql, params):
    cur = conn.execute(sql, params)
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture
def findings():
    """findings(conn, query, analyze=True) -> rows of wedopt.analyze_query, as dicts."""

    def _findings(conn, query, analyze=True):
        return _rows(conn, "SELECT * FROM wedopt.analyze_query(%s, %s)", [query, analyze])

    return _findings


@pytest.fixture
def lint():
    def _lint(conn, query):
        return _rows(conn, "SELECT * FROM wedopt.lint_query(%s)", [query])

    return _lint


def codes(rows):
    return {r["code"] for r in rows}
