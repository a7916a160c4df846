-- DROP STATISTICS is no statement execute_admin_sql() accepts from callers, so rollback_action()
-- runs the one it built (names from the catalog, by oid) here: as the caller (PostgreSQL checks
-- ownership), under the guard rails and act.lock_timeout, logged as an action of its own.
CREATE OR REPLACE FUNCTION @extschema@._undo_statistics(
    p_action_id bigint,
    p_statement text,
    p_reason text,
    p_force boolean
)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_parent @extschema@.action_log;
    v_guard text;
    v_row jsonb;
    v_id bigint;
    v_started timestamptz := pg_catalog.clock_timestamp();
    v_state text;
    v_message text;
    v_old_timeout text := pg_catalog.current_setting('lock_timeout');
BEGIN
    SELECT a.* INTO v_parent FROM @extschema@.action_log AS a WHERE a.id = p_action_id;
    PERFORM @extschema@._require_one_statement(p_statement, 'DropStmt');
    v_row := pg_catalog.jsonb_build_object('queued_by', current_user, 'source', 'rollback_action',
        'parent_id', p_action_id, 'statement', p_statement, 'reason', p_reason, 'command_tag', 'DROP STATISTICS',
        'target', v_parent.target, 'target_oid', v_parent.target_oid, 'table_oid', v_parent.table_oid,
        'steps', pg_catalog.jsonb_build_array(p_statement), 'forced', coalesce(p_force, FALSE),
        'before', @extschema@._action_figures(v_parent.table_oid));
    v_guard := @extschema@._admin_guard_rails();
    IF v_guard IS NOT NULL AND NOT coalesce(p_force, FALSE) THEN
        v_id := @extschema@._action_record(v_row || pg_catalog.jsonb_build_object('mode', 'refused', 'status', 'refused',
            'sqlstate', '42501', 'error', 'wedopt: ' || v_guard, 'finished_at', pg_catalog.clock_timestamp()), TRUE);
        RAISE EXCEPTION 'wedopt: %', v_guard
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = pg_catalog.format('Logged as refused: wedopt.action_log id %s.', v_id),
                  HINT = 'Nothing was run. Try again later, or force => true with a reason.';
    END IF;
    BEGIN
        PERFORM pg_catalog.set_config('lock_timeout', @extschema@._act_lock_timeout(), TRUE);
        EXECUTE p_statement;
        PERFORM pg_catalog.set_config('lock_timeout', v_old_timeout, TRUE);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
        v_id := @extschema@._action_record(v_row || pg_catalog.jsonb_build_object('mode', 'immediate', 'status', 'failed',
            'sqlstate', v_state, 'error', v_message, 'started_at', v_started, 'finished_at', pg_catalog.clock_timestamp()), TRUE);
        RAISE EXCEPTION 'wedopt: %', v_message
            USING ERRCODE = v_state, DETAIL = pg_catalog.format('Logged as failed: wedopt.action_log id %s.', v_id),
                  HINT = 'Nothing was undone.';
    END;
    v_id := @extschema@._action_record(v_row || pg_catalog.jsonb_build_object('mode', 'immediate', 'status', 'succeeded',
        'started_at', v_started, 'finished_at', pg_catalog.clock_timestamp(),
        'after', @extschema@._action_figures(v_parent.table_oid)));
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION @extschema@._undo_statistics(bigint, text, text, boolean) IS
'wedopt (internal): run the DROP STATISTICS that undoes a CREATE STATISTICS action (as the caller, '
'under the guard rails and act.lock_timeout) and log it as a rollback_action action; returns its id';

GRANT EXECUTE ON FUNCTION @extschema@._undo_statistics(bigint, text, text, boolean) TO wedopt_admin;
