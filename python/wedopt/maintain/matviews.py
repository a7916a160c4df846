# ruff: noqa: E501, PLR0911, PLR0912, PLR0915 -- SQL texts read better unbroken; advise() is one walk with an exit per reason
"""The materialized-view advisor (wedopt.recommend_matviews()): the heavy aggregate statements
of pg_stat_statements that repeat over slowly changing tables, each with a proposed
CREATE MATERIALIZED VIEW, the unique index that lets REFRESH ... CONCURRENTLY run, and a
register_matview() call with a refresh policy.

What a statement is comes from the server: its kind from PostgreSQL's own parser
(wedopt._parse_statements), its aggregate, group keys and tables from its generic plan
(wedopt.execute_explain_query(), EXPLAIN VERBOSE, read with diagnose.plantree), and the
proposal is checked by the server too: the view is created WITH NO DATA with its unique index
in a subtransaction that is rolled back (so its column names are the server's)."""

from __future__ import annotations

import contextlib
import json

from ..diagnose import DiagnoseError
from ..diagnose.lexer import PUNCT, QIDENT, WORD, LexError, tokenize
from ..diagnose.plantree import build_tree, load_plan
from ..quoting import quote_ident

DEFAULTS = {
    "matview.min_mean_ms": 10.0,
    "matview.max_writes_per_call": 0.5,
    "matview.max_refresh_share": 0.1,
    "matview.max_statements": 100.0,
}
# The columns of wedopt.matview_recommendation, in order (every row carries each one).
COLUMNS = (
    "queryid", "query", "calls", "total_exec_ms", "mean_exec_ms", "source_tables", "source_writes",
    "writes_per_call", "calls_per_hour", "writes_per_hour", "proposed", "matview", "create_statement",
    "unique_index", "index_reason", "refresh_policy", "staleness_limit", "register_statement", "verified",
    "reason", "sqlstate",
)  # fmt: skip
AGGREGATE_NODES = frozenset({"Aggregate", "Group"})
SKIPPED_SCHEMAS = frozenset({"pg_catalog", "information_schema"})
# Staleness limits offered, in minutes: the refresh job runs once a minute (pg_cron 1.4).
STALENESS_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440)
# The statement kinds a view can hold (the server's parser decides; this only pre-filters).
READ_PREFIX = "^[ \\t\\n\\r\\f\\v(]*(select|with|table)\\M"


class _Rollback(Exception):
    """Raised inside the verification subtransaction to roll it back."""


def _eq(a: str, b: str) -> str:
    return f"{a} OPERATOR(pg_catalog.=) {b}"


def read_settings(plpy, schema: str) -> dict:
    settings = dict(DEFAULTS)
    for row in plpy.execute(
        f"SELECT d.name, {schema}.get_setting(d.name) AS value FROM {schema}.setting_default AS d "
        "WHERE d.name OPERATOR(pg_catalog.~~) 'matview.%'"
    ):
        with contextlib.suppress(TypeError, ValueError):
            settings[row["name"]] = float(row["value"])
    return settings


def _extension_schema(plpy, extname: str) -> str | None:
    rows = plpy.execute(
        plpy.prepare(
            "SELECT n.nspname FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n "
            f"ON {_eq('n.oid', 'e.extnamespace')} WHERE {_eq('e.extname', '$1')}",
            ["text"],
        ),
        [extname],
    )
    return rows[0]["nspname"] if rows else None


def _window_hours(plpy, pgss: str) -> float:
    """Hours since pg_stat_statements was last reset (its calls are counted since then)."""
    try:
        row = plpy.execute(
            "SELECT extract(epoch FROM pg_catalog.now() OPERATOR(pg_catalog.-) i.stats_reset)::float8 AS s "
            f"FROM {pgss}.pg_stat_statements_info AS i"
        )[0]
    except plpy.SPIError:
        row = plpy.execute(
            "SELECT extract(epoch FROM pg_catalog.now() OPERATOR(pg_catalog.-) pg_catalog.pg_postmaster_start_time())::float8 AS s"
        )[0]
    return max(float(row["s"] or 0.0), 1.0) / 3600.0


def _key_column(text: str) -> tuple[str | None, str | None] | None:
    """(qualifier, column) when a group key is a bare column reference, else None."""
    try:
        toks = tokenize(text)
    except LexError:
        return None

    def name(tok) -> str | None:
        if tok.kind == WORD:
            return tok.text
        if tok.kind == QIDENT and not tok.text.upper().startswith("U&"):
            return tok.text[1:-1].replace('""', '"')
        return None

    if len(toks) == 1 and name(toks[0]) is not None:
        return None, name(toks[0])
    if (
        len(toks) == 3
        and toks[1].kind == PUNCT
        and toks[1].text == "."
        and name(toks[0]) is not None
        and name(toks[2]) is not None
    ):
        return name(toks[0]), name(toks[2])
    return None


def _same_column(output: str, key: str) -> bool:
    """Whether an Output entry is the group key's column: EXPLAIN qualifies the Group Key with
    the alias and may print the same column bare in Output (one relation)."""
    a, b = _key_column(output), _key_column(key)
    if a is None or b is None:
        return output == key
    return a[1] == b[1] and (a[0] is None or b[0] is None or a[0] == b[0])


def _main_tree(nodes):
    """The nodes outside InitPlans and SubPlans (the statement's own result is made there)."""
    keep, inside = [], set()
    for node in nodes:
        rel = node.data.get("Parent Relationship")
        if node.parent is not None and (node.parent.node_id in inside or rel in ("InitPlan", "SubPlan")):
            inside.add(node.node_id)
            continue
        keep.append(node)
    return keep


def _staleness_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{minutes} minute" + ("s" if minutes != 1 else "")


def suggest_policy(
    calls_per_hour: float, writes_per_hour: float, share: float
) -> tuple[str, str | None, str]:
    """(policy, staleness limit, why). Under source_changed the view is refreshed at most
    once a minute (the job's cadence), and at most once per written row: min(60, writes/h)
    refreshes an hour. Each refresh runs the statement once, so it pays while refreshes stay
    under share x calls: then source_changed; otherwise staleness, whose limit spaces the
    refreshes to that budget (interval would refresh even when nothing changed)."""
    budget = calls_per_hour * share
    refreshes = min(60.0, writes_per_hour)
    if refreshes <= budget:
        return (
            "source_changed",
            None,
            f"at most {refreshes:.3g} refreshes an hour on change (writes), within {share:g} x {calls_per_hour:.3g} calls an hour",
        )
    minutes = 60.0 / budget if budget > 0 else float(STALENESS_STEPS[-1])
    step = next((s for s in STALENESS_STEPS if s >= minutes), STALENESS_STEPS[-1])
    return (
        "staleness",
        _staleness_text(step),
        f"refreshing on every change would run it {refreshes:.3g} times an hour, more than {share:g} x {calls_per_hour:.3g} calls an hour: "
        f"a staleness limit of {_staleness_text(step)} keeps refreshes within that",
    )


class MatviewAdvisor:
    def __init__(self, plpy, schema: str, settings: dict):
        self.plpy = plpy
        self.schema = schema
        self.s = settings
        self.own_schema = _extension_schema(plpy, "wedopt")
        self._explain = plpy.prepare(f"SELECT {schema}.execute_explain_query($1)::text AS plan", ["text"])
        self._parse = plpy.prepare(
            f"SELECT p.node_type, p.command_tag, p.param_count, p.statement, p.inner_node_type "
            f"FROM {schema}._parse_statements($1) AS p ORDER BY p.stmt_no",
            ["text"],
        )
        self._relation = plpy.prepare(
            "SELECT c.oid::int8 AS oid, r.oid::int8 AS root, rn.nspname AS root_schema, r.relname AS root_name, "
            "c.relpersistence::text AS persistence, "
            "coalesce(s.n_tup_ins, 0)::float8 AS ins, coalesce(s.n_tup_upd, 0)::float8 AS upd, "
            "coalesce(s.n_tup_del, 0)::float8 AS del, "
            "EXISTS (SELECT FROM pg_catalog.pg_depend AS d WHERE "
            "d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND "
            "d.objid OPERATOR(pg_catalog.=) r.oid AND d.deptype OPERATOR(pg_catalog.=) 'e') AS extension_member "
            "FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON "
            f"{_eq('n.oid', 'c.relnamespace')} "
            "JOIN pg_catalog.pg_class AS r ON "
            f"{_eq('r.oid', 'coalesce(pg_catalog.pg_partition_root(c.oid), c.oid)')} "
            f"JOIN pg_catalog.pg_namespace AS rn ON {_eq('rn.oid', 'r.relnamespace')} "
            f"LEFT JOIN pg_catalog.pg_stat_all_tables AS s ON {_eq('s.relid', 'c.oid')} "
            f"WHERE {_eq('n.nspname', '$1')} AND {_eq('c.relname', '$2')}",
            ["text", "text"],
        )
        self._columns = plpy.prepare(
            "SELECT a.attname, a.attnotnull FROM pg_catalog.pg_attribute AS a "
            f"WHERE {_eq('a.attrelid', '$1')} AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped",
            ["oid"],
        )
        self._view_columns = plpy.prepare(
            "SELECT a.attname FROM pg_catalog.pg_attribute AS a "
            f"WHERE {_eq('a.attrelid', 'pg_catalog.to_regclass($1)')} AND a.attnum OPERATOR(pg_catalog.>) 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum",
            ["text"],
        )
        self._free = plpy.prepare(f"SELECT {schema}._free_relation_name($1, $2) AS name", ["name", "text"])
        self.in_recovery = bool(plpy.execute("SELECT pg_catalog.pg_is_in_recovery() AS r")[0]["r"])
        self._cols_cache: dict[int, dict[str, bool]] = {}
        self.examined = self.aggregates = 0

    # ---- one statement
    def advise(self, st: dict, hours: float) -> dict | None:
        row = {
            "queryid": st["queryid"],
            "query": st["query"],
            "calls": int(st["calls"]),
            "total_exec_ms": round(float(st["total_ms"]), 3),
            "mean_exec_ms": round(float(st["mean_ms"]), 3),
            "proposed": False,
        }
        self.examined += 1
        plpy = self.plpy
        try:
            parsed = plpy.execute(self._parse, [st["query"]])
        except plpy.SPIError as err:
            return self._error(row, err, "does not parse under this session's settings")
        if len(parsed) != 1 or parsed[0]["node_type"] != "SelectStmt" or parsed[0]["command_tag"] != "SELECT":
            return None  # not one plain SELECT: nothing a view can hold
        statement = parsed[0]["statement"]
        try:
            plan = load_plan(json.loads(plpy.execute(self._explain, [statement])[0]["plan"]))
        except plpy.SPIError as err:
            return self._error(row, err, "cannot be planned here")
        except DiagnoseError as err:
            row.update(sqlstate=err.sqlstate, reason=err.message)
            return row
        nodes = build_tree(plan["Plan"])
        if any(n.node_type == "ModifyTable" for n in nodes):
            return None  # a data-modifying WITH: no view
        scans = [n for n in nodes if n.data.get("Relation Name")]
        if not scans:
            return None  # reads no table
        aggregate = next((n for n in _main_tree(nodes) if n.node_type in AGGREGATE_NODES), None)
        if aggregate is None:
            return None
        relations = {}
        for n in scans:
            key = (n.data.get("Schema"), n.data["Relation Name"])
            if key in relations:
                continue
            found = plpy.execute(self._relation, list(key))
            if not found:
                return self._error_text(row, "42P01", f"relation {key[0]}.{key[1]} of its plan is gone")
            relations[key] = found[0]
        for (nsp, _rel), r in relations.items():
            if (
                nsp in SKIPPED_SCHEMAS
                or nsp.startswith("pg_toast")
                or nsp == self.own_schema
                or r["extension_member"]
            ):
                return None  # system catalogs, wedopt's own and extensions' tables
        self.aggregates += 1
        roots, seen = [], set()
        for r in relations.values():
            if r["root"] not in seen:
                seen.add(r["root"])
                roots.append(r)
        writes = sum(r["ins"] + r["upd"] + r["del"] for r in relations.values())
        calls = max(float(st["calls"]), 1.0)
        writes_per_call = writes / calls
        calls_per_hour = calls / hours
        writes_per_hour = writes_per_call * calls_per_hour
        row.update(
            source_tables=[f"{quote_ident(r['root_schema'])}.{quote_ident(r['root_name'])}" for r in roots],
            source_writes=int(writes),
            writes_per_call=round(writes_per_call, 4),
            calls_per_hour=round(calls_per_hour, 2),
            writes_per_hour=round(writes_per_hour, 2),
        )
        if any(r["persistence"] == "t" for r in relations.values()):
            row["reason"] = "it reads a temporary table: a materialized view cannot"
            return row
        if int(parsed[0]["param_count"] or 0) > 0:
            row["reason"] = (
                f"it has $n parameters (up to ${parsed[0]['param_count']}): pg_stat_statements keeps the text with its "
                "constants replaced and not their values, so no view can hold its filter as is; materialize it by hand "
                "with the constants you use, or without the filter and with its column added to GROUP BY"
            )
            return row
        limit = self.s["matview.max_writes_per_call"]
        if writes_per_call > limit:
            row["reason"] = (
                f"its sources change too fast: {writes_per_call:.3g} rows written per call "
                f"({int(writes)} written, {int(calls)} calls), more than matview.max_writes_per_call ({limit:g}); "
                "a view would be stale or refreshed about as often as it is read"
            )
            return row
        policy, staleness, why = suggest_policy(
            calls_per_hour, writes_per_hour, self.s["matview.max_refresh_share"]
        )
        self._propose(row, statement, plan, nodes, aggregate, scans, relations, roots)
        if row.get("sqlstate"):
            return row
        row["proposed"] = True
        row["refresh_policy"] = policy
        row["staleness_limit"] = staleness
        reg = f"SELECT * FROM {self.schema}.register_matview({_literal(row['matview'])}, '{policy}'"
        if staleness:
            reg += f", p_staleness_limit => '{staleness}'"
        row["register_statement"] = reg + ")"
        slow = (
            f"{writes_per_call:.3g} rows written per call (at most matview.max_writes_per_call = {limit:g}), "
            f"{calls_per_hour:.3g} calls an hour of {float(st['mean_ms']):.3g} ms each"
        )
        row["reason"] = f"heavy aggregate over slowly changing tables: {slow}; policy {policy}: {why}"
        return row

    def _propose(self, row, statement, plan, nodes, aggregate, scans, relations, roots) -> None:  # noqa: PLR0917
        plpy = self.plpy
        first = roots[0]
        # The name follows the statement (its queryid), so a second call proposes the same one.
        base = f"mv_{first['root_name'][:40]}_{int(row['queryid']) & 0xFFFFFFFF:08x}"
        name = plpy.execute(self._free, [first["root_schema"], base])[0]["name"]
        qualified = f"{quote_ident(first['root_schema'])}.{quote_ident(name)}"
        create = f"CREATE MATERIALIZED VIEW {qualified} AS\n{statement.rstrip()}"
        row["matview"] = qualified
        row["create_statement"] = create
        # The assembled DDL is one CREATE MATERIALIZED VIEW of one SELECT, as the server parses it.
        check = plpy.execute(self._parse, [create + "\nWITH NO DATA"])
        if (
            len(check) != 1
            or check[0]["node_type"] != "CreateTableAsStmt"
            or check[0]["inner_node_type"] != "SelectStmt"
        ):
            self._error_text(
                row, "42601", "the proposed CREATE MATERIALIZED VIEW does not parse as one statement"
            )
            return
        keys, why_not = self._key_columns(plan, aggregate, scans, relations, roots)
        row["index_reason"] = why_not
        if self.in_recovery:
            row["verified"] = False
            row["index_reason"] = why_not or (
                "not checked on a standby (the view's column names come from creating it): "
                "on the primary, call recommend_matviews() again"
            )
            return
        output = plan["Plan"].get("Output") or []
        try:
            with plpy.subtransaction():
                plpy.execute(create + "\nWITH NO DATA")
                names = [r["attname"] for r in plpy.execute(self._view_columns, [qualified])]
                if keys is not None:
                    cols, missing = [], []
                    for key in keys:
                        pos = next(
                            (i for i, out in enumerate(output[: len(names)]) if _same_column(out, key)), None
                        )
                        if pos is None:
                            missing.append(key)
                        else:
                            cols.append(names[pos])
                    if missing:
                        row["index_reason"] = (
                            f"group key {', '.join(missing)} is not among the columns it returns: a unique index "
                            "on the view needs every group key in its select list"
                        )
                    elif len(set(cols)) == len(cols):
                        index_name = plpy.execute(self._free, [first["root_schema"], name + "_key"])[0][
                            "name"
                        ]
                        row["unique_index"] = (
                            f"CREATE UNIQUE INDEX {quote_ident(index_name)} ON {qualified} ("
                            + ", ".join(quote_ident(c) for c in cols)
                            + ")"
                        )
                        plpy.execute(row["unique_index"])
                        row["index_reason"] = (
                            f"its group keys {', '.join(keys)} are NOT NULL columns: one row per key, so this "
                            "unique index lets REFRESH MATERIALIZED VIEW CONCURRENTLY run without blocking readers"
                        )
                raise _Rollback
        except _Rollback:
            row["verified"] = True
        except plpy.SPIError as err:
            state = getattr(err, "sqlstate", None) or "XX000"
            if state == "42501":
                row["verified"] = False
                row["unique_index"] = None
                row["index_reason"] = why_not or "not checked: you may not create the view in its schema"
                return
            self._error(row, err, "the proposed view would not be created")

    def _key_columns(self, plan, aggregate, scans, relations, roots) -> tuple[list[str] | None, str | None]:
        """The group keys when a unique index can stand on them, else (None, why not)."""
        data = aggregate.data
        if data.get("Strategy") == "Mixed" or "Grouping Sets" in data or "Group Keys" in data:
            return None, (
                "GROUPING SETS / ROLLUP / CUBE: its rows repeat key values with NULLs in the rolled-up "
                "columns, so no unique index on plain NOT NULL columns holds; it is refreshed plainly"
            )
        keys = data.get("Group Key") or []
        if not keys:
            return None, (
                "no GROUP BY (one row): no key column for a unique index, so REFRESH ... CONCURRENTLY "
                "is not possible; the plain refresh locks readers out only while it runs"
            )
        by_alias = {}
        for n in scans:
            r = relations[(n.data.get("Schema"), n.data["Relation Name"])]
            by_alias.setdefault(n.data.get("Alias") or n.data["Relation Name"], set()).add(r["root"])
        for r in roots:
            by_alias.setdefault(r["root_name"], set()).add(r["root"])
        for key in keys:
            ref = _key_column(key)
            if ref is None:
                return None, (
                    f"group key {key} is an expression: the catalog cannot tell whether it is ever NULL, so "
                    "no unique index is proposed; if it never is, create one on the view's columns of the "
                    "group keys yourself (REFRESH ... CONCURRENTLY needs it)"
                )
            qualifier, column = ref
            owners = by_alias.get(qualifier, set()) if qualifier else set()
            if len(owners) != 1:
                owners = {r["root"] for r in roots if column in self._table_columns(r["root"])}
            if len(owners) != 1:
                return (
                    None,
                    f"cannot tell which table group key {key} comes from, so no unique index is proposed",
                )
            root = next(iter(owners))
            notnull = self._table_columns(root).get(column)
            table = next(
                f"{quote_ident(r['root_schema'])}.{quote_ident(r['root_name'])}"
                for r in roots
                if r["root"] == root
            )
            if notnull is None:
                return None, f"group key {key} is no column of {table}, so no unique index is proposed"
            if not notnull:
                return None, (
                    f"group key {key} is nullable ({table}.{quote_ident(column)} has no NOT NULL): its NULL group "
                    "is a row REFRESH ... CONCURRENTLY cannot match by a unique index, so none is proposed; add "
                    "NOT NULL to the column (then call again), or the view is refreshed plainly"
                )
        return keys, None

    def _table_columns(self, oid: int) -> dict[str, bool]:
        if oid not in self._cols_cache:
            self._cols_cache[oid] = {
                r["attname"]: r["attnotnull"] for r in self.plpy.execute(self._columns, [oid])
            }
        return self._cols_cache[oid]

    def _error(self, row, err, what: str) -> dict:
        message = str(err.args[0] if err.args else err)
        for prefix in ("plpy.Error: ", "spiexceptions."):
            if message.startswith(prefix):
                message = message.split(": ", 1)[-1]
        return self._error_text(row, getattr(err, "sqlstate", None) or "XX000", f"{what}: {message}")

    @staticmethod
    def _error_text(row, sqlstate: str, message: str) -> dict:
        row.update(
            proposed=False, sqlstate=sqlstate, reason=message, create_statement=None, unique_index=None
        )
        row.pop("register_statement", None)
        return row


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def recommend(plpy, schema: str, min_calls: int, limit: int):
    """Rows of wedopt._recommend_matviews()."""
    try:
        settings = read_settings(plpy, schema)
        raw = _extension_schema(plpy, "pg_stat_statements")
        if raw is None:
            raise DiagnoseError(
                "42704",
                "wedopt: the materialized-view advice reads pg_stat_statements, which is not created here",
                "CREATE EXTENSION pg_stat_statements (and preload it in shared_preload_libraries).",
            )
        pgss = quote_ident(raw)
        hours = _window_hours(plpy, pgss)
        # Only statements the caller may plan for their author (_workload_statements: planning
        # folds IMMUTABLE functions with the caller's rights).
        stmts = plpy.execute(
            plpy.prepare(
                "SELECT s.queryid, min(s.query) AS query, sum(s.calls)::float8 AS calls, "
                "sum(s.total_exec_time)::float8 AS total_ms, "
                "(sum(s.total_exec_time) OPERATOR(pg_catalog./) greatest(sum(s.calls), 1))::float8 AS mean_ms "
                f"FROM {schema}._workload_statements(NULL, $4) AS s "
                "WHERE s.toplevel AND s.queryid IS NOT NULL "
                "GROUP BY s.queryid "
                "HAVING sum(s.calls) OPERATOR(pg_catalog.>=) $1 "
                "AND sum(s.total_exec_time) OPERATOR(pg_catalog./) greatest(sum(s.calls), 1) OPERATOR(pg_catalog.>=) $2 "
                "ORDER BY sum(s.total_exec_time) DESC LIMIT $3",
                ["int8", "float8", "int8", "text"],
            ),
            [
                min_calls,
                settings["matview.min_mean_ms"],
                int(settings["matview.max_statements"]),
                READ_PREFIX,
            ],
        )
        adv = MatviewAdvisor(plpy, schema, settings)
        rows = [r for r in (adv.advise(st, hours) for st in stmts) if r is not None]
        rows.sort(key=lambda r: (not r["proposed"], r.get("sqlstate") or "", -r["total_exec_ms"]))
        rows = [{c: r.get(c) for c in COLUMNS} for r in rows[:limit]]
        plpy.notice(
            f"wedopt: recommend_matviews(): {adv.examined} statement(s) examined, {adv.aggregates} aggregate(s) "
            f"over user tables, {sum(1 for r in rows if r['proposed'])} proposed"
        )
        return rows
    except DiagnoseError as err:
        err.raise_in(plpy)
