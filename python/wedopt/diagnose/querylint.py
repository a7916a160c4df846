# ruff: noqa: E501 -- messages and suggestions read better unbroken
"""Query lint: anti-patterns in one SQL statement, each with a suggestion.

In the server, what the text is (exactly one statement, its kind, its target tables and a few
clauses) is decided by PostgreSQL's own parser (wedopt._parse_statements): lint takes every
statement the server accepts. The rules that read expressions (LIKE patterns, functions on
columns, casts, OR chains...) work on a tree from sqlglot's postgres dialect; where sqlglot
cannot read a statement the server accepts, the rules that the server's facts serve still
run (no WHERE on UPDATE/DELETE, SELECT * in a join, large OFFSET) and one finding says in
plain words which rules were not applied. The catalog (through plpy, when given) tells table
sizes, column types and which columns lead an index.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from ..quoting import fold_unquoted, quote_ident, quote_qualified
from . import DEFAULT_SETTINGS, DiagnoseError, read_settings
from .lexer import PG_SPACE, SQL_COMMANDS, WORD, LexError, split_statements

INTEGER_TYPES = frozenset({"smallint", "integer", "bigint"})
NUMERIC_TYPES = INTEGER_TYPES | {"numeric", "real", "double precision"}
TEXT_PREFIXES = ("text", "character", "varchar", "citext", "name")
COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)

NOT_SQL_HINT = "Pass one SQL statement, e.g. SELECT ... FROM ... WHERE ..."
# Statements that are, or hold, a query the tree rules are about.
QUERY_NODES = frozenset({"SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"})
# The rules that need sqlglot's tree, by the name a reader recognizes.
TREE_RULES = (
    "no WHERE on a big table",
    "leading-wildcard LIKE",
    "function on an indexed column",
    "implicit cast",
    "NOT IN (subquery)",
    "OR chains",
    "ORDER BY random()",
)


@dataclass
class ServerFacts:
    """What PostgreSQL's parser says of the statement (a row of wedopt._parse_statements)."""

    node_type: str
    command_tag: str
    relations: list = field(default_factory=list)
    options: list = field(default_factory=list)
    inner_node_type: str | None = None

    def option(self, name: str) -> str | bool | None:
        """True for a bare option, its value for name=value, None when absent."""
        for opt in self.options:
            if opt == name:
                return True
            if opt.startswith(name + "="):
                return opt[len(name) + 1 :]
        return None


@dataclass
class TableInfo:
    name: str
    reltuples: float | None = None
    columns: dict | None = None  # column -> type (format_type)
    leading_indexed: frozenset = frozenset()  # columns that lead an index
    indexed: frozenset = frozenset()  # columns in any index


@dataclass
class LintFinding:
    code: str
    severity: int
    message: str
    suggestion: str | None
    evidence: dict

    def row(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "evidence": json.dumps(self.evidence, sort_keys=True, default=str),
        }


def parse_one(query: str, standard_conforming_strings: bool = True) -> exp.Expression:
    """The one statement of query, parsed; DiagnoseError when it is not exactly one SQL statement."""
    if query is None or not query.strip(PG_SPACE):
        raise DiagnoseError("22023", "wedopt: the query is empty", NOT_SQL_HINT)
    try:
        statements = split_statements(query, standard_conforming_strings)
    except LexError as exc:
        raise DiagnoseError("42601", f"wedopt: the query cannot be tokenized: {exc}", NOT_SQL_HINT) from None
    if len(statements) != 1:
        raise DiagnoseError(
            "42601",
            f"wedopt: exactly one statement is expected, the text holds {len(statements)}",
            "Pass a single statement (a trailing semicolon is fine).",
        )
    stmt = statements[0]
    first = next((t for t in stmt.tokens if t.text != "("), None)
    if first is None or first.kind != WORD or first.upper not in SQL_COMMANDS:
        raise DiagnoseError(
            "42601",
            f"wedopt: not an SQL statement (it starts with {first.text[:40] if first else 'nothing'!r})",
            NOT_SQL_HINT,
        )
    tree = read_tree(stmt.text)
    if tree is None:
        # Without a server there is no PostgreSQL parser to ask whether the text is valid.
        raise DiagnoseError(
            "42601",
            "wedopt: the query could not be read without a server",
            "Lint it with wedopt.lint_query() in the server, where PostgreSQL's own parser reads it.",
        )
    return tree


def read_tree(statement: str) -> exp.Expression | None:
    """sqlglot's tree of one statement, or None where sqlglot cannot read it (whatever it raises)."""
    log = logging.getLogger("sqlglot")
    level = log.level
    log.setLevel(logging.CRITICAL)  # its "falling back to a Command" warnings would reach the server log
    try:
        parsed = [p for p in sqlglot.parse(statement, read="postgres") if p is not None]
    except Exception:  # ParseError, TokenError, and a RecursionError or KeyError on odd input
        return None
    finally:
        log.setLevel(level)
    if len(parsed) != 1 or isinstance(parsed[0], exp.Command):
        return None  # exp.Command: sqlglot kept the text without reading it
    return parsed[0]


def _name(node) -> str:
    """The name PostgreSQL gives an identifier as written: folded to lower case unless quoted."""
    if isinstance(node, exp.Identifier):
        return node.this if node.args.get("quoted") else fold_unquoted(node.this)
    return fold_unquoted(str(node))


def _qualified(table: exp.Table) -> str:
    """schema.table as SQL, each part quoted as quote_ident() would."""
    parts = [table.args.get(k) for k in ("catalog", "db", "this")]
    return quote_qualified(*(_name(p) for p in parts if p is not None and str(p)))


def _column_sql(col: exp.Column) -> str:
    return quote_ident(_name(col.this)) if col.this is not None else "<column>"


class Catalog:
    """Table facts from the server (plpy), cached per call; empty without a server."""

    QUERY = """
        SELECT c.reltuples::float8 AS reltuples,
               (SELECT pg_catalog.json_object_agg(a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
                  FROM pg_catalog.pg_attribute AS a
                 WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid
                   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)::text AS columns,
               (SELECT pg_catalog.array_agg(DISTINCT a.attname::text)
                  FROM pg_catalog.pg_index AS i
                  JOIN pg_catalog.pg_attribute AS a
                    ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
                   AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
                 WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid) AS leading,
               (SELECT pg_catalog.array_agg(DISTINCT a.attname::text)
                  FROM pg_catalog.pg_index AS i
                  JOIN pg_catalog.pg_attribute AS a
                    ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
                   AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey::int2[])
                 WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid) AS indexed
        FROM pg_catalog.pg_class AS c
        WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass($1)
    """

    def __init__(self, plpy):
        self.plpy = plpy
        self.cache: dict[str, TableInfo | None] = {}
        self.prepared = None

    def table(self, name: str) -> TableInfo | None:
        if self.plpy is None:
            return None
        if name not in self.cache:
            if self.prepared is None:
                self.prepared = self.plpy.prepare(self.QUERY, ["text"])
            try:
                rows = self.plpy.execute(self.prepared, [name])
            except Exception:  # an invalid name: no facts
                rows = []
            if rows:
                r = rows[0]
                self.cache[name] = TableInfo(
                    name,
                    r["reltuples"],
                    json.loads(r["columns"]) if r["columns"] else {},
                    frozenset(r["leading"] or ()),
                    frozenset(r["indexed"] or ()),
                )
            else:
                self.cache[name] = None
        return self.cache[name]


class Linter:
    def __init__(self, tree: exp.Expression, settings: dict, catalog: Catalog):
        self.tree = tree
        self.s = settings
        self.catalog = catalog
        self.findings: list[LintFinding] = []
        self.aliases: dict[str, TableInfo | None] = {}
        self.tables: list[tuple[str, TableInfo | None]] = []
        for table in tree.find_all(exp.Table):
            if not table.name:
                continue
            name = _qualified(table)
            info = catalog.table(name)
            self.tables.append((name, info))
            self.aliases[table.alias_or_name] = info
            self.aliases.setdefault(table.name, info)

    def add(self, code, severity, message, suggestion=None, **evidence):
        self.findings.append(LintFinding(code, severity, message, suggestion, evidence))

    def big(self, info: TableInfo | None) -> bool:
        return bool(
            info and info.reltuples is not None and info.reltuples >= self.s["diagnose.big_table_rows"]
        )

    def column_info(self, col: exp.Column) -> tuple[TableInfo | None, str | None]:
        """The table a column belongs to and its type, when the catalog knows."""
        if col.table:
            info = self.aliases.get(col.table)
            return info, (info.columns or {}).get(_name(col.this)) if info else None
        candidates = [i for _, i in self.tables if i and _name(col.this) in (i.columns or {})]
        if len(candidates) == 1:
            return candidates[0], candidates[0].columns[_name(col.this)]
        return None, None

    def run(self) -> list[LintFinding]:
        self.rule_dml_without_where()
        for select in self.tree.find_all(exp.Select):
            self.rule_unbounded_select(select)
            self.rule_star_in_join(select)
            self.rule_order_by_random(select)
            self.rule_offset(select)
        for node in self.tree.find_all(exp.Like, exp.ILike):
            self.rule_leading_wildcard(node)
        for node in self.tree.find_all(*COMPARISONS):
            self.rule_function_on_column(node)
            self.rule_implicit_cast(node)
        for node in self.tree.find_all(exp.Not):
            if isinstance(node.this, exp.In) and node.this.args.get("query") is not None:
                self.add(
                    "not_in_subquery", 50,
                    f"{node.sql(dialect='postgres')[:200]}: NOT IN over a subquery returns no row at all when the "
                    "subquery yields a NULL, and the planner cannot turn it into an anti-join",
                    "Use NOT EXISTS (SELECT 1 FROM ... WHERE inner.col = outer.col) instead",
                    condition=node.sql(dialect="postgres")[:500],
                )  # fmt: skip
        self.rule_or_chains()
        self.findings.sort(key=lambda f: -f.severity)
        return self.findings

    def rule_dml_without_where(self) -> None:
        for node in self.tree.find_all(exp.Update, exp.Delete):
            if node.args.get("where") is not None:
                continue
            table = node.this if isinstance(node.this, exp.Table) else node.find(exp.Table)
            name = _qualified(table) if table else "?"
            self.dml_without_where("UPDATE" if isinstance(node, exp.Update) else "DELETE", name)

    def dml_without_where(self, kind: str, name: str) -> None:
        info = self.catalog.table(name) if name != "?" else None
        rows = f" (~{info.reltuples:,.0f} rows)" if info and info.reltuples and info.reltuples > 0 else ""
        self.add(
            "dml_without_where", 90 if self.big(info) else 75,
            f"{kind} of {name}{rows} has no WHERE clause: it changes every row",
            "Add a WHERE clause; to empty a table on purpose use TRUNCATE" if kind == "DELETE"
            else "Add a WHERE clause limiting the rows to change",
            table=name, reltuples=info.reltuples if info else None,
        )  # fmt: skip

    def rule_unbounded_select(self, select: exp.Select) -> None:
        if select.args.get("where") or select.args.get("limit") or select.args.get("group"):
            return
        if any(isinstance(e, exp.AggFunc) for e in select.find_all(exp.AggFunc)):
            return
        from_ = select.args.get("from_") or select.args.get("from")
        if from_ is None:
            return
        for table in [from_.this] + [j.this for j in select.args.get("joins") or []]:
            if not isinstance(table, exp.Table):
                continue
            info = self.catalog.table(_qualified(table))
            if self.big(info):
                self.add(
                    "no_where_big_table", 55,
                    f"SELECT reads all ~{info.reltuples:,.0f} rows of {info.name}: no WHERE and no LIMIT",
                    "Add a WHERE clause on an indexed column, or a LIMIT (with keyset paging)",
                    table=info.name, reltuples=info.reltuples,
                )  # fmt: skip

    def rule_star_in_join(self, select: exp.Select) -> None:
        if not select.args.get("joins"):
            return
        stars = [
            e
            for e in select.expressions
            if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and e.is_star)
        ]
        if stars:
            self.select_star_join([n for n, _ in self.tables])

    def select_star_join(self, tables: list) -> None:
        self.add(
            "select_star_join", 30,
            "SELECT * in a join returns every column of every joined table (duplicated keys, wide rows, "
            "no index-only scans, breaks when a table gains a column)",
            "List the columns the caller needs",
            tables=tables,
        )  # fmt: skip

    def rule_order_by_random(self, select: exp.Select) -> None:
        order = select.args.get("order")
        if order is None:
            return
        for ordered in order.expressions:
            if isinstance(ordered.this, exp.Rand) or (
                isinstance(ordered.this, exp.Anonymous) and ordered.this.name.lower() == "random"
            ):
                big = any(self.big(i) for _, i in self.tables)
                self.add(
                    "order_by_random", 55 if big else 40,
                    "ORDER BY random() reads and sorts every candidate row to return a few",
                    "Sample with TABLESAMPLE SYSTEM (n) / BERNOULLI (n), or pick random keys: "
                    "WHERE id >= (SELECT floor(random() * max(id)) FROM t) ORDER BY id LIMIT n",
                )  # fmt: skip

    def rule_offset(self, select: exp.Select) -> None:
        offset = select.args.get("offset")
        if offset is None:
            return
        value = offset.expression
        if isinstance(value, exp.Literal) and not value.is_string:
            try:
                n = int(float(value.this))
            except ValueError:
                return
            self.large_offset(n)

    def large_offset(self, n: int) -> None:
        if n >= self.s["diagnose.large_offset"]:
            self.add(
                "large_offset", 45,
                f"OFFSET {n:,}: the server produces and throws away {n:,} rows for every page",
                "Use keyset paging: WHERE (sort_key, id) > (last_sort_key, last_id) ORDER BY sort_key, id LIMIT n",
                offset=n,
            )  # fmt: skip

    def rule_leading_wildcard(self, node: exp.Expression) -> None:
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string and pattern.this[:1] in ("%", "_")):
            return
        col = node.this if isinstance(node.this, exp.Column) else node.this.find(exp.Column)
        info, _ = self.column_info(col) if col is not None else (None, None)
        op = "ILIKE" if isinstance(node, exp.ILike) else "LIKE"
        target = info.name if info else "<table>"
        colname = col.name if col is not None else "<column>"
        colsql = _column_sql(col) if col is not None else "<column>"
        self.add(
            "leading_wildcard_like", 45,
            f"{op} '{pattern.this}' starts with a wildcard: a btree index on {colname} cannot be used;"
            " a trigram index serves it (or full-text search: to_tsvector / tsquery)",
            f"CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX ON {target} USING gin ({colsql} gin_trgm_ops);",
            column=colname, pattern=pattern.this,
        )  # fmt: skip

    def rule_function_on_column(self, node: exp.Expression) -> None:
        for side, other in ((node.this, node.expression), (node.expression, node.this)):
            if isinstance(side, (exp.Column, exp.Literal)) or side is None:
                continue
            if not isinstance(side, (exp.Func, exp.Cast)) or isinstance(side, exp.AggFunc):
                continue
            cols = list(side.find_all(exp.Column))
            if len(cols) != 1 or (other is not None and other.find(exp.Column) is not None):
                continue
            col = cols[0]
            info, _ = self.column_info(col)
            if info is not None and _name(col.this) not in info.indexed:
                continue  # the column has no index for the function to defeat
            expr = side.sql(dialect="postgres")
            target = info.name if info else "<table>"
            self.add(
                "function_on_indexed_column", 50 if info else 35,
                f"{expr} wraps column {col.name}"
                + (" (indexed)" if info else " (if it is indexed)")
                + ": the index on the bare column cannot be used; an index on the expression serves it"
                " (or compare the bare column, e.g. a range instead of date_trunc / ::date)",
                f"CREATE INDEX ON {target} (({_unqualify(side)}));",
                expression=expr, column=col.name, indexed=bool(info),
            )  # fmt: skip

    def rule_implicit_cast(self, node: exp.Expression) -> None:
        left, right = node.this, node.expression
        for col, other in ((left, right), (right, left)):
            if not isinstance(col, exp.Column):
                continue
            info, ctype = self.column_info(col)
            if ctype is None:
                continue
            problem = None
            if isinstance(other, exp.Literal) and not other.is_string:
                if ctype in INTEGER_TYPES and any(ch in str(other.this) for ch in ".eE"):
                    problem = f"{ctype} column {col.name} compared with the numeric {other.this}"
                elif ctype.startswith(TEXT_PREFIXES):
                    problem = f"{ctype} column {col.name} compared with the number {other.this}"
            elif isinstance(other, exp.Column):
                _, otype = self.column_info(other)
                if (
                    otype
                    and otype != ctype
                    and _category(otype) != _category(ctype)
                    or (
                        otype
                        and {ctype, otype} <= NUMERIC_TYPES
                        and (ctype in INTEGER_TYPES) != (otype in INTEGER_TYPES)
                    )
                ):
                    problem = f"{col.name} ({ctype}) compared with {other.name} ({otype})"
            if problem:
                self.add(
                    "implicit_cast", 40,
                    f"{problem}: the column is cast for the comparison and its index cannot be used",
                    "Compare values of the column's own type (write the literal as the column's type, or fix the "
                    "column types so both sides match)",
                    comparison=node.sql(dialect="postgres")[:300], column_type=ctype,
                )  # fmt: skip
                return

    def rule_or_chains(self) -> None:
        for where in self.tree.find_all(exp.Where, exp.Join):
            cond = where.this if isinstance(where, exp.Where) else where.args.get("on")
            if cond is None:
                continue
            for node in cond.find_all(exp.Or):
                if isinstance(node.parent, exp.Or) or (
                    isinstance(node.parent, exp.Paren) and isinstance(node.parent.parent, exp.Or)
                ):
                    continue  # only the top of a chain
                leaves = list(node.flatten())
                if len(leaves) < self.s["diagnose.or_chain_length"]:
                    continue
                columns = {c.sql() for leaf in leaves for c in leaf.find_all(exp.Column)}
                same = len(columns) == 1 and all(isinstance(leaf, exp.EQ) for leaf in leaves)
                self.add(
                    "or_chain", 35 if not same else 25,
                    f"{len(leaves)} conditions joined by OR"
                    + (f" on {next(iter(columns))}" if same else f" over {len(columns)} columns")
                    + ": the planner can use an index only by a BitmapOr of one index per branch, often a seq scan",
                    f"Write {next(iter(columns))} IN (...) / = ANY (array)" if same
                    else "Split into UNION (ALL) of one indexed query per branch, or index each column",
                    branches=len(leaves), columns=sorted(columns),
                )  # fmt: skip


def _category(pgtype: str) -> str:
    if pgtype in NUMERIC_TYPES:
        return "numeric"
    if pgtype.startswith(TEXT_PREFIXES):
        return "text"
    if pgtype.startswith(("timestamp", "date", "time")):
        return "datetime"
    return pgtype


def _unqualify(node: exp.Expression) -> str:
    node = node.copy()
    for col in node.find_all(exp.Column):
        col.set("table", None)
    return node.sql(dialect="postgres")


class FactLinter(Linter):
    """The rules PostgreSQL's parse serves, for a statement sqlglot cannot read."""

    def __init__(self, facts: ServerFacts, settings: dict, catalog: Catalog):
        super().__init__(exp.Anonymous(this="unread"), settings, catalog)
        self.facts = facts

    def run(self) -> list[LintFinding]:
        f = self.facts
        if f.node_type in ("UpdateStmt", "DeleteStmt") and not f.option("where"):
            self.dml_without_where(f.command_tag, f.relations[0] if f.relations else "?")
        if f.node_type == "SelectStmt":
            if f.option("star") and f.option("join"):
                self.select_star_join(list(f.relations))
            offset = f.option("offset")
            if isinstance(offset, str) and offset.isdigit():
                self.large_offset(int(offset))
        if f.node_type in QUERY_NODES or f.inner_node_type in QUERY_NODES:
            self.add(
                "rules_not_applied", 0,
                f"Not every rule could read this {f.command_tag} statement: PostgreSQL accepts it, but "
                "wedopt's reader of SQL expressions does not understand all of it, so these rules were not "
                f"applied: {', '.join(TREE_RULES)}. The checks that PostgreSQL's own parse serves "
                "(no WHERE on UPDATE/DELETE, SELECT * in a join, large OFFSET) were made",
                None,
                statement=f.command_tag, rules_not_applied=list(TREE_RULES),
            )  # fmt: skip
        self.findings.sort(key=lambda x: -x.severity)
        return self.findings


def lint_statement(statement: str, settings: dict, catalog: Catalog, facts: ServerFacts) -> list[LintFinding]:
    """Findings for one statement the server's parser has accepted: never a refusal."""
    tree = read_tree(statement)
    if tree is not None:
        with contextlib.suppress(Exception):  # a rule met a tree shape it does not know: fall back
            return Linter(tree, settings, catalog).run()
    return FactLinter(facts, settings, catalog).run()


def lint(query: str, settings: dict | None = None, catalog: Catalog | None = None) -> list[LintFinding]:
    """Findings for one statement without a server (pure Python: wedopt's lexer, then sqlglot)."""
    tree = parse_one(query)
    return Linter(tree, settings or dict(DEFAULT_SETTINGS), catalog or Catalog(None)).run()


def lint_query(plpy, stmt: dict, schema: str) -> list[dict]:
    """Rows of wedopt._lint_query(): stmt is the one row of wedopt._parse_statements() for the
    caller's text (statement, node_type, command_tag, relations, options, inner_node_type)."""
    facts = ServerFacts(
        stmt["node_type"],
        stmt["command_tag"],
        list(stmt.get("relations") or ()),
        list(stmt.get("options") or ()),
        stmt.get("inner_node_type"),
    )
    settings = read_settings(plpy, schema)
    return [f.row() for f in lint_statement(stmt["statement"], settings, Catalog(plpy), facts)]
