"""Assertions shared by the SQL tests."""

import psycopg
import pytest


def sql_error(conn, sql, params=None) -> psycopg.Error:
    """Run sql expecting an error and return it, for asserts on sqlstate, message and hint."""
    with pytest.raises(psycopg.Error) as info:
        conn.execute(sql, params)
    return info.value


def clean_error(err: psycopg.Error, sqlstate: str, starts_with: str = "wedopt: ") -> None:
    """The error carries the SQLSTATE, a 'wedopt: ' message without a Python prefix, and a HINT."""
    diag = err.diag
    assert diag.sqlstate == sqlstate, (diag.sqlstate, diag.message_primary)
    assert diag.message_primary.startswith(starts_with), diag.message_primary
    assert "plpy." not in diag.message_primary and "spiexceptions" not in diag.message_primary
    assert "Traceback" not in (diag.context or "")
    assert diag.message_hint, "a HINT is expected"
