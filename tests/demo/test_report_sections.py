"""The report's wedopt sections, in a demo database without the extension: first with no
wedopt functions at all, then with stand-ins of the agreed names and columns (the real
ones are built on other branches), so the plumbing — suggestions collected from
analyze_query findings, de-duplicated, applied and measured, the audit history read
back — is tested whatever build of wedopt is installed."""

import uuid

import psycopg
import pytest

from demo import data, measure, run
from demo.report import NOT_AVAILABLE, Report

TINY_SCALE = 0.05


@pytest.fixture
def bare_demo_db(cluster):
    """A connection to a new database with the demo loaded and no wedopt extension."""
    name = f"t_demo_bare_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(cluster.conninfo(name), autocommit=True) as conn:
            data.load(conn, TINY_SCALE)
            data.vacuum_analyze(conn)
            yield conn
    finally:
        with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


STAND_INS = """
CREATE SCHEMA wedopt;
CREATE FUNCTION wedopt.health_score() RETURNS integer LANGUAGE sql AS 'SELECT 42';
CREATE FUNCTION wedopt.check_health() RETURNS TABLE (check_name text, severity text, message text)
    LANGUAGE sql AS $$ SELECT 'stand-in', 'warning', 'a finding' $$;
CREATE FUNCTION wedopt.get_slow_queries(min_mean_ms double precision, "limit" integer)
    RETURNS TABLE (query text, calls bigint, mean_ms double precision)
    LANGUAGE sql AS $$ SELECT 'SELECT 1', 3::bigint, 1.5::double precision $$;
CREATE FUNCTION wedopt.analyze_query(query text, "analyze" boolean)
    RETURNS TABLE (node_id integer, node_type text, relation text, code text, severity text, message text,
                   suggestion text, evidence jsonb)
    LANGUAGE sql AS $$
        SELECT 1, 'Seq Scan', 'wedding.guests', 'seq_scan', 'warning', 'guests read in full',
               s, '{}'::jsonb
        FROM unnest(ARRAY['CREATE INDEX ON wedding.guests (wedding_id)',
                          'CREATE INDEX guests_wedding_idx ON wedding.guests(wedding_id);',
                          'ANALYZE wedding.guests']) AS s
        WHERE query LIKE '%wedding.guests%'
    $$;
CREATE FUNCTION wedopt.analyze_partitioning_candidates() RETURNS TABLE (relation text, key text)
    LANGUAGE sql AS $$ SELECT 'wedding.bookings', 'event_date' $$;
CREATE TABLE wedopt.stand_in_history (relid regclass, pk jsonb, old jsonb, new jsonb);
CREATE FUNCTION wedopt.stand_in_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO wedopt.stand_in_history VALUES (TG_RELID, jsonb_build_object('guest_id', NEW.guest_id),
                                                to_jsonb(OLD), to_jsonb(NEW));
    RETURN NEW;
END $$;
CREATE FUNCTION wedopt.enable_audit(target regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER stand_in_audit AFTER UPDATE ON %s FOR EACH ROW '
                   'EXECUTE FUNCTION wedopt.stand_in_audit()', target);
END $$;
CREATE FUNCTION wedopt.record_history(target regclass, pk jsonb)
    RETURNS TABLE (old_email text, new_email text, new_diet text)
    LANGUAGE sql AS $$
        SELECT old->>'email', new->>'email', new->>'dietary_preference'
        FROM wedopt.stand_in_history WHERE relid = target AND stand_in_history.pk = record_history.pk
    $$;
"""


def test_sections_say_not_available_without_the_functions(bare_demo_db):
    demo_db = bare_demo_db
    report = Report(echo=False)
    run.section_health(report, demo_db)
    run.section_slow(report, demo_db)
    assert run.section_findings(report, demo_db, [], {}) == []
    run.section_partitioning(report, demo_db)
    run.section_audit(report, demo_db)
    missing = [ln.strip() for ln in report.lines if NOT_AVAILABLE in ln]
    assert missing == [
        f"wedopt.{name}: {NOT_AVAILABLE}"
        for name in (
            "health_score",
            "check_health",
            "get_table_stats",
            "get_slow_queries",
            "analyze_query",
            "analyze_partitioning_candidates",
            "enable_audit",
            "record_history",
        )
    ]
    assert report.failures == []


@pytest.fixture
def stand_ins(bare_demo_db):
    bare_demo_db.execute(STAND_INS)
    return bare_demo_db


def test_sections_use_the_functions_once_they_exist(stand_ins):
    conn = stand_ins
    queries = [q for q in measure.read_workload() if q.name in {"guest_list", "event_timeline"}]
    report = Report(echo=False)
    run.section_health(report, conn)
    run.section_slow(report, conn)
    before = measure.measure(conn, queries, runs=1)
    suggestions = run.section_findings(report, conn, queries, before)
    statements = run.section_recommendations(report, suggestions)
    assert statements == ["CREATE INDEX ON wedding.guests (wedding_id)"]
    run.section_before_after(report, conn, queries, statements, before=before, runs=1)
    run.section_partitioning(report, conn)
    run.section_audit(report, conn)
    text = "\n".join(report.lines)
    assert report.failures == []
    assert NOT_AVAILABLE in text  # get_table_stats has no stand-in
    assert "42" in text and "a finding" in text and "SELECT 1" in text
    assert "guests read in full" in text and "wedding.bookings" in text
    assert "hand-written" not in text
    assert (
        conn.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'wedding' AND tablename = 'guests' "
            "AND indexdef LIKE '%(wedding_id)'"
        ).fetchone()[0]
        == 1
    )
    # the audit section changed guest 1234 and read its history back
    assert "isaac.muller1234@mail.example" in text and "Vegan" in text
