# ruff: noqa: E501, PLR0912, PLR0915 -- SQL texts read better unbroken; the plan walk and the greedy loop are one loop each
"""Index candidates from what a statement really does, read from its EXPLAIN (VERBOSE) plan:
the predicates of every scan (through diagnose's predicate parser), the join keys, and the
sort and group keys above a scan. Pure Python: no server needed.

A candidate is an index definition (table, key, method, INCLUDE, WHERE) and knows how to say
itself as SQL. The plan analyzer's index suggestions are built here too, so that analyze_query
and the advisor are one engine."""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass, field

from ..diagnose.lexer import NUMBER, PARAM, QIDENT, STRING, WORD, LexError, tokenize
from ..diagnose.plantree import Node, build_tree
from ..diagnose.predicates import (
    Conjunct,
    _columns_in,
    _is_tsvector_expression,
    _split_top,
    _unwrap,
    parse_filter,
)
from ..quoting import quote_ident

RANGE_OPS = frozenset({"<", ">", "<=", ">="})
EQ_OPS = frozenset({"="})
# Catalog schemas: no index can be created there.
SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema", "pg_toast"})
MAX_KEY_COLUMNS = 4
MAX_INCLUDE_COLUMNS = 4


@dataclass(frozen=True)
class Candidate:
    schema: str
    table: str
    keys: tuple[str, ...]  # SQL of each key: a quoted column, "(expression)", "col DESC", "col gin_trgm_ops"
    columns: tuple[str, ...]  # the table columns the keys read (for sizes and coverage)
    method: str = "btree"
    include: tuple[str, ...] = ()
    where: str | None = None
    kind: str = "btree"  # btree, multi-column, partial, covering, expression, gin-fts, gin-trgm, gin-jsonb

    @property
    def relation(self) -> str:
        return (
            f"{quote_ident(self.schema)}.{quote_ident(self.table)}"
            if self.schema
            else quote_ident(self.table)
        )

    @property
    def is_gin(self) -> bool:
        return self.method == "gin"

    def body(self, relation: str | None = None) -> str:
        """ON ... (keys) [INCLUDE (...)] [WHERE ...], the part after the index name."""
        using = f" USING {self.method}" if self.method != "btree" else ""
        sql = f"ON {relation or self.relation}{using} ({', '.join(self.keys)})"
        if self.include:
            sql += f" INCLUDE ({', '.join(quote_ident(c) for c in self.include)})"
        if self.where:
            sql += f" WHERE {self.where}"
        return sql

    def name(self) -> str:
        """A deterministic index name: table_columns_[part_]idx, at most 63 bytes."""
        words = [self.table, *(re.sub(r"\W+", "_", k.split("::")[0]).strip("_") for k in self.keys)]
        if self.kind.startswith("gin"):
            words.append(self.kind.split("-")[1])
        if self.include:
            words += ["incl", *self.include]
        if self.where:
            words.append("part")
        base = "_".join(w for w in words if w).lower() + "_idx"
        if len(base.encode()) > 63:
            digest = hashlib.sha1(self.definition().encode(), usedforsecurity=False).hexdigest()[:8]
            base = base.encode()[:50].decode(errors="ignore").rstrip("_") + "_" + digest + "_idx"
        return base

    def definition(self) -> str:
        """What the index is, for de-duplication (no name, no options)."""
        return f"{self.method} {self.body()}"

    def create_statement(self) -> str:
        """What the advisor recommends: ready to run, idempotent, without blocking writes."""
        return f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote_ident(self.name())} {self.body()};"

    def suggestion(self, relation: str | None = None) -> str:
        """What the plan analyzer suggests (the short form), on the relation as it spelled it."""
        return f"CREATE INDEX {self.body(relation)};"

    def hypothetical_statement(self) -> str:
        """The text hypopg_create_index() takes."""
        return f"CREATE INDEX {self.body()}"

    def widened(self, key: str, column: str) -> Candidate:
        kind = self.kind if self.kind in ("partial", "covering", "expression") else "multi-column"
        return Candidate(
            self.schema,
            self.table,
            (*self.keys, key),
            (*self.columns, column),
            self.method,
            tuple(c for c in self.include if c != column),
            self.where,
            kind,
        )


def merged(old: Candidate, cand: Candidate) -> Candidate | None:
    """One B-tree that serves both: two candidates on one table with the same predicate where
    the keys of one lead the keys of the other (or are the same) become the longer key with the
    union of their INCLUDE columns (the key columns left out). None when they do not share a
    prefix, when the union passes MAX_INCLUDE_COLUMNS, or when the result is just old."""
    if (old.schema, old.table, old.method, old.where) != (cand.schema, cand.table, cand.method, cand.where):
        return None
    if old.method != "btree":
        return None
    short, long_ = (old, cand) if len(old.keys) <= len(cand.keys) else (cand, old)
    if long_.keys[: len(short.keys)] != short.keys:
        return None
    include = tuple(dict.fromkeys(c for c in (*old.include, *cand.include) if c not in long_.columns))
    if len(include) > MAX_INCLUDE_COLUMNS:
        return None
    kind = "covering" if include else long_.kind
    if kind == "covering" and long_.kind in ("partial", "expression"):
        kind = long_.kind
    result = Candidate(old.schema, old.table, long_.keys, long_.columns, old.method, include, old.where, kind)
    return None if result == old or result.definition() == old.definition() else result


@dataclass
class Access:
    """What one statement does to one table (one alias of it)."""

    schema: str
    table: str
    alias: str
    node_types: list[str] = field(default_factory=list)
    eq: list[str] = field(
        default_factory=list
    )  # columns compared for equality (constants, $n, outer columns)
    joins: list[str] = field(default_factory=list)  # join keys (hash, merge and nested-loop conditions)
    eq_constants: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (column, constant, conjunct text)
    ranges: list[str] = field(default_factory=list)
    expressions: list[tuple[str, str, str]] = field(default_factory=list)  # (expression, column, op)
    sort: list[tuple[str, str]] = field(default_factory=list)  # (column, "ASC"/"DESC")
    sort_limited: bool = False
    gin: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, key SQL, column)
    needed: list[str] = field(default_factory=list)  # every column of it the statement reads
    plan_rows: float = 0.0  # per process of a parallel scan: see parallel_divisor
    parallel_divisor: float = 1.0  # what PostgreSQL divides a parallel scan's rows by
    scan_cost: float = 0.0
    scan_node_type: str = ""
    filter_conditions: int = 0


def _add(items: list, value) -> None:
    if value not in items:
        items.append(value)


_QUAL_REF = re.compile(r'(?<![\w$."])("(?:[^"]|"")+"|[^\W\d][\w$]*)\.("(?:[^"]|"")+"|[^\W\d][\w$]*)')


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def qualified_refs(text: str) -> list[tuple[str, str]]:
    """(alias, column) pairs written alias.column in an EXPLAIN VERBOSE text, outside strings."""
    try:
        tokens = tokenize(text)
    except LexError:
        return []
    refs = []
    for i in range(len(tokens) - 2):
        a, dot, b = tokens[i], tokens[i + 1], tokens[i + 2]
        if a.kind in (WORD, QIDENT) and dot.text == "." and b.kind in (WORD, QIDENT):
            if i + 3 < len(tokens) and tokens[i + 3].text in ("(", "."):
                continue  # schema.function( or schema.table.column
            if i > 0 and tokens[i - 1].text == ".":
                continue
            refs.append((_unquote(a.text), _unquote(b.text)))
    return refs


def join_pairs(text: str) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """alias.x = other.y conditions of a join (Hash Cond, Merge Cond, Join Filter, Index Cond)."""
    try:
        tokens = tokenize(text)
    except LexError:
        return []
    pairs = []
    for piece in _split_top(_unwrap(tokens), "AND"):
        # parentheses and relabel casts dropped: (a.x)::text = b.y keeps the names
        names, skip_type = [], False
        for t in _unwrap(piece):
            if t.text == "::":
                skip_type = True
                continue
            if skip_type and t.kind in (WORD, QIDENT):
                continue
            skip_type = False
            if t.text in (".", "=") or t.kind in (WORD, QIDENT):
                names.append(t)
        eq_at = [i for i, t in enumerate(names) if t.text == "="]
        if len(eq_at) != 1:
            continue
        lhs, rhs = names[: eq_at[0]], names[eq_at[0] + 1 :]

        def ref(side):
            if len(side) == 3 and side[1].text == "." and side[0].kind in (WORD, QIDENT):
                return (_unquote(side[0].text), _unquote(side[2].text))
            return None

        left, right = ref(lhs), ref(rhs)
        if left and right and left[0] != right[0]:
            pairs.append((left, right))
    return pairs


_SORT_KEY = re.compile(
    r'^(?P<alias>"(?:[^"]|"")+"|[^\W\d][\w$]*)\.(?P<col>"(?:[^"]|"")+"|[^\W\d][\w$]*)'
    r"(?P<dir>\s+DESC)?(?:\s+NULLS\s+(?:FIRST|LAST))?$"
)


def _constant_text(conj: Conjunct) -> str | None:
    """The constant of 'column = constant' (a literal with or without its cast), else None."""
    try:
        tokens = tokenize(conj.text)
    except LexError:
        return None
    eq = [i for i, t in enumerate(tokens) if t.text == "="]
    if len(eq) != 1:
        return None
    rhs = tokens[eq[0] + 1 :]
    lits = [t for t in rhs if t.kind in (STRING, NUMBER)]
    if len(lits) != 1 or any(t.kind == PARAM for t in rhs):
        return None
    lit = lits[0].text
    if lits[0].kind == STRING:
        return lit[1:-1].replace("''", "'") if lit.startswith("'") else None
    return lit


def _ancestors(node: Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def read_accesses(plan: dict) -> tuple[list[Access], list[tuple[str, str]]]:
    """Per scanned user table (per alias), what the statement does to it; and the catalog
    relations it reads (schema, name), which get no index."""
    nodes = build_tree(plan["Plan"])
    by_alias: dict[str, Access] = {}
    catalog: list[tuple[str, str]] = []
    for node in nodes:
        d = node.data
        rel, schema = d.get("Relation Name"), d.get("Schema")
        if not rel:
            continue
        if schema in SYSTEM_SCHEMAS:
            _add(catalog, (schema, rel))
            continue
        alias = d.get("Alias") or rel
        acc = by_alias.setdefault(alias, Access(schema, rel, alias))
        acc.node_types.append(node.node_type)
        acc.plan_rows += float(d.get("Plan Rows") or 0)
        if d.get("Parallel Aware"):
            workers = next(
                (a.data.get("Workers Planned") for a in _ancestors(node) if a.data.get("Workers Planned")), 0
            )
            # get_parallel_divisor(): the workers, plus the leader's share when it takes part
            acc.parallel_divisor = float(workers) + max(1.0 - 0.3 * float(workers), 0.0) if workers else 1.0
        acc.scan_cost = max(acc.scan_cost, float(d.get("Total Cost") or 0))
        acc.scan_node_type = acc.scan_node_type or node.node_type
        aliases = {alias, rel}
        seen_conj = set()
        for key in ("Index Cond", "Recheck Cond", "Filter"):
            text = d.get(key)
            if not text:
                continue
            for conj in parse_filter(text, aliases):
                if conj.text in seen_conj:
                    continue
                seen_conj.add(conj.text)
                acc.filter_conditions += 1
                _read_conjunct(acc, conj)
        if node.parent is None:  # a scan at the top: its output is what the statement returns
            for out in d.get("Output") or []:
                refs = [c for a, c in qualified_refs(out) if a == alias]
                with contextlib.suppress(LexError):
                    refs += _columns_in(tokenize(out))
                for c in refs:
                    _add(acc.needed, c)
    # references from every other node: outputs, join conditions, sort and group keys
    for node in nodes:
        d = node.data
        texts = []
        if not d.get("Relation Name"):
            texts += d.get("Output") or []
        for key in ("Filter", "Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Join Filter"):
            if d.get(key):
                texts.append(d[key])
        texts += d.get("Sort Key") or []
        texts += d.get("Group Key") or []
        for text in texts:
            for a, c in qualified_refs(text):
                if a in by_alias:
                    _add(by_alias[a].needed, c)
            if len(by_alias) == 1:  # one relation: EXPLAIN VERBOSE does not qualify its columns
                only = next(iter(by_alias.values()))
                try:
                    for c in _columns_in(tokenize(text)):
                        _add(only.needed, c)
                except LexError:
                    pass
        for key in ("Hash Cond", "Merge Cond", "Join Filter", "Index Cond"):
            for left, right in join_pairs(d.get(key) or ""):
                for a, c in (left, right):
                    if a in by_alias:
                        _add(by_alias[a].joins, c)
        for key in ("Sort Key", "Group Key"):
            sort = _read_sort(d.get(key) or [])
            if sort and sort[0] in by_alias:
                acc = by_alias[sort[0]]
                limited = any(a.node_type == "Limit" for a in _ancestors(node))
                if not acc.sort or (limited and not acc.sort_limited):
                    acc.sort = sort[1]
                    acc.sort_limited = limited or key == "Group Key" and acc.sort_limited
    return list(by_alias.values()), catalog


def _read_sort(keys: list[str]) -> tuple[str, list[tuple[str, str]]] | None:
    alias, cols = None, []
    for key in keys:
        m = _SORT_KEY.match(key.strip())
        if not m:
            return None
        a = _unquote(m["alias"])
        if alias is not None and a != alias:
            return None
        alias = a
        cols.append((_unquote(m["col"]), "DESC" if m["dir"] else "ASC"))
    return (alias, cols) if alias else None


_JSONB_CONTAINS = re.compile(r'^\(?("(?:[^"]|"")+"|[^\W\d][\w$]*)\s*@>\s*(.+?)\)?$', re.DOTALL)


def _read_conjunct(acc: Access, conj: Conjunct) -> None:
    if conj.leading_wildcard and conj.column:
        acc.gin.append(("gin-trgm", f"{quote_ident(conj.column)} gin_trgm_ops", conj.column))
        return
    if conj.expression and conj.op == "@@" and _is_tsvector_expression(conj.expression):
        acc.gin.append(("gin-fts", f"({conj.expression})", conj.expression_column))
        return
    if conj.op is None:
        m = _JSONB_CONTAINS.match(conj.text)
        if m and "::jsonb" in m[2]:
            acc.gin.append(("gin-jsonb", quote_ident(_unquote(m[1])), _unquote(m[1])))
        return
    if conj.column:
        if conj.op in EQ_OPS:
            _add(acc.eq, conj.column)
            const = _constant_text(conj)
            if const is not None:
                _add(acc.eq_constants, (conj.column, const, conj.text))
        elif conj.op in RANGE_OPS or conj.op == "~~":
            _add(acc.ranges, conj.column)
    elif conj.expression and conj.expression_column and (conj.op in EQ_OPS or conj.op in RANGE_OPS):
        _add(acc.expressions, (conj.expression, conj.expression_column, conj.op))


def ordered_keys(eq: list[str], ranges: list[str], sort: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Key columns in the order an index serves them: equalities, then one range, then the
    sort (a sort after a range column gains nothing); (key SQL, column) pairs."""
    keys: list[tuple[str, str]] = []
    for col in eq:
        if col not in [c for _, c in keys]:
            keys.append((quote_ident(col), col))
    if ranges:
        col = next((c for c in ranges if c not in [k for _, k in keys]), None)
        if col:
            keys.append((quote_ident(col), col))
    elif sort:
        directions = {d for _, d in sort}
        for col, direction in sort:
            if col in [c for _, c in keys]:
                continue
            # one direction: a btree is read backwards as well; mixed: say each
            sql = quote_ident(col) + (" DESC" if len(directions) > 1 and direction == "DESC" else "")
            keys.append((sql, col))
    return keys[:MAX_KEY_COLUMNS]


def suggestion_for(
    relation_schema, relation_name, conjuncts: list[Conjunct]
) -> tuple[Candidate | None, list[str]]:
    """The plan analyzer's index for a filter: its equality columns, then a range, as one
    candidate (the advisor widens and costs it; the analyzer shows it as is)."""
    eq = [c.column for c in conjuncts if c.column and c.op == "=" and not c.leading_wildcard]
    rng = [
        c.column
        for c in conjuncts
        if c.column and c.op in ("<", ">", "<=", ">=", "~~") and not c.leading_wildcard and c.column not in eq
    ]
    cols = list(dict.fromkeys(eq + rng[:1]))
    if not cols:
        return None, []
    cand = Candidate(
        relation_schema,
        relation_name,
        tuple(quote_ident(c) for c in cols),
        tuple(cols),
        kind="multi-column" if len(cols) > 1 else "btree",
    )
    return cand, cols


def single_key_suggestion(relation: str, key: str, column: str | None, method: str = "btree") -> str:
    """The plan analyzer's suggestion of a one-key index (an expression, a GIN key), spelled by
    the same Candidate the advisor recommends."""
    return Candidate("", "", (key,), (column or "",), method).suggestion(relation)


def candidates_for(acc: Access, selectivity=None) -> list[Candidate]:
    """The candidates one access suggests. selectivity(schema, table, column, constant) gives
    the share of rows a constant equality keeps (None when unknown): selective constants get
    partial indexes."""
    s, t = acc.schema, acc.table
    out: list[Candidate] = []

    def add(cand: Candidate) -> None:
        if cand.keys and cand not in out:
            out.append(cand)

    # Extend's start: every single column the statement filters, joins or sorts on
    for col in [*acc.eq, *acc.joins, *acc.ranges, *(c for c, _ in acc.sort[:1])]:
        add(Candidate(s, t, (quote_ident(col),), (col,)))
    # a join key with the equalities: the inner side of a nested loop
    for col in acc.joins:
        jkeys = ordered_keys([col, *acc.eq], acc.ranges, [])
        if len(jkeys) > 1:
            add(Candidate(s, t, tuple(k for k, _ in jkeys), tuple(c for _, c in jkeys), kind="multi-column"))
    keys = ordered_keys(acc.eq, acc.ranges, acc.sort if (acc.sort_limited or not acc.ranges) else [])
    if len(keys) > 1:
        add(Candidate(s, t, tuple(k for k, _ in keys), tuple(c for _, c in keys), kind="multi-column"))
    # ORDER BY ... LIMIT: equalities then the sort, even when there is a range too
    if acc.sort_limited and acc.sort:
        sort_keys = ordered_keys(acc.eq, [], acc.sort)
        add(
            Candidate(
                s, t, tuple(k for k, _ in sort_keys), tuple(c for _, c in sort_keys), kind="multi-column"
            )
        )
    # covering: the key plus what else the statement reads from the table
    if keys:
        rest = [c for c in acc.needed if c not in [k for _, k in keys]]
        if 0 < len(rest) <= MAX_INCLUDE_COLUMNS:
            add(
                Candidate(
                    s,
                    t,
                    tuple(k for k, _ in keys),
                    tuple(c for _, c in keys),
                    include=tuple(rest),
                    kind="covering",
                )
            )
    # partial: a selective constant equality moves to the WHERE clause
    if selectivity is not None:
        for col, const, text in acc.eq_constants:
            share = selectivity(s, t, col, const)
            if share is None or share > PARTIAL_MAX_SHARE:
                continue
            others = [c for c in acc.eq if c != col]
            pkeys = ordered_keys(others, acc.ranges, acc.sort) or [(quote_ident(col), col)]
            add(
                Candidate(
                    s, t, tuple(k for k, _ in pkeys), tuple(c for _, c in pkeys), where=text, kind="partial"
                )
            )
    # expressions: lower(email), date(ts)
    for expr, col, _op in acc.expressions:
        ekeys = [(f"({expr})", col)] + [(quote_ident(c), c) for c in acc.eq if c != col][
            : MAX_KEY_COLUMNS - 1
        ]
        add(Candidate(s, t, tuple(k for k, _ in ekeys), tuple(c for _, c in ekeys), kind="expression"))
    for kind, key, col in acc.gin:
        add(Candidate(s, t, (key,), (col,), method="gin", kind=kind))
    return out


PARTIAL_MAX_SHARE = 0.2
