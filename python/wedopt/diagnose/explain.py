"""What execute_explain_query needs to know about the caller's text, decided by the lexer."""

from __future__ import annotations

from . import DiagnoseError
from .lexer import LexError, classify, split_statements

ONE_STATEMENT_HINT = (
    "Pass exactly one SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE or WITH statement."
)


def check_statement(query: str, standard_conforming_strings: bool = True) -> dict:
    """statement, command, kind (query / dml), param_count; DiagnoseError for anything else."""
    if query is None or not query.strip():
        raise DiagnoseError("22023", "wedopt: the query is empty", ONE_STATEMENT_HINT)
    try:
        statements = split_statements(query, standard_conforming_strings)
    except LexError as exc:
        raise DiagnoseError(
            "42601", f"wedopt: the query cannot be tokenized: {exc}", ONE_STATEMENT_HINT
        ) from None
    if len(statements) != 1:
        raise DiagnoseError(
            "42601",
            f"wedopt: exactly one statement is expected, the text holds {len(statements)}",
            ONE_STATEMENT_HINT,
        )
    info = classify(statements[0])
    if info["kind"] == "utility":
        raise DiagnoseError(
            "0A000",
            f"wedopt: {info['command']} is a utility statement; only queries and data-modifying "
            "statements can be explained",
            ONE_STATEMENT_HINT
            + " Utility statements (VACUUM, CREATE, DROP, ALTER, COPY, SET, ...) are refused.",
        )
    if info["kind"] == "unknown":
        raise DiagnoseError("42601", "wedopt: not an SQL statement", ONE_STATEMENT_HINT)
    return info


def check_statement_in_server(plpy, query: str) -> list[dict]:
    """Row of wedopt._explain_check(query)."""
    try:
        scs = plpy.execute("SELECT pg_catalog.current_setting('standard_conforming_strings') AS v")[0]["v"]
        return [check_statement(query, scs == "on")]
    except DiagnoseError as err:
        err.raise_in(plpy)
