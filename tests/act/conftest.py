"""Fixtures of the act tests: a table owned by a wedopt_admin member, and helpers to run
execute_admin_sql() and wait for a dispatched action."""

import subprocess

import pgcluster
import psycopg
import pytest

ADMIN = "wedopt_test_admin"


@pytest.fixture
def act_db(connect):
    """(superuser, admin) autocommit connections; public.booking (10,000 rows) and
    public.venue owned by the admin, which may create in schema public."""
    su = connect()
    su.execute(f"GRANT CREATE ON SCHEMA public TO {ADMIN}")
    su.execute("CREATE TABLE public.venue (id int PRIMARY KEY, name text)")
    su.execute("INSERT INTO public.venue SELECT g, 'venue ' || g FROM generate_series(1, 50) g")
    su.execute(
        "CREATE TABLE public.booking (id bigserial PRIMARY KEY, venue_id int, guest text, event_date date)"
    )
    su.execute(
        "INSERT INTO public.booking (venue_id, guest, event_date)"
        " SELECT g % 50 + 1, 'guest ' || g, date '2026-06-06' + g % 200 FROM generate_series(1, 10000) g"
    )
    for table in ("venue", "booking"):
        su.execute(f"ALTER TABLE public.{table} OWNER TO {ADMIN}")
    su.execute("CREATE TABLE public.not_mine (id int)")
    admin = connect(ADMIN)
    return su, admin


def run(conn, sql, reason="test", force=False):
    """execute_admin_sql() -> (action_id, status)."""
    return conn.execute(
        "SELECT * FROM wedopt.execute_admin_sql(%s::text, %s::text, %s)", [sql, reason, force]
    ).fetchone()


def wait(conn, action_id, timeout="30 seconds"):
    """CALL wait_for_action() -> the action_log row as a dict."""
    conn.execute("CALL wedopt.wait_for_action(%s, %s, NULL, NULL)", [action_id, timeout])
    return action(conn, action_id)


def action(conn, action_id):
    cur = conn.execute("SELECT * FROM wedopt.action_log WHERE id = %s", [action_id])
    names = [c.name for c in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


def refused(conn, sql, **kw):
    """Run a text that must be refused; returns the psycopg error."""
    with pytest.raises(psycopg.Error) as info:
        run(conn, sql, **kw)
    return info.value


def index_valid(conn, name):
    row = conn.execute(
        "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)", [name]
    ).fetchone()
    return None if row is None else row[0]


PGBENCH_SCRIPT = """\\set venue random(1, 50)
INSERT INTO public.booking (venue_id, guest, event_date)
  VALUES (:venue, 'load ' || :client_id, date '2026-09-12');
"""


def start_booking_load(cluster, dbname, tmp_path, clients=4, per_client=600):
    """A pgbench booking write load (INSERTs into public.booking) running in the background."""
    script = tmp_path / "booking.sql"
    script.write_text(PGBENCH_SCRIPT)
    return subprocess.Popen(
        [
            str(pgcluster.bindir() / "pgbench"),
            "-n",
            "-c",
            str(clients),
            "-t",
            str(per_client),
            "-f",
            str(script),
            cluster.conninfo(dbname),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_booking_load(pgbench, clients=4, per_client=600):
    """Wait for the load; assert no client error and every transaction processed."""
    out, err = pgbench.communicate(timeout=300)
    assert pgbench.returncode == 0, err
    assert "number of failed transactions: 0" in out or "failed" not in out, out
    assert (
        f"number of transactions actually processed: {clients * per_client}/{clients * per_client}" in out
    ), out
