"""The report's wedopt sections, run against the wedopt of this build in a demo database:
the demo names only wedopt functions and views that exist, every section shows what they
return, suggestions are de-duplicated before they are applied, and the audit section shows
the history of a row it made itself."""

import datetime
import re
from pathlib import Path

import pytest

from demo import measure, run
from demo.report import Report, fetch

DEMO_DIR = Path(run.__file__).resolve().parent
QUERIES = {q.name: q for q in measure.read_workload()}


def test_every_wedopt_object_the_demo_names_exists(demo_db):
    named = set()
    for path in DEMO_DIR.glob("*.py"):
        named |= set(re.findall(r"\bwedopt\.([a-z_][a-z0-9_]*)", path.read_text()))
    assert {"check_health", "analyze_query", "enable_audit", "record_history", "lint_query"} <= named
    existing = {
        name
        for (name,) in demo_db.execute(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'wedopt'::regnamespace"
            " UNION SELECT relname FROM pg_class WHERE relnamespace = 'wedopt'::regnamespace"
        ).fetchall()
    }
    assert named - existing == set()


def test_sections_show_what_wedopt_returns(demo_db):
    queries = [QUERIES[n] for n in ("guest_list", "guest_email_lookup", "event_timeline")]
    report = Report(echo=False)
    run.section_health(report, demo_db)
    run.section_table_stats(report, demo_db)
    snapshotted = run.take_snapshot(report, demo_db)
    before = measure.measure(demo_db, queries, 1)
    run.section_slow(report, demo_db, queries)
    run.section_history(report, demo_db, snapshotted)
    suggestions = run.section_findings(report, demo_db, queries, before)
    statements = run.section_recommendations(report, suggestions)
    run.section_lint(report, demo_db, queries)
    assert report.failures == []
    text = "\n".join(report.lines)
    assert "(not available" not in text
    assert "-[ " not in text  # compact tables, no expanded records

    score = demo_db.execute("SELECT score FROM wedopt.health_score()").fetchone()[0]
    assert f"  health score {score}/100" in report.lines
    findings = demo_db.execute("SELECT count(*) FROM wedopt.check_health()").fetchone()[0]
    assert f"  check_health: {findings} findings" in report.lines
    assert re.search(r"\n  guests +[\d,]+ +\d+ [kM]B", text)  # get_table_stats
    assert "  database: " in text and "commits/s" in text  # rates between the snapshots
    assert "wedopt.check_alerts():" in text

    # the suggestions are analyze_query's own, each CREATE INDEX once, nothing else kept
    direct = [
        (q.name, s)
        for q in queries
        for (s,) in demo_db.execute(
            "SELECT suggestion FROM wedopt.analyze_query(%s, true) WHERE suggestion IS NOT NULL", [q.sql]
        ).fetchall()
    ]
    assert sorted(suggestions) == sorted(direct)
    assert statements == measure.dedupe_indexes([s for _, s in direct])
    assert all(measure.index_key(s) for s in statements)
    for statement in statements:
        assert any(line.startswith(f"  {statement};") for line in report.lines), statement
    lint = text.split("== Query lint")[1]
    assert all(name in lint for name in ("guest_list", "guest_email_lookup", "event_timeline"))


def test_recommendations_apply_single_create_index_statements_only():
    report = Report(echo=False)
    statements = run.section_recommendations(
        report,
        [
            ("guest_list", "CREATE INDEX ON wedding.guests (wedding_id)"),
            ("guest_list", "CREATE INDEX guests_wedding_idx ON wedding.guests(wedding_id);"),
            ("guest_email_lookup", "CREATE INDEX ON wedding.guests ((lower(email)));  -- or rewrite"),
            ("guest_list", "CREATE INDEX ON wedding.guests (qr_code); DROP TABLE wedding.guests"),
            ("guest_list", "ANALYZE wedding.guests"),
        ],
    )
    assert statements == [
        "CREATE INDEX ON wedding.guests (wedding_id)",
        "CREATE INDEX ON wedding.guests ((lower(email)))",
    ]
    assert "  CREATE INDEX ON wedding.guests (wedding_id);  -- for guest_list" in report.lines
    assert "    ANALYZE wedding.guests;  -- for guest_list" in report.lines
    assert not any("DROP TABLE" in line and "also" not in line for line in report.lines[:4])

    nothing = Report(echo=False)
    assert run.section_recommendations(nothing, [("guest_list", "ANALYZE wedding.guests")]) == []
    assert "  wedopt.analyze_query suggested no index for the workload" in nothing.lines
    assert "hand-written" not in "\n".join(nothing.lines)


def test_audit_section_shows_the_history_of_the_guest_it_made(demo_db):
    report = Report(echo=False)
    run.section_audit(report, demo_db)
    assert report.failures == []
    guest_id = demo_db.execute(
        "SELECT guest_id FROM wedding.guests WHERE qr_code = %s", [run.AUDIT_GUEST["qr_code"]]
    ).fetchone()[0]
    history = [re.sub(r" at \d\d:\d\d:\d\d:", " at T:", ln) for ln in report.lines if ln.startswith("    v")]
    assert history == [
        '    v1 INSERT by postgres at T: wedding_id: 1, full_name: "Ann Lee", email: "Ann.Lee@Mail.example",'
        ' qr_code: "demo-ann-lee"',
        '    v2 UPDATE by postgres at T: dietary_preference: null -> "Vegan";'
        ' email: "Ann.Lee@Mail.example" -> "ann.lee@mail.example"',
        '    v3 UPDATE by postgres at T: full_name: "Ann Lee" -> "Ann Lee (+1)"',
    ]
    assert f"wedopt.record_history('wedding.guests', '{{\"guest_id\": {guest_id}}}'):" in "\n".join(
        report.lines
    )


def test_a_failing_call_is_shown_and_recorded_not_raised(demo_db):
    report = Report(echo=False)
    assert fetch(report, demo_db, "lint_query", "SELECT * FROM wedopt.lint_query(%s)", params=[""]) is None
    assert len(report.failures) == 1 and report.failures[0].startswith("wedopt.lint_query: ")
    assert report.lines[-1].startswith("  (failed: ")


@pytest.mark.parametrize(
    "name", ["rsvp_summary", "venue_availability", "pending_payments", "monthly_revenue"]
)
def test_dated_workload_queries_count_from_as_of_not_the_clock(name):
    as_of = datetime.date(2031, 6, 1)
    sql = {q.name: q for q in measure.read_workload(as_of=as_of)}[name].sql
    assert "'2031-06-01'::date" in sql
    assert not re.search(r"current_date|now\(\)|:'as_of'", sql, re.IGNORECASE)
