# ruff: noqa: E501 -- SQL texts read better on one line
"""The index advisor with pg_qualstats (optional): on a cluster that preloads it (its own
cluster: the session's cluster does not), the workload read from pg_stat_statements is costed
with the real share of rows each statement's filter keeps; without pg_qualstats (not created,
or created but not preloaded) nothing changes.

The data: `account.tenant` has 2,001 values, but tenant 0 owns 40 % of the rows. The generic
plan of `tenant = $1` guesses under 0.1 % of the rows (an index pays); the application calls it
only with tenant 0 (an index does not pay). `account.code` is unique and called with many
values: there the real share is what the plan guesses, and the index stays."""

import json

import psycopg
import pytest

import harness

pytestmark = [pytest.mark.slow, pytest.mark.local_only]

SKEWED = "SELECT id, note FROM public.account WHERE tenant = {}"
SPREAD = "SELECT id, note FROM public.account WHERE code = {}"


@pytest.fixture(scope="module")
def qualstats_cluster():
    """A cluster of its own that preloads pg_qualstats and records every statement
    (pg_qualstats.sample_rate = 1)."""
    server = harness.create_cluster(
        {
            "shared_preload_libraries": "'pg_stat_statements,pg_qualstats'",
            "pg_qualstats.sample_rate": "1",
        }
    )
    try:
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            have = conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_qualstats'"
            ).fetchone()
        if not have:
            pytest.skip("pg_qualstats is not installed (Debian: apt-get install postgresql-15-pg-qualstats)")
        yield server
    finally:
        server.destroy()


def _install(conn, qualstats: bool):
    conn.execute("CREATE SCHEMA extensions")
    conn.execute("GRANT USAGE ON SCHEMA extensions TO PUBLIC")  # as the session's template has it
    conn.execute("CREATE EXTENSION pg_stat_statements SCHEMA extensions")
    conn.execute("CREATE EXTENSION hypopg SCHEMA extensions")
    conn.execute("CREATE EXTENSION wedopt CASCADE")
    if qualstats:
        conn.execute("CREATE EXTENSION pg_qualstats SCHEMA extensions")


def _load(conn):
    conn.execute(
        """
        CREATE TABLE public.account (
            id bigint PRIMARY KEY, tenant int NOT NULL, code int NOT NULL, note text NOT NULL
        );
        INSERT INTO public.account
        SELECT i, CASE WHEN i % 5 < 2 THEN 0 ELSE i % 2000 + 1 END, i, repeat('n', 80)
        FROM generate_series(1, 200000) AS i;
        """
    )
    conn.execute("VACUUM ANALYZE public.account")


def _run_workload(conn):
    """The application's calls, with constants in the text (pg_stat_statements shows $1)."""
    for i in range(30):
        conn.execute(SKEWED.format(0)).fetchall()
        conn.execute(SPREAD.format(1000 + i * 37)).fetchall()
    conn.execute("SELECT pg_stat_force_next_flush()")


def _advise(conn):
    notices = []
    conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
    rows = conn.execute(
        "SELECT kind, columns, statements_helped, rationale FROM wedopt.recommend_indexes_for_workload(NULL)"
    ).fetchall()
    return {
        tuple(cols): (helped, rationale) for kind, cols, helped, rationale in rows if kind == "create"
    }, notices


@pytest.fixture
def database(qualstats_cluster, request):
    """connect(qualstats) -> a connection to a new database of the pg_qualstats cluster with wedopt
    (and pg_qualstats when asked) and the account table; dropped after."""
    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    opened = []

    def connect(qualstats: bool):
        with psycopg.connect(qualstats_cluster.conninfo(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        conn = psycopg.connect(qualstats_cluster.conninfo(name), autocommit=True)
        opened.append(conn)
        _install(conn, qualstats)
        _load(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()
    with psycopg.connect(qualstats_cluster.conninfo(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_real_filter_share_changes_the_decision(database, qualstats_cluster):
    conn = database(qualstats=True)
    app = psycopg.connect(qualstats_cluster.conninfo(conn.info.dbname), autocommit=True)
    _run_workload(app)
    app.close()
    # pg_qualstats saw the filter of the skewed statement keep 40 % of the rows
    kept = conn.execute(
        "SELECT sum(execution_count - nbfiltered)::float8 / sum(execution_count) FROM extensions.pg_qualstats AS q "
        "JOIN pg_attribute AS a ON a.attrelid = q.lrelid AND a.attnum = q.lattnum "
        "WHERE q.lrelid = 'public.account'::regclass AND a.attname = 'tenant' AND q.eval_type = 'f'"
    ).fetchone()[0]
    assert 0.39 < kept < 0.41, kept
    creates, notices = _advise(conn)
    # the generic plan's < 0.1 % would make an index on tenant pay (see the test below); the
    # real 40 % does not: the index scan costs more than the sequential scan it replaces
    assert ("tenant",) not in creates, creates
    # where the real share is what the plan guessed, the index stays, and says where its cost came from
    helped, rationale = creates[("code",)]
    (entry,) = [h for h in helped if "code = $1" in h["statement"]]
    assert entry["pg_qualstats"]["real_rows_pct"] == pytest.approx(100 / 200000, rel=0.01)
    assert entry["pg_qualstats"]["rows_evaluated"] >= 30 * 200000 * 0.99
    assert "pg_qualstats' real share of the rows" in rationale
    assert any("pg_qualstats is loaded: 2 of" in n for n in notices), notices


def test_a_monitor_gets_the_real_shares_of_its_own_statements(database, qualstats_cluster):
    """Not a superuser: pg_qualstats shows every role's counts, but only the statements
    _workload_statements() lets through (the caller's own here) are matched."""
    conn = database(qualstats=True)
    conn.execute(
        "DO $$ BEGIN CREATE ROLE wedopt_qs_monitor LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    conn.execute("GRANT wedopt_monitor TO wedopt_qs_monitor")
    conn.execute("GRANT SELECT ON public.account TO wedopt_qs_monitor")
    conninfo = qualstats_cluster.conninfo(conn.info.dbname, user="wedopt_qs_monitor")
    with psycopg.connect(conninfo, autocommit=True) as mon:
        _run_workload(mon)
        creates, notices = _advise(mon)
    assert ("tenant",) not in creates, creates
    assert "pg_qualstats" in creates[("code",)][0][0]
    assert any("pg_qualstats is loaded: 2 of" in n for n in notices), notices


def test_without_pg_qualstats_created_nothing_changes(database, qualstats_cluster):
    """Preloaded but not created in the database: the generic plan's guess decides, as before."""
    conn = database(qualstats=False)
    app = psycopg.connect(qualstats_cluster.conninfo(conn.info.dbname), autocommit=True)
    _run_workload(app)
    app.close()
    creates, notices = _advise(conn)
    assert ("tenant",) in creates and ("code",) in creates, creates
    assert not any("pg_qualstats" in json.dumps(h) for h, _r in creates.values())
    assert not any("pg_qualstats" in r for _h, r in creates.values())
    assert not any("pg_qualstats" in n for n in notices)


def test_created_but_not_preloaded_is_ignored(db, connect):
    """The session's cluster does not preload pg_qualstats: created there, it is not read (its
    functions would fail) and the advice is the generic plan's."""
    if not db.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_qualstats'").fetchone():
        pytest.skip("pg_qualstats is not installed (Debian: apt-get install postgresql-15-pg-qualstats)")
    db.execute("CREATE EXTENSION pg_qualstats SCHEMA extensions")
    _load(db)
    _run_workload(connect())
    creates, notices = _advise(db)
    assert ("tenant",) in creates and ("code",) in creates, creates
    assert not any("pg_qualstats" in r for _h, r in creates.values())
    assert not any("pg_qualstats" in n for n in notices)


# ---- the rule itself, on hand-written plans (no server)


def _access(plan_rows=100.0, divisor=1.0, node="Seq Scan"):
    from wedopt.recommend.candidates import Access

    return Access(
        "public", "account", "account", node_types=[node], plan_rows=plan_rows, parallel_divisor=divisor,
        scan_node_type=node, filter_conditions=1,
    )  # fmt: skip


def test_real_share_rule_applies_only_to_a_filtered_whole_table_scan():
    from wedopt.recommend import qualstats

    share = qualstats.real_share((1000.0, 600.0, False), _access(plan_rows=10.0), 1000.0)
    assert (share.real, share.planned, share.ratio) == (0.4, 0.01, 40.0)
    # a parallel scan's Plan Rows are per process: times the divisor
    assert qualstats.real_share((1000.0, 600.0, False), _access(10.0, 2.4), 1000.0).planned == pytest.approx(
        0.024
    )
    # the real executions used an index condition on the table: their counts are not the table's
    assert qualstats.real_share((1000.0, 600.0, True), _access(), 1000.0) is None
    assert qualstats.real_share((1000.0, 600.0, False), _access(node="Index Scan"), 1000.0) is None
    assert qualstats.real_share(None, _access(), 1000.0) is None


def test_correction_scales_index_scans_that_run_once():
    from wedopt.recommend import qualstats

    share = qualstats.RealShare(planned=0.01, real=0.02, evaluated=1000.0)
    scan = {"Node Type": "Index Scan", "Relation Name": "account", "Schema": "public", "Total Cost": 50.0}
    assert qualstats.correction({"Plan": dict(scan)}, "public", "account", share) == 50.0
    sort = {"Node Type": "Sort", "Total Cost": 80.0, "Plans": [dict(scan)]}
    assert qualstats.correction({"Plan": sort}, "public", "account", share) == 50.0
    # per outer row, or stopped early by a Limit: not scaled
    for parent in ("Nested Loop", "Limit"):
        plan = {
            "Plan": {
                "Node Type": parent,
                "Total Cost": 90.0,
                "Plans": [{"Node Type": "Seq Scan"}, dict(scan)],
            }
        }
        assert qualstats.correction(plan, "public", "account", share) == 0.0
    # another table's scan is not this share's
    assert qualstats.correction({"Plan": dict(scan)}, "public", "other", share) == 0.0
