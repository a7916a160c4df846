"""Helpers of the observe tests: make statistics visible now, read check_health() findings.

Imported by name: pytest puts this folder on sys.path."""

import threading
import time


def flush_stats(conn) -> None:
    """Publish this session's pending statistics now (PostgreSQL 15) and forget any cached
    snapshot, so that this and other sessions see them in their next statement."""
    conn.execute("SELECT pg_stat_force_next_flush()")
    conn.execute("SELECT 1")
    conn.execute("SELECT pg_stat_clear_snapshot()")


def findings(conn, name: str) -> dict:
    """{object: row} of the check_health() findings called name."""
    conn.execute("SELECT pg_stat_clear_snapshot()")
    rows = conn.execute(
        "SELECT object, level, category, detail, remediation, metadata FROM wedopt.check_health() "
        "WHERE name = %s",
        [name],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


class Background:
    """Run one statement in another connection, in a thread (it may block on a lock)."""

    def __init__(self, conn, sql: str):
        self.conn = conn
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(sql,), daemon=True)
        self.thread.start()

    def _run(self, sql):
        try:
            self.conn.execute(sql)
        except Exception as exc:  # noqa: BLE001 - reported to the test through .error
            self.error = exc

    def join(self, timeout=30):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "background statement did not finish"


def pid_of(conn) -> int:
    return conn.execute("SELECT pg_backend_pid()").fetchone()[0]


def wait_until(check, timeout=10.0, step=0.05):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(step)
