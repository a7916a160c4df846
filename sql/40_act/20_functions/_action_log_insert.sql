-- Run by the log writer worker (as the bootstrap superuser): no grant to anybody else.
CREATE OR REPLACE FUNCTION @extschema@._action_log_insert(p_row jsonb)
RETURNS bigint
LANGUAGE sql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO @extschema@.action_log AS a (
        id, created_at, queued_by, session_user_name, source, parent_id, statement, reason,
        command_tag, target, target_oid, table_oid, mode, steps, step_no, attempts, cleanup, search_path,
        enqueue_xid, forced, status, dispatched_at, worker_pid, started_at, finished_at,
        sqlstate, error, hint, before, after, detail
    )
    SELECT
        coalesce(r.id, pg_catalog.nextval('@extschema@.action_log_id_seq'::regclass)),
        coalesce(r.created_at, pg_catalog.clock_timestamp()),
        r.queued_by, r.session_user_name, coalesce(r.source, 'execute_admin_sql'), r.parent_id,
        r.statement, r.reason, r.command_tag, r.target, r.target_oid, r.table_oid, r.mode,
        coalesce(r.steps, '{}'), coalesce(r.step_no, 1), coalesce(r.attempts, 0), r.cleanup,
        r.search_path, r.enqueue_xid, coalesce(r.forced, FALSE), r.status, r.dispatched_at,
        r.worker_pid, r.started_at, r.finished_at, r.sqlstate, r.error, r.hint, r.before, r.after,
        coalesce(r.detail, '{}')
    FROM pg_catalog.jsonb_populate_record(NULL::@extschema@.action_log, p_row) AS r
    RETURNING a.id;
$$;

COMMENT ON FUNCTION @extschema@._action_log_insert(jsonb) IS
'wedopt (internal): insert one action_log row from its jsonb form; called by wedopt''s own '
'functions and by the log writer worker, never granted';
