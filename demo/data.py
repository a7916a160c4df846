"""Load the demo schema and data (the generator runs inside the database)."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import psycopg

DEMO_DIR = Path(__file__).resolve().parent
SCHEMA_SQL = DEMO_DIR / "schema.sql"
GENERATE_SQL = DEMO_DIR / "generate.sql"
# "Today" for the demo data (wedding.generate_data's as_of): pinned, so that the demo, its
# tests and the benchmarks get the same rows on every day they run.
AS_OF = datetime.date(2026, 6, 1)
SEED = 0.42
TABLES = [
    "planners",
    "clients",
    "venues",
    "vendors",
    "weddings",
    "bookings",
    "payments",
    "events",
    "guests",
    "event_rsvp",
    "budgets",
    "expenses",
]


def load(
    conn: psycopg.Connection, scale: float, seed: float = SEED, as_of: datetime.date = AS_OF
) -> tuple[dict[str, int], float]:
    """(Re)create schema wedding and fill it at the given scale, as of the given day:
    (rows per table, seconds)."""
    started = time.monotonic()
    conn.execute(SCHEMA_SQL.read_text())
    conn.execute(GENERATE_SQL.read_text())
    rows = conn.execute(
        "SELECT table_name, row_count FROM wedding.generate_data(%s::numeric, %s::float8, %s::date)",
        [scale, seed, as_of],
    )
    counts = dict(rows.fetchall())
    return counts, time.monotonic() - started


def vacuum_analyze(conn: psycopg.Connection) -> float:
    """VACUUM ANALYZE every demo table (statistics and visibility map, as a live system has)."""
    started = time.monotonic()
    for table in TABLES:
        conn.execute(f"VACUUM ANALYZE wedding.{table}")
    return time.monotonic() - started
