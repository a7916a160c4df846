"""On a hot standby: every read-only function of wedopt works, every function that writes
fails at once with SQLSTATE 25006 and a HINT. The functions are walked from the catalog, so a
new one that is not classified here fails the test."""

import psycopg
import pytest

from harness import STANDBY_NAME, wait_for_replay

pytestmark = [pytest.mark.slow, pytest.mark.local_only]

# Read-only: called on the standby with sensible arguments; each must succeed.
READ_ONLY = {
    "wedopt._analyze_plan(text)": "SELECT * FROM wedopt._analyze_plan(%(plan)s)",
    "wedopt._grantee_list(text[])": "SELECT wedopt._grantee_list('{PUBLIC,Some Role}')",
    "wedopt._granted_to_untrusted(aclitem[],oid,text,text[],oid[])": (
        "SELECT wedopt._granted_to_untrusted(NULL, 10, 'f', '{EXECUTE}', '{0}')"
    ),
    "wedopt._audit_excluded_columns(regclass)": "SELECT wedopt._audit_excluded_columns('public.booking')",
    "wedopt._audit_key_columns(regclass)": "SELECT wedopt._audit_key_columns('public.booking')",
    "wedopt._audit_trigger_state()": "SELECT * FROM wedopt._audit_trigger_state()",
    "wedopt._free_relation_name(name,text)": "SELECT wedopt._free_relation_name('wedopt', 'audit_log')",
    "wedopt._partition_bounds(regclass)": "SELECT * FROM wedopt._partition_bounds('wedopt.audit_log')",
    "wedopt._partition_literal(timestamp with time zone,regtype)": (
        "SELECT wedopt._partition_literal(now(), 'date')"
    ),
    "wedopt._bloat_btree_leaf(double precision,double precision[],double precision[],"
    "double precision,double precision)": "SELECT wedopt._bloat_btree_leaf(16, '{1}', '{1000}')",
    "wedopt._bloat_data_bytes(double precision[],boolean)": "SELECT wedopt._bloat_data_bytes('{}')",
    "wedopt._bloat_toast_pages(oid)": "SELECT wedopt._bloat_toast_pages('public.booking'::regclass)",
    "wedopt._lint_query(text,text,text,text[],text[],text)": (
        "SELECT * FROM wedopt._lint_query('SELECT * FROM public.booking', 'SelectStmt', 'SELECT',"
        " '{public.booking}', '{}', NULL)"
    ),
    "wedopt._parse_statements(text)": "SELECT * FROM wedopt._parse_statements('SELECT 1; SELECT 2')",
    "wedopt._parse_statements_checked(text,text)": (
        "SELECT * FROM wedopt._parse_statements_checked('SELECT 1', 'query')"
    ),
    "wedopt._one_statement(text,text)": "SELECT * FROM wedopt._one_statement('SELECT 1', 'Pass one.')",
    "wedopt._require_one_statement(text,text)": (
        "SELECT wedopt._require_one_statement('SELECT 1', 'SelectStmt')"
    ),
    "wedopt._load_python()": "SELECT wedopt._load_python()",
    "wedopt._require_primary(text)": None,  # raises on a standby by design: checked below
    "wedopt._setting_definition(text)": "SELECT wedopt._setting_definition('aggressiveness')",
    "wedopt._untrusted_roles()": "SELECT * FROM wedopt._untrusted_roles()",
    "wedopt._user_schemas()": "SELECT * FROM wedopt._user_schemas()",
    "wedopt._version_info()": "SELECT * FROM wedopt._version_info()",
    "wedopt.analyze_plan(json)": "SELECT * FROM wedopt.analyze_plan(%(plan)s::json)",
    "wedopt.analyze_plan(text)": "SELECT * FROM wedopt.analyze_plan(%(plan)s::text)",
    "wedopt.analyze_query(text,boolean,interval)": (
        "SELECT * FROM wedopt.analyze_query('SELECT * FROM public.booking WHERE venue_id = 7', true, '5s')"
    ),
    "wedopt.check_health()": "SELECT * FROM wedopt.check_health()",
    "wedopt.execute_explain_query(text,boolean,interval)": (
        "SELECT wedopt.execute_explain_query('SELECT * FROM public.booking WHERE venue_id = 7', true, '5s')"
    ),
    "wedopt.get_cache_hit_ratio()": "SELECT * FROM wedopt.get_cache_hit_ratio()",
    "wedopt.get_connection_stats()": "SELECT * FROM wedopt.get_connection_stats()",
    "wedopt.get_index_bloat(text)": "SELECT * FROM wedopt.get_index_bloat('public')",
    "wedopt.get_index_hit_ratio(text)": "SELECT * FROM wedopt.get_index_hit_ratio('public')",
    "wedopt.get_index_stats(text)": "SELECT * FROM wedopt.get_index_stats('public')",
    "wedopt.get_lock_waits()": "SELECT * FROM wedopt.get_lock_waits()",
    "wedopt.get_long_running_queries(interval)": "SELECT * FROM wedopt.get_long_running_queries('0')",
    "wedopt.get_long_running_transactions(interval)": (
        "SELECT * FROM wedopt.get_long_running_transactions('0')"
    ),
    "wedopt.get_replication_slots()": "SELECT * FROM wedopt.get_replication_slots()",
    "wedopt.get_replication_status()": "SELECT * FROM wedopt.get_replication_status()",
    "wedopt.get_sequence_exhaustion()": "SELECT * FROM wedopt.get_sequence_exhaustion()",
    "wedopt.get_setting(text)": "SELECT wedopt.get_setting('observe.sequence_warn_pct')",
    "wedopt.get_slow_queries(double precision,integer)": "SELECT * FROM wedopt.get_slow_queries(0, 10)",
    "wedopt.get_table_bloat(text)": "SELECT * FROM wedopt.get_table_bloat('public')",
    "wedopt.get_table_stats(text)": "SELECT * FROM wedopt.get_table_stats('public')",
    "wedopt.get_table_vacuum_stats(text)": "SELECT * FROM wedopt.get_table_vacuum_stats('public')",
    "wedopt.get_wraparound_risk(integer)": "SELECT * FROM wedopt.get_wraparound_risk(10)",
    "wedopt.health_score()": "SELECT * FROM wedopt.health_score()",
    "wedopt.lint_query(text)": "SELECT * FROM wedopt.lint_query('SELECT * FROM public.booking')",
    "wedopt.record_history(regclass,jsonb)": (
        "SELECT * FROM wedopt.record_history('public.booking', '{\"id\": 1}')"
    ),
    "wedopt.version_info()": "SELECT * FROM wedopt.version_info()",
    "wedopt._recommend_indexes(text[],integer,bigint,boolean)": (
        "SELECT * FROM wedopt._recommend_indexes("
        "'{SELECT * FROM public.booking WHERE venue_id = 7}', NULL, NULL, true)"
    ),
    "wedopt._recommend_index_drops(text[])": "SELECT * FROM wedopt._recommend_index_drops('{}')",
    "wedopt.recommend_index_drops(text[])": (
        "SELECT * FROM wedopt.recommend_index_drops('{SELECT * FROM public.booking WHERE venue_id = 7}')"
    ),
    "wedopt.recommend_indexes(text)": (
        "SELECT * FROM wedopt.recommend_indexes('SELECT * FROM public.booking WHERE venue_id = 7')"
    ),
    "wedopt.recommend_indexes_for_workload(text[],integer,bigint)": (
        "SELECT * FROM wedopt.recommend_indexes_for_workload("
        "'{SELECT * FROM public.booking WHERE venue_id = 7}')"
    ),
    # act (sql/40_act): the checks and helpers that only read.
    "wedopt._act_lock_timeout()": "SELECT wedopt._act_lock_timeout()",
    "wedopt._action_figures(oid)": "SELECT wedopt._action_figures('public.booking'::regclass)",
    "wedopt._action_index_of_step(text)": (
        "SELECT wedopt._action_index_of_step('CREATE INDEX x ON public.booking (id)')"
    ),
    "wedopt._admin_guard_rails(timestamp with time zone)": "SELECT wedopt._admin_guard_rails()",
    "wedopt._admin_plan(text,text,boolean,text)": (
        "SELECT * FROM wedopt._admin_plan('ANALYZE public.booking', 'public')"
    ),
    "wedopt._rebuild_index_statement(text,text,text,text,boolean,boolean)": (
        "SELECT wedopt._rebuild_index_statement('CREATE INDEX ON t (a)', 'i', 'public', 't', true, false)"
    ),
    "wedopt._resolve_admin_statement(text,text)": (
        "SELECT * FROM wedopt._resolve_admin_statement("
        "'CREATE INDEX ON public.booking (lower(status))', 'public')"
    ),
    "wedopt.pending_admin_statements()": "SELECT * FROM wedopt.pending_admin_statements()",
    "wedopt._auto_tune_allowed(text,bigint)": "SELECT wedopt._auto_tune_allowed('public.booking', 8192)",
    "wedopt._auto_tune_helped(jsonb,text[],text[])": (
        "SELECT wedopt._auto_tune_helped('[{\"statement_no\": 1}]', '{SELECT 1}', '{}')"
    ),
    "wedopt._auto_tune_judge(jsonb,jsonb,text[],text)": (
        "SELECT wedopt._auto_tune_judge('{}', '{}', '{}', 'i')"
    ),
    "wedopt._auto_tune_measure(text,integer,boolean)": (
        "SELECT wedopt._auto_tune_measure('SELECT * FROM public.booking WHERE venue_id = 7', 1)"
    ),
    "wedopt._auto_tune_measure_set(text[],text[])": (
        "SELECT wedopt._auto_tune_measure_set('{SELECT 1}', '{}')"
    ),
    "wedopt._auto_tune_short(text)": "SELECT wedopt._auto_tune_short('SELECT  1')",
    "wedopt._auto_tune_workload(text[],boolean)": "SELECT wedopt._auto_tune_workload('{SELECT 1}')",
    "wedopt._workload_statements(integer,text)": "SELECT count(*) FROM wedopt._workload_statements(5)",
    "wedopt._undo_index_statement(bigint)": "SELECT wedopt._undo_index_statement(0)",
    "wedopt._matview_sources(oid)": (
        "SELECT * FROM wedopt._matview_sources('wedopt.table_stats_daily'::regclass)"
    ),
    "wedopt._matview_concurrent(oid)": (
        "SELECT * FROM wedopt._matview_concurrent('wedopt.table_stats_daily'::regclass::oid)"
    ),
    "wedopt.matview_status()": "SELECT * FROM wedopt.matview_status()",
    "wedopt._cron_database()": "SELECT wedopt._cron_database()",
    "wedopt._cron_query(text)": "SELECT * FROM wedopt._cron_query('SELECT jobid FROM cron.job')",
    "wedopt._job_catalog()": "SELECT * FROM wedopt._job_catalog()",
    "wedopt._schedule_freeze()": "SELECT wedopt._schedule_freeze()",
    "wedopt.job_status()": "SELECT * FROM wedopt.job_status()",
    "wedopt.analyze_partitioning_candidates()": "SELECT * FROM wedopt.analyze_partitioning_candidates()",
    # act: booking surge and the event-trigger cross-check (a session setting, no write).
    "wedopt.booking_surge(timestamp with time zone)": "SELECT * FROM wedopt.booking_surge()",
    "wedopt._surge_active(timestamp with time zone)": "SELECT wedopt._surge_active()",
    "wedopt._surge_description(timestamp with time zone)": "SELECT wedopt._surge_description()",
    "wedopt._act_effective_setting(text,timestamp with time zone)": (
        "SELECT * FROM wedopt._act_effective_setting('act.index_cap')"
    ),
    "wedopt._act_expect(text,text,bigint)": "SELECT wedopt._act_expect(NULL)",
    "wedopt._act_confirmation(jsonb)": "SELECT * FROM wedopt._act_confirmation('{\"fires\": false}')",
    # On a standby the proposal is not checked by creating it (verified false), the rest works.
    "wedopt._recommend_matviews(integer,integer)": "SELECT * FROM wedopt._recommend_matviews(1, 5)",
    "wedopt.recommend_matviews(integer,integer)": "SELECT * FROM wedopt.recommend_matviews(1, 5)",
    "wedopt._table_checksum(regclass,name)": "SELECT * FROM wedopt._table_checksum('public.booking')",
    "wedopt._convert_blockers(regclass,name,text)": (
        "SELECT wedopt._convert_blockers('public.booking', 'event_date', 'copy')"
    ),
}

# Writing, called by users: each must fail with 25006, wedopt's message and a HINT.
WRITES = {
    "wedopt.check_alerts()": "SELECT * FROM wedopt.check_alerts()",
    "wedopt.disable_audit(regclass)": "SELECT wedopt.disable_audit('public.booking')",
    "wedopt.enable_audit(regclass,text[],boolean)": "SELECT wedopt.enable_audit('public.venue')",
    "wedopt.maintain_audit_log(boolean)": "SELECT * FROM wedopt.maintain_audit_log()",
    "wedopt.create_partition_set(regclass,name,interval,integer,interval,boolean,name,text,"
    "timestamp with time zone)": (
        "SELECT * FROM wedopt.create_partition_set('public.booking', 'event_date', '1 day')"
    ),
    "wedopt.convert_to_partitioned(regclass,name,interval,integer,timestamp with time zone,text)": (
        "SELECT * FROM wedopt.convert_to_partitioned('public.booking', 'event_date', '1 month')"
    ),
    "wedopt.drop_partition_set(regclass)": "SELECT wedopt.drop_partition_set('public.booking')",
    "wedopt.run_maintenance(regclass,boolean,timestamp with time zone)": (
        "SELECT * FROM wedopt.run_maintenance()"
    ),
    "wedopt.register_integrity_check(regclass,text,text,text,text[],text)": (
        "SELECT wedopt.register_integrity_check('public.booking', 'venue_id', 'event_date')"
    ),
    "wedopt.reset_setting(text)": "SELECT wedopt.reset_setting('observe.sequence_warn_pct')",
    "wedopt.set_alert_rule(text,text,text,numeric,interval,text,boolean)": (
        "SELECT * FROM wedopt.set_alert_rule('cache', 'cache_hit_ratio', '<', 90, '0', 'WARN', true)"
    ),
    "wedopt.set_setting(text,text)": "SELECT wedopt.set_setting('observe.sequence_warn_pct', '85')",
    "wedopt.snapshot_stats()": "SELECT * FROM wedopt.snapshot_stats()",
    "wedopt.unregister_integrity_check(text)": "SELECT wedopt.unregister_integrity_check('x')",
    "wedopt.execute_admin_sql(text,text,boolean)": (
        "SELECT * FROM wedopt.execute_admin_sql('ANALYZE public.booking')"
    ),
    "wedopt.auto_tune(text[],timestamp with time zone,jsonb)": "CALL wedopt.auto_tune('{SELECT 1}')",
    "wedopt.rollback_action(bigint,text,boolean,bigint,text)": "CALL wedopt.rollback_action(1)",
    "wedopt.register_matview(regclass,text,interval,interval)": (
        "SELECT wedopt.register_matview('wedopt.table_stats_daily', 'source_changed')"
    ),
    "wedopt.unregister_matview(text)": "SELECT wedopt.unregister_matview('public.mv')",
    "wedopt.refresh_matviews(regclass,boolean)": "SELECT * FROM wedopt.refresh_matviews()",
    "wedopt.run_upkeep(boolean)": "SELECT * FROM wedopt.run_upkeep()",
    "wedopt.run_job(text)": "SELECT wedopt.run_job('check-alerts')",
    "wedopt.schedule_jobs()": "SELECT * FROM wedopt.schedule_jobs()",
    "wedopt.unschedule_jobs()": "SELECT * FROM wedopt.unschedule_jobs()",
}

# Internal pieces that write, reached only through a guarded function above: on a standby
# they fail with 25006 too (the server's own read-only error or the guard's).
INTERNAL_WRITES = {
    "wedopt._action_claim(bigint)": "SELECT wedopt._action_claim(1)",
    "wedopt._action_finish(bigint)": "SELECT wedopt._action_finish(1)",
    "wedopt._action_log_insert(jsonb)": (
        'SELECT wedopt._action_log_insert(\'{"queued_by": "postgres", "session_user_name": "postgres",'
        ' "statement": "x", "mode": "refused", "status": "refused"}\')'
    ),
    "wedopt._action_record(jsonb,boolean)": 'SELECT wedopt._action_record(\'{"queued_by": "postgres"}\')',
    "wedopt._dispatch_pending()": "SELECT wedopt._dispatch_pending()",
    "wedopt._auto_tune_start(text[],timestamp with time zone)": "SELECT wedopt._auto_tune_start(NULL, now())",
    "wedopt._execute_admin_sql(text,text,boolean,text,text,bigint)": (
        "SELECT * FROM wedopt._execute_admin_sql('ANALYZE public.booking', NULL, false, 'public')"
    ),
    "wedopt._audit_action(text,text,jsonb)": "SELECT wedopt._audit_action('test', 'public.booking')",
    "wedopt._record_action(text,text,jsonb)": "SELECT wedopt._record_action('test', 'public.booking')",
    "wedopt._audit_create_triggers(regclass,regclass[],boolean)": (
        "SELECT wedopt._audit_create_triggers('public.booking', NULL, false)"
    ),
    "wedopt._define_setting(text,text,text,text,text,text,text,text,text[])": (
        "SELECT wedopt._define_setting('observe.x', 'observe', 'integer', '1', '1', '1', 'x', NULL)"
    ),
    "wedopt._ensure_time_partitions(regclass,interval,integer,interval)": (
        "SELECT * FROM wedopt._ensure_time_partitions('wedopt.table_stats_history', '1 day', 2, '30 days')"
    ),
    "wedopt._maintain_time_partitions(regclass,interval,integer,interval,boolean,name,boolean,"
    "timestamp with time zone,boolean,integer,jsonb)": (
        "SELECT * FROM wedopt._maintain_time_partitions('wedopt.table_stats_history', '1 day', 2)"
    ),
    "wedopt._propagate_partition(regclass,regclass,name,text)": (
        "SELECT wedopt._propagate_partition('wedopt.audit_log', 'wedopt.audit_log', 'nobody', 'f')"
    ),
    "wedopt._convert_by_copy(regclass,name,interval,text,regtype,timestamp with time zone,"
    "timestamp with time zone,integer,timestamp with time zone)": (
        "SELECT * FROM wedopt._convert_by_copy('public.booking', 'event_date', '1 month', 'month', 'date',"
        " NULL, NULL, 4, NULL)"
    ),
    "wedopt._lock_for_conversion(regclass,text)": (
        "SELECT wedopt._lock_for_conversion('public.booking', 'EXCLUSIVE')"
    ),
}

# Not callable on their own.
NOT_CALLED = {
    "wedopt._audit_ddl_end()": "an event trigger function",
    "wedopt._audit_log_guard()": "a trigger function",
    "wedopt._audit_sql_drop()": "an event trigger function",
    "wedopt._audit_trigger()": "a trigger function",
    "wedopt._act_confirm_ddl()": "an event trigger function",
    "wedopt._act_confirm_drop()": "an event trigger function",
    "wedopt._raise_clean(text,text,text,text)": "raises the error it is given, by design",
    "wedopt._action_log_autonomous(text)": "starts a background worker that writes on the primary",
    "wedopt._action_next_step(bigint)": "called by the dispatcher worker, on the primary only",
    "wedopt._action_step_done(bigint,integer,boolean,text,text)": "called by the dispatcher worker",
    "wedopt._action_update(bigint,jsonb)": "called by the dispatcher and _action_claim/_finish",
    "wedopt._dispatch_start(bigint,oid,oid)": "starts a dispatcher worker (execute_admin_sql on the primary)",
    "wedopt.wait_for_action(bigint,interval,text,text)": "a procedure polling an action id (tests/act)",
    "wedopt._action_annotate(bigint,jsonb,bigint)": "called by auto_tune/rollback_action on the primary",
    "wedopt._action_lock_own(bigint,text)": "called by _action_update/_action_annotate (granted to nobody)",
    "wedopt._auto_tune_unused(timestamp with time zone)": "called by auto_tune after its primary check",
    "wedopt._rollback_plan(bigint)": "called by rollback_action after its primary check (tests/act)",
    "wedopt._undo_index(bigint,text,text,boolean,text,jsonb)": "a procedure of auto_tune/rollback_action",
    "wedopt._undo_statistics(bigint,text,text,boolean)": "called by rollback_action on the primary",
}

# Read-only functions of other areas that do not work on a standby yet: {signature: cause}.
KNOWN_FAILING = {
    # pg_cron lives in database postgres here (cron.database_name): reached through dblink,
    # which the test database does not have (doc/maintain.md "Scheduling").
    "wedopt._cron_query(text)": "55000: pg_cron lives in another database and this one has no dblink",
    "wedopt.job_status()": "55000: pg_cron lives in another database and this one has no dblink",
}

EXTENSION_FUNCTIONS = """
    SELECT p.oid::regprocedure::text
    FROM pg_depend AS d
    JOIN pg_proc AS p ON d.objid = p.oid
    JOIN pg_extension AS e ON d.refobjid = e.oid
    WHERE
        d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass
        AND d.deptype = 'e' AND e.extname = 'wedopt'
    ORDER BY 1
"""

PLAN = (
    '[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "booking", "Schema": "public", "Alias": "booking",'
    ' "Startup Cost": 0.0, "Total Cost": 35.5, "Plan Rows": 10, "Plan Width": 16,'
    ' "Filter": "(venue_id = 7)"}}]'
)


@pytest.fixture
def on_standby(cluster, standby, fresh_database, connect):
    """(primary, standby) connections to one database with wedopt and a little data, the
    standby having replayed all of it."""
    primary = connect()
    primary.execute("CREATE TABLE public.venue (id int PRIMARY KEY, name text)")
    primary.execute(
        "CREATE TABLE public.booking (id int PRIMARY KEY, venue_id int REFERENCES public.venue,"
        " event_date date, status text)"
    )
    primary.execute("INSERT INTO public.venue VALUES (7, 'Barn')")
    primary.execute("SELECT wedopt.enable_audit('public.booking')")
    primary.execute("INSERT INTO public.booking VALUES (1, 7, '2026-06-06', 'Confirmed')")
    primary.execute("SELECT wedopt.register_integrity_check('public.booking', 'venue_id', 'event_date')")
    primary.execute("SELECT * FROM wedopt.snapshot_stats()")
    with psycopg.connect(standby.conninfo("postgres"), autocommit=True) as maintenance:
        wait_for_replay(primary, maintenance)  # the database itself, too
    replica = psycopg.connect(standby.conninfo(fresh_database), autocommit=True)
    try:
        assert replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        yield primary, replica
    finally:
        replica.close()


def _classify(signature):
    name = signature.split("(")[0]
    if name.startswith("wedopt._health_") and signature.endswith("()"):
        return "read_only", f"SELECT * FROM {name}()"  # every lint: the agreed pattern
    for kind, table in (
        ("read_only", READ_ONLY),
        ("writes", WRITES),
        ("internal_writes", INTERNAL_WRITES),
        ("not_called", NOT_CALLED),
    ):
        if signature in table:
            return kind, table[signature]
    return None, None


def test_every_function_is_classified(db):
    signatures = [r[0] for r in db.execute(EXTENSION_FUNCTIONS).fetchall()]
    unclassified = [s for s in signatures if _classify(s)[0] is None]
    assert unclassified == [], "classify these in tests/core/test_standby.py (read-only or writing)"
    listed = set(READ_ONLY) | set(WRITES) | set(INTERNAL_WRITES) | set(NOT_CALLED)
    assert listed - set(signatures) == set(), "functions listed here that the extension lacks"


def test_read_only_functions_work_on_a_standby(on_standby):
    primary, replica = on_standby
    failed = {}
    for (signature,) in primary.execute(EXTENSION_FUNCTIONS).fetchall():
        kind, sql = _classify(signature)
        if kind != "read_only" or sql is None:
            continue
        try:
            replica.execute(sql, {"plan": PLAN} if "%(plan)s" in sql else None).fetchall()
        except psycopg.Error as exc:
            failed[signature] = f"{exc.diag.sqlstate}: {exc.diag.message_primary}"
    unexpected = {s: e for s, e in failed.items() if s not in KNOWN_FAILING}
    assert unexpected == {}
    for signature, cause in KNOWN_FAILING.items():
        if signature not in failed:
            pytest.fail(f"{signature} works on a standby now: remove it from KNOWN_FAILING ({cause})")


def test_check_health_on_a_standby_runs_every_lint(on_standby):
    primary, replica = on_standby
    rows = replica.execute("SELECT name, object, detail FROM wedopt.check_health()").fetchall()
    assert [r for r in rows if r[0] == "lint_failed"] == []
    # It reports what the primary holds: the foreign key of booking has no index.
    assert ("unindexed_foreign_key", "public.booking.booking_venue_id_fkey") in {(r[0], r[1]) for r in rows}
    score = replica.execute("SELECT score FROM wedopt.health_score()").fetchone()[0]
    assert 0 <= score <= 100


def test_writing_functions_fail_on_a_standby_with_25006_and_a_hint(on_standby):
    primary, replica = on_standby
    for signature, sql in WRITES.items():
        with pytest.raises(psycopg.Error) as info:
            replica.execute(sql)
        diag = info.value.diag
        name = signature.split("(")[0].removeprefix("wedopt.")
        assert diag.sqlstate == "25006", signature
        assert diag.message_primary == f"wedopt: {name}() writes and cannot run on a standby", signature
        assert diag.message_hint and "primary" in diag.message_hint, signature
    for signature, sql in INTERNAL_WRITES.items():
        with pytest.raises(psycopg.Error) as info:  # noqa: PT012 - names the culprit
            replica.execute(sql)
            pytest.fail(f"{signature} ran on a standby")
        assert info.value.diag.sqlstate == "25006", signature
    with pytest.raises(psycopg.Error) as info:
        replica.execute("SELECT wedopt._require_primary('x()')")
    assert info.value.diag.sqlstate == "25006" and info.value.diag.message_hint
    # On the primary the guard lets them through.
    primary.execute("SELECT wedopt._require_primary('x()')")
    primary.execute(WRITES["wedopt.set_setting(text,text)"])


def test_replication_status_from_both_ends(on_standby):
    primary, replica = on_standby
    sent = {r[0]: r for r in primary.execute("SELECT peer, role, state FROM wedopt.get_replication_status()")}
    assert sent[STANDBY_NAME][1:] == ("primary", "streaming")
    ((role, state),) = replica.execute("SELECT role, state FROM wedopt.get_replication_status()").fetchall()
    assert (role, state) == ("standby", "streaming")
