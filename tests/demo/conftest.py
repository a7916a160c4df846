"""A demo database at a tiny scale, loaded once for the module (wedopt installed)."""

from __future__ import annotations

import uuid

import psycopg
import pytest

TINY_SCALE = 0.05  # 500 weddings, about 5,000 bookings: loads in about a second


@pytest.fixture(scope="module")
def demo_database(cluster, template_db):
    """Name of a database cloned from the wedopt template with the demo loaded at TINY_SCALE."""
    from demo import data

    name = f"t_demo_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template_db}")
    try:
        with psycopg.connect(cluster.conninfo(name), autocommit=True) as conn:
            data.load(conn, TINY_SCALE)
            data.vacuum_analyze(conn)
        yield name
    finally:
        with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def demo_db(cluster, demo_database):
    """An autocommit superuser connection to the module's demo database."""
    with psycopg.connect(cluster.conninfo(demo_database), autocommit=True) as conn:
        yield conn
