"""Load the demo schema and data (the generator runs inside the database)."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg

DEMO_DIR = Path(__file__).resolve().parent
SCHEMA_SQL = DEMO_DIR / "schema.sql"
GENERATE_SQL = DEMO_DIR / "generate.sql"
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


def load(conn: psycopg.Connection, scale: float, seed: float = 0.42) -> tuple[dict[str, int], float]:
    """(Re)create schema wedding and fill it at the given scale: (rows per table, seconds)."""
    started = time.monotonic()
    conn.execute(SCHEMA_SQL.read_text())
    conn.execute(GENERATE_SQL.read_text())
    rows = conn.execute(
        "SELECT table_name, row_count FROM wedding.generate_data(%s::numeric, %s::float8)", [scale, seed]
    )
    counts = dict(rows.fetchall())
    return counts, time.monotonic() - started


def vacuum_analyze(conn: psycopg.Connection) -> float:
    """VACUUM ANALYZE every demo table (statistics and visibility map, as a live system has)."""
    started = time.monotonic()
    for table in TABLES:
        conn.execute(f"VACUUM ANALYZE wedding.{table}")
    return time.monotonic() - started
