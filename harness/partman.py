"""pg_partman beside wedopt, for side-by-side benchmarks and tests. Debian 12 ships it as
postgresql-15-partman (4.7.2); the harness uses it when the server has it and says so clearly
when it does not (a test skips, a benchmark prints the reason)."""

from __future__ import annotations

EXTENSION = "pg_partman"
PACKAGE = "postgresql-15-partman"


class PartmanUnavailable(RuntimeError):
    """The server has no pg_partman to install."""


def available_version(conn) -> str | None:
    """pg_partman's default version on this server, or None when it is not installed there."""
    row = conn.execute(
        "SELECT default_version FROM pg_available_extensions WHERE name = %s", [EXTENSION]
    ).fetchone()
    return row[0] if row else None


def create_partman(conn, schema: str = "partman") -> str:
    """CREATE EXTENSION pg_partman in its own schema of conn's database (idempotent); returns
    the installed version. PartmanUnavailable, naming the package, when the server lacks it."""
    if available_version(conn) is None:
        raise PartmanUnavailable(
            f"{EXTENSION} is not installed on this server (Debian: apt-get install {PACKAGE})"
        )
    conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    conn.execute(f'CREATE EXTENSION IF NOT EXISTS {EXTENSION} SCHEMA "{schema}"')
    return conn.execute("SELECT extversion FROM pg_extension WHERE extname = %s", [EXTENSION]).fetchone()[0]
