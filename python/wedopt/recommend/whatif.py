# ruff: noqa: E501 -- SQL texts and messages read better unbroken
"""What-if planning with hypopg: hypothetical indexes created and dropped one by one (only
wedopt's own: never hypopg_reset()), and statements planned through
wedopt.execute_explain_query() (plain EXPLAIN, a generic plan under a private prepared-statement
name for $n parameters, inside a subtransaction that is rolled back). Use it as a context
manager: whatever happens, every hypothetical index it made is dropped and every index it hid
is shown again when it exits."""

from __future__ import annotations

import json

from ..diagnose import DiagnoseError

MAX_ALIVE = 1000

HYPOPG_HINT = (
    "Install hypopg (Debian: apt-get install postgresql-15-hypopg) and run CREATE EXTENSION hypopg; "
    "wedopt requires it, so CREATE EXTENSION wedopt CASCADE creates it."
)


class PlanError(Exception):
    """A statement could not be planned: its SQLSTATE and message, for an error row."""

    def __init__(self, sqlstate: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message
        self.hint = hint

    @classmethod
    def from_spi(cls, err) -> PlanError:
        """The SQLSTATE, message (without PL/Python's prefixes) and HINT of a plpy.SPIError."""
        message = str(err.args[0] if err.args else err)
        for prefix in ("plpy.Error: ", "spiexceptions."):
            if message.startswith(prefix):
                message = message.split(": ", 1)[-1]
        spidata = getattr(err, "spidata", None) or ()
        hint = spidata[2] if len(spidata) > 2 else None
        return cls(getattr(err, "sqlstate", None) or "XX000", message, hint)


def hypopg_schema(plpy) -> str:
    rows = plpy.execute(
        "SELECT n.nspname FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n "
        "ON n.oid OPERATOR(pg_catalog.=) e.extnamespace WHERE e.extname OPERATOR(pg_catalog.=) 'hypopg'"
    )
    if not rows:
        raise DiagnoseError(
            "42704",
            "wedopt: the index advisor needs the extension hypopg, which is not created here",
            HYPOPG_HINT,
        )
    return rows[0]["nspname"]


def _qi(plpy, name: str) -> str:
    return plpy.quote_ident(name)


class WhatIf:
    def __init__(self, plpy, schema: str):
        self.plpy = plpy
        raw = hypopg_schema(plpy)
        hypo = _qi(plpy, raw)
        self._explain = plpy.prepare(f"SELECT {schema}.execute_explain_query($1)::text AS plan", ["text"])
        self._create = plpy.prepare(
            f"SELECT indexrelid, indexname FROM {hypo}.hypopg_create_index($1)", ["text"]
        )
        self._drop = plpy.prepare(f"SELECT {hypo}.hypopg_drop_index($1)", ["oid"])
        self.can_hide = bool(
            plpy.execute(
                "SELECT 1 FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n "
                "ON n.oid OPERATOR(pg_catalog.=) p.pronamespace WHERE p.proname OPERATOR(pg_catalog.=) "
                f"'hypopg_hide_index' AND n.nspname OPERATOR(pg_catalog.=) {plpy.quote_literal(raw)}"
            )
        )
        self._hidden_before: set[int] = set()
        if self.can_hide:  # hypopg 1.4+
            self._hide = plpy.prepare(f"SELECT {hypo}.hypopg_hide_index($1) AS ok", ["oid"])
            self._unhide = plpy.prepare(f"SELECT {hypo}.hypopg_unhide_index($1)", ["oid"])
            self._hidden_before = {
                r["oid"]
                for r in plpy.execute(f"SELECT h.indexid AS oid FROM {hypo}.hypopg_hidden_indexes() AS h")
            }
        self.alive: dict[int, str] = {}  # oid -> hypothetical index name
        self.hidden: set[int] = set()
        self.created = 0
        self.peak_alive = 0
        self.explains = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        for oid in list(self.alive):
            self.drop(oid)
        for oid in list(self.hidden):
            self.unhide(oid)

    # -- hypothetical indexes
    def create(self, statement: str) -> tuple[int, str]:
        if len(self.alive) >= MAX_ALIVE:
            raise DiagnoseError(
                "54000",
                f"wedopt: the advisor would keep more than {MAX_ALIVE} hypothetical indexes alive",
                "Advise fewer statements at once.",
            )
        try:
            row = self.plpy.execute(self._create, [statement])[0]
        except self.plpy.SPIError as err:
            raise PlanError(
                getattr(err, "sqlstate", None) or "XX000", str(err.args[0] if err.args else err)
            ) from None
        self.alive[row["indexrelid"]] = row["indexname"]
        self.created += 1
        self.peak_alive = max(self.peak_alive, len(self.alive))
        return row["indexrelid"], row["indexname"]

    def drop(self, oid: int) -> None:
        if self.alive.pop(oid, None) is not None:
            self.plpy.execute(self._drop, [oid])

    def hide(self, oid: int) -> bool:
        if oid in self._hidden_before:
            return False  # the caller hid it: leave it so
        ok = self.plpy.execute(self._hide, [oid])[0]["ok"]
        if ok:
            self.hidden.add(oid)
        return bool(ok)

    def unhide(self, oid: int) -> None:
        if oid in self.hidden:
            self.hidden.discard(oid)
            self.plpy.execute(self._unhide, [oid])

    # -- planning
    def plan(self, query: str) -> dict:
        """The EXPLAIN (FORMAT JSON, VERBOSE) plan of one statement, or PlanError."""
        self.explains += 1
        try:
            text = self.plpy.execute(self._explain, [query])[0]["plan"]
        except self.plpy.SPIError as err:
            raise PlanError.from_spi(err) from None
        return json.loads(text)[0]
