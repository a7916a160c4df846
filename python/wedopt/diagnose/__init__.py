"""Diagnose: a PostgreSQL-lexical statement splitter (lexer), the plan analyzer (plan)
and query lint (querylint). Pure Python; functions that need the server take plpy."""


class DiagnoseError(Exception):
    """An error for the caller: SQLSTATE, a 'wedopt: ' message and a HINT."""

    def __init__(self, sqlstate: str, message: str, hint: str, detail: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message
        self.hint = hint
        self.detail = detail

    def raise_in(self, plpy):
        kwargs = {"hint": self.hint, "sqlstate": self.sqlstate}
        if self.detail:
            kwargs["detail"] = self.detail
        plpy.error(self.message, **kwargs)


# Defaults of the diagnose.* settings (the moderate column of sql/20_diagnose/40_data/
# diagnose_settings.sql), used when no server is at hand (unit tests, the benchmark baseline).
DEFAULT_SETTINGS = {
    "diagnose.max_query_bytes": 1048576,
    "diagnose.max_plan_bytes": 52428800,
    "diagnose.big_table_rows": 100000,
    "diagnose.removed_rows_share": 0.8,
    "diagnose.removed_rows_min": 1000,
    "diagnose.misestimate_factor": 10,
    "diagnose.misestimate_min_rows": 100,
    "diagnose.nested_loop_min_loops": 1000,
    "diagnose.heap_fetches_min": 1000,
    "diagnose.heap_fetch_share": 0.2,
    "diagnose.jit_share": 0.2,
    "diagnose.large_offset": 1000,
    "diagnose.repeated_loops": 1000,
    "diagnose.planning_share": 0.5,
    "diagnose.planning_min_ms": 10,
    "diagnose.or_chain_length": 3,
}


def read_settings(plpy, schema: str) -> dict:
    """The diagnose.* settings in force, read once per call."""
    settings = dict(DEFAULT_SETTINGS)
    if plpy is None:
        return settings
    rows = plpy.execute(
        f"SELECT d.name, {schema}.get_setting(d.name) AS value FROM {schema}.setting_default AS d "
        "WHERE d.area OPERATOR(pg_catalog.=) 'diagnose'"
    )
    for row in rows:
        try:
            settings[row["name"]] = float(row["value"])
        except (TypeError, ValueError):
            settings[row["name"]] = row["value"]
    return settings
