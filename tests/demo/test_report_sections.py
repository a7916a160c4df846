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
CREATE FUNCTION wedopt.health_score() RETURNS TABLE (score integer, breakdown jsonb) LANGUAGE sql AS $$
    SELECT 42, '{"PERFORMANCE": {"points": 17, "of": 25, "errors": 0, "warnings": 2, "infos": 0,
                                 "findings": {"stand_in_finding": 2}}}'::jsonb $$;
CREATE FUNCTION wedopt.check_health()
    RETURNS TABLE (name text, level text, category text, object text, detail text, remediation text,
                   metadata jsonb)
    LANGUAGE sql AS $$
        SELECT 'stand_in_finding', lvl, 'PERFORMANCE', 'wedding.guests.' || lvl, 'a finding',
               'CREATE INDEX ON wedding.guests (wedding_id)', '{}'::jsonb
        FROM unnest(ARRAY['INFO', 'WARN', 'WARN']) AS lvl $$;
CREATE FUNCTION wedopt.get_slow_queries(min_mean_ms double precision, "limit" integer)
    RETURNS TABLE (queryid bigint, calls bigint, total_ms double precision, mean_ms double precision,
                   pct_of_total_time numeric, query text)
    LANGUAGE sql AS $$ SELECT 1::bigint, 3::bigint, 4.5::float8, 1.5::float8, 12.5, 'SELECT 1' $$;
CREATE FUNCTION wedopt.analyze_query(query text, "analyze" boolean)
    RETURNS TABLE (node_id integer, node_type text, relation text, code text, severity text, message text,
                   suggestion text, evidence jsonb)
    LANGUAGE sql AS $$
        SELECT 1, 'Seq Scan', 'wedding.guests', 'seq_scan', 'warning', 'guests read in full',
               s, '{}'::jsonb
        FROM unnest(ARRAY['CREATE INDEX ON wedding.guests (wedding_id)',
                          'CREATE INDEX guests_wedding_idx ON wedding.guests(wedding_id);',
                          'CREATE INDEX ON wedding.guests ((lower(email)));  -- or rewrite the condition',
                          'CREATE INDEX ON wedding.guests (qr_code); DROP TABLE wedding.guests',
                          'ANALYZE wedding.guests']) AS s
        WHERE query LIKE '%wedding.guests%'
    $$;
CREATE FUNCTION wedopt.lint_query(query text)
    RETURNS TABLE (code text, severity integer, message text, suggestion text, evidence jsonb)
    LANGUAGE sql AS $$ SELECT 'stand_in_lint', 30, 'linted ' || length(query), NULL::text, '{}'::jsonb $$;
CREATE FUNCTION wedopt.analyze_partitioning_candidates() RETURNS TABLE (relation text, key text)
    LANGUAGE sql AS $$ SELECT 'wedding.bookings', 'event_date' $$;
CREATE TABLE wedopt.stand_in_history (id serial, relid regclass, pk jsonb, old jsonb, new jsonb);
CREATE FUNCTION wedopt.stand_in_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO wedopt.stand_in_history (relid, pk, old, new)
    VALUES (TG_RELID, jsonb_build_object('guest_id', NEW.guest_id), to_jsonb(OLD), to_jsonb(NEW));
    RETURN NEW;
END $$;
CREATE FUNCTION wedopt.enable_audit(target regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER stand_in_audit AFTER UPDATE ON %s FOR EACH ROW '
                   'EXECUTE FUNCTION wedopt.stand_in_audit()', target);
END $$;
CREATE FUNCTION wedopt.record_history(target regclass, pk jsonb)
    RETURNS TABLE (version integer, changed_at timestamptz, operation text, changed_by text,
                   old_values jsonb, new_values jsonb)
    LANGUAGE sql AS $$
        SELECT id, now(), 'UPDATE', current_user::text,
               jsonb_build_object('email', old->'email'), jsonb_build_object('email', new->'email')
        FROM wedopt.stand_in_history WHERE relid = target AND stand_in_history.pk = record_history.pk
        ORDER BY id
    $$;
"""


def run_sections(report, conn, queries, runs=1):
    run.section_health(report, conn)
    run.section_table_stats(report, conn)
    run.section_slow(report, conn, queries)
    run.section_history(report, conn, run.take_snapshot(report, conn))
    before = measure.measure(conn, queries, runs) if queries else {}
    suggestions = run.section_findings(report, conn, queries, before)
    statements = run.section_recommendations(report, suggestions) if suggestions or queries else []
    if statements:
        run.section_before_after(report, conn, queries, statements, before=before, runs=runs)
    run.section_partitioning(report, conn)
    run.section_audit(report, conn)
    run.section_lint(report, conn, queries)
    return suggestions, statements


def test_sections_say_not_available_without_the_functions(bare_demo_db):
    report = Report(echo=False)
    suggestions, _ = run_sections(report, bare_demo_db, [])
    assert suggestions == []
    missing = [ln.strip() for ln in report.lines if NOT_AVAILABLE in ln]
    assert missing == [
        f"wedopt.{name}: {NOT_AVAILABLE}"
        for name in (
            "health_score",
            "check_health",
            "get_table_stats",
            "get_slow_queries",
            "snapshot_stats",
            "snapshot_stats",
            "check_alerts",
            "analyze_query",
            "analyze_partitioning_candidates",
            "enable_audit",
            "record_history",
            "lint_query",
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
    suggestions, statements = run_sections(report, conn, queries)
    # the comment after a single CREATE INDEX is stripped; two statements in one text are refused
    assert statements == [
        "CREATE INDEX ON wedding.guests (wedding_id)",
        "CREATE INDEX ON wedding.guests ((lower(email)))",
    ]
    assert ("guest_list", "ANALYZE wedding.guests") in suggestions
    text = "\n".join(report.lines)
    assert report.failures == []
    assert f"wedopt.get_table_stats: {NOT_AVAILABLE}" in text  # no stand-in
    assert "-[ " not in text  # compact tables, no expanded records
    assert "health score 42/100" in text
    assert "PERFORMANCE  17/25  errors 0, warnings 2, infos 0  (stand_in_finding 2)" in text
    assert "check_health: 3 findings" in text
    lines = [ln.split() for ln in report.lines]
    assert ["WARN", "PERFORMANCE", "stand_in_finding", "2"] in lines
    assert ["INFO", "PERFORMANCE", "stand_in_finding", "1"] in lines
    # most severe first, one line each
    firsts = [ln for ln in report.lines if "wedding.guests.WARN" in ln or "wedding.guests.INFO" in ln]
    assert [ln.split()[0] for ln in firsts] == ["WARN", "WARN", "INFO"]
    assert "SELECT 1" in text and "12.5" in text
    assert "guests read in full" in text and "wedding.bookings" in text
    assert "-- for guest_list" in text
    assert "    ANALYZE wedding.guests;  -- for guest_list" in report.lines
    assert "hand-written" not in text
    assert "DROP TABLE" not in "\n".join(ln for ln in report.lines if "s  CREATE INDEX" in ln)
    indexes = conn.execute(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'wedding' AND tablename = 'guests' ORDER BY 1"
    ).fetchall()
    assert [i for (i,) in indexes if "wedding_id" in i or "lower" in i] == [
        "CREATE INDEX guests_lower_idx ON wedding.guests USING btree (lower(email))",
        "CREATE INDEX guests_wedding_id_idx ON wedding.guests USING btree (wedding_id)",
    ]
    assert conn.execute("SELECT to_regclass('wedding.guests') IS NOT NULL").fetchone()[0]
    # the audit section changed guest 1234 and read its history back, one line per version
    assert "v1 UPDATE by postgres at " in text
    assert 'email: "Isaac.Muller1234@Mail.example" -> "isaac.muller1234@mail.example"' in text
    assert text.count("stand_in_lint") == 2 and "linted " in text
