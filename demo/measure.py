"""The workload, and the before/after machinery: time each query, apply a list of
CREATE INDEX statements (from wedopt's findings or any other source), time them again."""

from __future__ import annotations

import datetime
import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from demo import data

DEMO_DIR = Path(__file__).resolve().parent
WORKLOAD_SQL = DEMO_DIR / "workload.sql"
REFERENCE_INDEXES_SQL = DEMO_DIR / "reference_indexes.sql"

_CREATE_INDEX = re.compile(
    r"^CREATE\s+(?P<unique>UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(IF\s+NOT\s+EXISTS\s+)?"
    r"(?P<name>(?!ON\b)\S+\s+)?ON\s+(ONLY\s+)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class Query:
    name: str
    description: str
    sql: str


@dataclass
class Timing:
    median_ms: float
    cost: float
    rows: int


@dataclass
class Applied:
    statement: str
    ok: bool
    seconds: float = 0.0
    error: str = ""


@dataclass
class Comparison:
    applied: list[Applied]
    before: dict[str, Timing]
    after: dict[str, Timing]
    rows: list[list] = field(default_factory=list)


AS_OF_PLACEHOLDER = ":'as_of'"


def read_workload(path: Path = WORKLOAD_SQL, as_of: datetime.date = data.AS_OF) -> list[Query]:
    """The blocks of workload.sql: '-- name: x', comment lines, one statement; the
    placeholder :'as_of' (the data's reference date) replaced by the date as a literal."""
    text = path.read_text().replace(AS_OF_PLACEHOLDER, f"'{as_of.isoformat()}'")
    queries = []
    for block in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
        name, _, body = block.partition("\n")
        comments = [ln[2:].strip() for ln in body.splitlines() if ln.startswith("--")]
        sql = "\n".join(ln for ln in body.splitlines() if not ln.startswith("--")).strip()
        queries.append(Query(name.strip(), " ".join(comments), sql.rstrip(";").strip()))
    return queries


def read_statements(path: Path = REFERENCE_INDEXES_SQL) -> list[str]:
    text = "\n".join(ln for ln in path.read_text().splitlines() if not ln.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def strip_comments(statement: str) -> str:
    """The statement without its `--` comments (outside quotes): a statement pasted from
    elsewhere may carry one; wedopt's own suggestions are plain SQL."""
    out, quote, i = [], None, 0
    while i < len(statement):
        char = statement[i]
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif statement.startswith("--", i):
            end = statement.find("\n", i)
            i = len(statement) if end < 0 else end
            continue
        out.append(char)
        i += 1
    return "".join(out)


def clean_statement(statement: str) -> str:
    """One line, without comments or the final semicolon."""
    return " ".join(strip_comments(statement).strip().rstrip(";").split())


def index_key(statement: str) -> str | None:
    """What an index statement builds, without its name or options, for de-duplication;
    None when it is not a single CREATE INDEX statement (a trailing `--` comment is allowed)."""
    text = clean_statement(statement)
    if ";" in text:
        return None
    match = _CREATE_INDEX.match(text)
    if not match:
        return None
    rest = re.sub(r"\s*([(),])\s*", r"\1", match["rest"]).lower()
    return ("unique " if match["unique"] else "") + rest


def dedupe_indexes(statements: list[str]) -> list[str]:
    """Single CREATE INDEX statements only, each index once (first spelling kept)."""
    seen, kept = set(), []
    for statement in statements:
        key = index_key(statement or "")
        if key is not None and key not in seen:
            seen.add(key)
            kept.append(clean_statement(statement))
    return kept


def plan_cost(conn: psycopg.Connection, sql: str) -> float:
    plan = conn.execute("EXPLAIN (FORMAT JSON) " + sql).fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Total Cost"])


def time_query(conn: psycopg.Connection, sql: str, runs: int) -> tuple[float, int]:
    """Median wall-clock milliseconds over `runs` runs after one warm-up, and the row count."""
    nrows = len(conn.execute(sql).fetchall())
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), nrows


def measure(conn: psycopg.Connection, queries: list[Query], runs: int = 5) -> dict[str, Timing]:
    timings = {}
    for query in queries:
        median_ms, nrows = time_query(conn, query.sql, runs)
        timings[query.name] = Timing(median_ms, plan_cost(conn, query.sql), nrows)
    return timings


def apply_indexes(conn: psycopg.Connection, statements: list[str]) -> list[Applied]:
    """Run each CREATE INDEX (autocommit connection); a failure is recorded, not raised.
    Anything but a single CREATE INDEX statement is refused. The indexed tables are
    analyzed afterwards, so that expression indexes get their statistics."""
    applied = []
    for statement in statements:
        if index_key(statement) is None:
            applied.append(Applied(statement, False, error="not a single CREATE INDEX statement"))
            continue
        clean = clean_statement(statement)
        started = time.monotonic()
        try:
            conn.execute(clean)
        except psycopg.Error as err:
            applied.append(Applied(clean, False, time.monotonic() - started, str(err).strip()))
            continue
        applied.append(Applied(clean, True, time.monotonic() - started))
    tables = {
        re.match(r"([^\s(]+)", _CREATE_INDEX.match(" ".join(a.statement.split()))["rest"])[1]
        for a in applied
        if a.ok
    }
    for table in sorted(tables):
        conn.execute(f"ANALYZE {table}")
    return applied


def before_after(
    conn: psycopg.Connection,
    queries: list[Query],
    statements: list[str],
    runs: int = 5,
    before: dict[str, Timing] | None = None,
) -> Comparison:
    """Time the workload, apply the indexes, time it again; one row per query:
    name, ms before, ms after, speed-up, plan cost before, after."""
    before = before or measure(conn, queries, runs)
    applied = apply_indexes(conn, statements)
    after = measure(conn, queries, runs)
    rows = []
    for query in queries:
        b, a = before[query.name], after[query.name]
        speed_up = b.median_ms / max(a.median_ms, 1e-6)
        rows.append([query.name, b.median_ms, a.median_ms, speed_up, b.cost, a.cost])
    return Comparison(applied, before, after, rows)
