-- The outcome of a step run by the dispatcher: go on (0), retry after a backoff (ms), or stop (-1).
-- A lock timeout (or a deadlock the server broke) is retried up to act.lock_retries times; a failed
-- concurrent build's INVALID index is dropped (the clean-up step) before the action is marked failed.
CREATE OR REPLACE FUNCTION @extschema@._action_step_done(
    p_action_id bigint,
    p_step_no integer,
    p_ok boolean,
    p_sqlstate text,
    p_message text
)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row @extschema@.action_log;
    v_index regclass;
    v_retries integer := @extschema@.get_setting('act.lock_retries')::integer;
    v_backoff integer := @extschema@.get_setting('act.retry_backoff_ms')::integer;
    v_expected jsonb := @extschema@._act_expect(NULL);
    v_confirm record := @extschema@._act_confirmation(v_expected);
BEGIN
    SELECT a.* INTO v_row FROM @extschema@.action_log AS a WHERE a.id OPERATOR(pg_catalog.=) p_action_id;
    IF NOT FOUND OR v_row.status NOT IN ('queued', 'running') THEN
        RETURN -1;
    END IF;
    -- A step that ran without the event trigger's confirmation (_act_expect) did not succeed.
    IF p_ok AND v_expected IS NOT NULL AND NOT v_confirm.ok THEN
        p_ok := FALSE;
        p_sqlstate := '55000';
        p_message := pg_catalog.format('wedopt: %s was %s', (v_expected->>'tag'), v_confirm.note);
    ELSIF p_ok AND v_expected IS NOT NULL THEN
        PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object('detail', pg_catalog.jsonb_build_object(
            'event_trigger', coalesce(v_row.detail->'event_trigger', '{}') || pg_catalog.jsonb_build_object(p_step_no::text, v_confirm.note))));
    END IF;
    IF p_step_no OPERATOR(pg_catalog.=) -1 THEN
        PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
            'status', 'failed', 'cleanup', NULL, 'finished_at', pg_catalog.clock_timestamp(),
            'detail', pg_catalog.jsonb_build_object(
                CASE WHEN p_ok THEN 'invalid_index_dropped' ELSE 'cleanup_failed' END,
                CASE WHEN p_ok THEN v_row.cleanup ELSE p_message END)));
        RETURN -1;
    END IF;
    IF p_ok THEN
        IF p_step_no OPERATOR(pg_catalog.>) 0 THEN
            PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
                'step_no', p_step_no OPERATOR(pg_catalog.+) 1, 'attempts', 0));
        ELSE
            PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
                'detail', pg_catalog.jsonb_build_object('invalid_index_dropped_before_build', v_row.steps[v_row.step_no])));
        END IF;
        RETURN 0;
    END IF;
    IF p_sqlstate IN ('55P03', '40P01') AND v_row.attempts OPERATOR(pg_catalog.<) v_retries THEN
        PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
            'attempts', v_row.attempts OPERATOR(pg_catalog.+) 1,
            'detail', pg_catalog.jsonb_build_object('lock_retries', v_row.attempts OPERATOR(pg_catalog.+) 1)));
        RETURN LEAST(v_backoff OPERATOR(pg_catalog.*) (2 OPERATOR(pg_catalog.^) v_row.attempts)::integer, 10000);
    END IF;
    IF p_step_no OPERATOR(pg_catalog.>) 0 THEN
        v_index := @extschema@._action_index_of_step(v_row.steps[p_step_no]);
    END IF;
    IF v_index IS NOT NULL AND NOT (SELECT i.indisvalid FROM pg_catalog.pg_index AS i WHERE i.indexrelid OPERATOR(pg_catalog.=) v_index) THEN
        PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
            'cleanup', pg_catalog.format('DROP INDEX CONCURRENTLY IF EXISTS %s', v_index::text),
            'sqlstate', p_sqlstate, 'error', p_message));
        RETURN 0;
    END IF;
    PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
        'status', 'failed', 'sqlstate', p_sqlstate, 'error', p_message, 'finished_at', pg_catalog.clock_timestamp()));
    RETURN -1;
END
$$;

COMMENT ON FUNCTION @extschema@._action_step_done(bigint, integer, boolean, text, text) IS
'wedopt (internal): record the outcome of a dispatched step; returns 0 to go on, a backoff in ms to '
'retry after a lock timeout, -1 to stop';

GRANT EXECUTE ON FUNCTION @extschema@._action_step_done(bigint, integer, boolean, text, text) TO wedopt_admin;
