-- A cycle is an action of its own (command_tag AUTO TUNE, source auto_tune): what it did is in its
-- detail.report, and the indexes it created point at it (parent_id).
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_start(p_queries text[], p_as_of timestamptz)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_other record;
BEGIN
    PERFORM @extschema@._require_primary('auto_tune()');
    -- One cycle at a time: two would apply and judge the same indexes. A cycle whose session is
    -- gone (killed, server restarted) is marked failed.
    FOR v_other IN
        SELECT a.id, a.worker_pid, a.queued_by, EXISTS (
            SELECT FROM pg_catalog.pg_stat_activity AS s
            WHERE s.pid = a.worker_pid AND s.backend_start <= a.created_at
        ) AS alive
        FROM @extschema@.action_log AS a
        WHERE a.command_tag = 'AUTO TUNE' AND a.status = 'running'
        ORDER BY a.id
    LOOP
        IF v_other.alive THEN
            RAISE EXCEPTION 'wedopt: auto_tune cycle % is still running (backend %)', v_other.id, v_other.worker_pid
                USING ERRCODE = 'object_in_use',
                      HINT = 'One cycle at a time: wait for it (wedopt.action_log id ' || v_other.id || ').';
        END IF;
        IF EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = v_other.queued_by)
           AND pg_catalog.pg_has_role(session_user, v_other.queued_by, 'MEMBER') THEN
            PERFORM @extschema@._action_update(v_other.id, pg_catalog.jsonb_build_object('status', 'failed',
                'error', 'interrupted: its session ended before the cycle did', 'finished_at', pg_catalog.clock_timestamp()));
        END IF;
    END LOOP;
    RETURN @extschema@._action_record(pg_catalog.jsonb_build_object(
        'queued_by', current_user, 'source', 'auto_tune', 'command_tag', 'AUTO TUNE',
        'statement', 'CALL wedopt.auto_tune()', 'reason', 'one auto_tune cycle', 'mode', 'immediate',
        'status', 'running', 'started_at', pg_catalog.clock_timestamp(), 'worker_pid', pg_catalog.pg_backend_pid(),
        'detail', pg_catalog.jsonb_build_object(
            'policy', @extschema@.get_setting('act.auto_apply'), 'as_of', p_as_of,
            'workload', CASE WHEN p_queries IS NULL THEN 'pg_stat_statements' ELSE 'queries given' END)));
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_start(text[], timestamptz) IS
'wedopt (internal): record the start of an auto_tune() cycle in wedopt.action_log (command_tag '
'AUTO TUNE, status running, worker_pid this backend); refuses (55006) while another cycle runs, and '
'marks one whose session is gone failed; returns its id';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_start(text[], timestamptz) TO wedopt_admin;
