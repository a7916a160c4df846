-- Drop the index a CREATE INDEX action built, through execute_admin_sql's machinery (guard rails,
-- dispatcher), as a new action whose parent is the one undone; once the drop succeeded the
-- undone action becomes rolled_back. A procedure: the concurrent drop runs after a COMMIT.
-- No SET clause (a procedure with one cannot COMMIT): every name is qualified.
CREATE OR REPLACE PROCEDURE @extschema@._undo_index(
    p_action_id bigint,
    p_source text,
    p_reason text,
    p_force boolean,
    p_search_path text,
    INOUT p_result jsonb DEFAULT NULL
)
LANGUAGE plpgsql
SECURITY INVOKER
AS $$
DECLARE
    v_sql text := @extschema@._undo_index_statement(p_action_id);
    v_drop bigint;
    v_status text;
    v_error text;
    v_state text;
    v_message text;
    v_hint text;
    v_detail text;
BEGIN
    IF v_sql IS NULL THEN
        p_result := pg_catalog.jsonb_build_object('outcome', 'gone', 'note', 'the index no longer exists');
        RETURN;
    END IF;
    BEGIN
        SELECT r.action_id, r.status INTO v_drop, v_status
        FROM @extschema@._execute_admin_sql(v_sql, p_reason, p_force, p_search_path, p_source, p_action_id) AS r;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
            v_hint = PG_EXCEPTION_HINT, v_detail = PG_EXCEPTION_DETAIL;
        p_result := pg_catalog.jsonb_build_object('outcome', 'refused', 'statement', v_sql, 'sqlstate', v_state,
            'error', v_message, 'hint', v_hint, 'detail', v_detail);
        RETURN;
    END;
    COMMIT;
    IF v_status OPERATOR(pg_catalog.=) 'queued' THEN
        CALL @extschema@.wait_for_action(v_drop,
            @extschema@.get_setting('act.auto_tune_build_timeout')::interval, v_status, v_error);
    END IF;
    IF v_status OPERATOR(pg_catalog.=) 'succeeded' THEN
        PERFORM @extschema@._action_annotate(p_action_id,
            pg_catalog.jsonb_build_object('rolled_back_reason', p_reason), v_drop);
        COMMIT;
    END IF;
    p_result := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'outcome', CASE WHEN v_status OPERATOR(pg_catalog.=) 'succeeded' THEN 'rolled_back' ELSE v_status END,
        'statement', v_sql, 'action_id', v_drop, 'error', v_error));
END
$$;

COMMENT ON PROCEDURE @extschema@._undo_index (bigint, text, text, boolean, text, jsonb) IS
'wedopt (internal): drop the index a CREATE INDEX action built (DROP INDEX CONCURRENTLY IF EXISTS, '
'by oid, re-checked) as a new action with parent_id = that action, wait for it and mark the action '
'rolled_back; returns the outcome (rolled_back, gone, refused, failed, queued) as jsonb. Commits between '
'its steps, so it takes no SET search_path and qualifies every name';

GRANT EXECUTE ON PROCEDURE @extschema@._undo_index(bigint, text, text, boolean, text, jsonb) TO wedopt_admin;
