"""Fixtures: one throwaway cluster per test session, a template database with wedopt
installed, and a fresh database (cloned from the template) for every test."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import psycopg
import pytest

import harness

ROOT = Path(__file__).resolve().parent.parent

# WEDOPT_TEST_BACKEND=docker: local_only tests are skipped there, and the summary counts them.
pytest_plugins = ["docker_backend"]

TEMPLATE_DB = "wedopt_template"
# Login roles for privilege tests: members of wedopt's roles, and one of neither.
TEST_ROLES = {
    "wedopt_test_monitor": "wedopt_monitor",
    "wedopt_test_admin": "wedopt_admin",
    "wedopt_test_nobody": None,
}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    config.addinivalue_line("markers", "local_only: needs the server's files (not the docker backend)")


@pytest.fixture(scope="session")
def cluster():
    """The session's PostgreSQL: a local initdb cluster, or a container with
    WEDOPT_TEST_BACKEND=docker. Always stopped at the end, also when tests fail."""
    if os.environ.get("WEDOPT_TEST_BACKEND") == "docker":
        from harness.docker import docker_cluster

        with docker_cluster(ROOT) as server:
            yield server
        return
    server = harness.create_cluster()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def standby(cluster):
    """A hot standby streaming from the session's cluster (pg_basebackup, its own port), built
    only when a test asks for it; stopped and removed at the end."""
    if not isinstance(cluster, harness.Cluster):
        pytest.skip("a streaming standby needs the local cluster backend")
    server = harness.create_standby(cluster)
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_cron(cluster, fresh_database):
    """harness.PgCron for the test's database: pg_cron created in cron.database_name ('postgres'),
    schedule(name, command) a job that runs in the test database, wait_for_run(jobid) for its
    row of cron.job_run_details. The database's jobs are removed after the test."""
    cron = harness.PgCron(cluster, fresh_database)
    try:
        yield cron
    finally:
        cron.unschedule_all()


@pytest.fixture
def partman(db):
    """pg_partman created in schema partman of the test database; its version. Skips, naming
    the Debian package, when the server has no pg_partman."""
    try:
        return harness.create_partman(db)
    except harness.PartmanUnavailable as exc:
        pytest.skip(str(exc))


def _admin_connect(cluster, dbname="postgres"):
    return psycopg.connect(cluster.conninfo(dbname), autocommit=True)


@pytest.fixture(scope="session")
def template_db(cluster):
    with _admin_connect(cluster) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE_DB}")
        conn.execute(f"CREATE DATABASE {TEMPLATE_DB}")
    with _admin_connect(cluster, TEMPLATE_DB) as conn:
        # As doc/observe.md advises (and check_health()'s extension_in_public asks): wedopt's
        # dependencies in their own schema, not in public.
        conn.execute("CREATE SCHEMA extensions")
        conn.execute("GRANT USAGE ON SCHEMA extensions TO PUBLIC")  # as public had it
        conn.execute("CREATE EXTENSION pg_stat_statements SCHEMA extensions")
        conn.execute("CREATE EXTENSION hypopg SCHEMA extensions")
        conn.execute("CREATE EXTENSION wedopt CASCADE")
        for role, member_of in TEST_ROLES.items():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            if not exists:
                conn.execute(f"CREATE ROLE {role} LOGIN")
            if member_of:
                conn.execute(f"GRANT {member_of} TO {role}")
    with _admin_connect(cluster) as conn:
        conn.execute(f"ALTER DATABASE {TEMPLATE_DB} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
    return TEMPLATE_DB


@pytest.fixture
def fresh_database(cluster, template_db, request):
    """Name of a new database cloned from the template (wedopt installed); dropped after."""
    slug = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40]
    name = f"t_{slug}_{uuid.uuid4().hex[:6]}"
    with _admin_connect(cluster) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template_db}")
    yield name
    with _admin_connect(cluster) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def connect(cluster, fresh_database):
    """connect(user='postgres', **kw) -> a new autocommit connection to the test database."""
    opened = []

    def _connect(user: str = "postgres", autocommit: bool = True, **kwargs):
        conn = psycopg.connect(cluster.conninfo(fresh_database, user=user), autocommit=autocommit, **kwargs)
        opened.append(conn)
        return conn

    yield _connect
    for conn in opened:
        conn.close()


@pytest.fixture
def db(connect):
    """A superuser autocommit connection to a fresh database with wedopt installed."""
    return connect()


@pytest.fixture
def monitor_with_folding_spy(db, connect):
    """A wedopt_test_monitor connection owning mon.seven(), an IMMUTABLE function that raises
    'folded as <role>' when it runs as anyone else: planning folds it, so a statement calling it
    shows with whose rights it was planned."""
    db.execute("CREATE SCHEMA mon AUTHORIZATION wedopt_test_monitor")
    monitor = connect(user="wedopt_test_monitor")
    monitor.execute(
        "CREATE FUNCTION mon.seven() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN"
        " IF current_user <> 'wedopt_test_monitor' THEN RAISE EXCEPTION 'folded as %', current_user; END IF;"
        " RETURN 7; END $$"
    )
    return monitor


@pytest.fixture
def empty_database(cluster):
    """Name of a new empty database (no wedopt), dropped after the test."""
    name = f"t_empty_{uuid.uuid4().hex[:8]}"
    with _admin_connect(cluster) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield name
    with _admin_connect(cluster) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
