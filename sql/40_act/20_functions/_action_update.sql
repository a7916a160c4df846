-- Progress of an action: only its own role (the worker or psql session running it) moves it on,
-- and a finished action is never reopened.
CREATE OR REPLACE FUNCTION @extschema@._action_update(p_action_id bigint, p_change jsonb)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row @extschema@.action_log;
BEGIN
    v_row := @extschema@._action_lock_own(p_action_id, 'Only the role that queued an action moves it on.');
    IF v_row.id IS NULL THEN
        RETURN FALSE;
    END IF;
    IF v_row.status NOT IN ('queued', 'running') THEN
        RETURN FALSE;
    END IF;
    UPDATE @extschema@.action_log AS a SET
        status = coalesce(p_change->>'status', a.status),
        step_no = coalesce((p_change->>'step_no')::integer, a.step_no),
        attempts = coalesce((p_change->>'attempts')::integer, a.attempts),
        steps = CASE WHEN p_change ? 'steps'
            THEN ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p_change->'steps')) ELSE a.steps END,
        cleanup = CASE WHEN p_change ? 'cleanup' THEN p_change->>'cleanup' ELSE a.cleanup END,
        worker_pid = CASE WHEN p_change ? 'worker_pid'
            THEN (p_change->>'worker_pid')::integer ELSE a.worker_pid END,
        dispatched_at = coalesce((p_change->>'dispatched_at')::timestamptz, a.dispatched_at),
        started_at = coalesce(a.started_at, (p_change->>'started_at')::timestamptz),
        finished_at = coalesce((p_change->>'finished_at')::timestamptz, a.finished_at),
        sqlstate = coalesce(p_change->>'sqlstate', a.sqlstate),
        error = coalesce(p_change->>'error', a.error),
        hint = coalesce(p_change->>'hint', a.hint),
        after = coalesce(p_change->'after', a.after),
        detail = a.detail || coalesce(p_change->'detail', '{}')
    WHERE a.id OPERATOR(pg_catalog.=) p_action_id;
    RETURN TRUE;
END
$$;

COMMENT ON FUNCTION @extschema@._action_update(bigint, jsonb) IS
'wedopt (internal): move an open action on (status, step, attempts, cleanup, error, figures, notes); '
'only for the role that queued it; false when the action is finished or unknown';

GRANT EXECUTE ON FUNCTION @extschema@._action_update(bigint, jsonb) TO wedopt_admin;
