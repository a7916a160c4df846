-- A procedure, not a function: undoing a CREATE INDEX is a DROP INDEX CONCURRENTLY, which the
-- dispatcher runs after a COMMIT; the undone action becomes rolled_back only once it succeeded.
-- No SET clause (a procedure with one cannot COMMIT): every name is qualified.
CREATE OR REPLACE PROCEDURE @extschema@.rollback_action(
    action_id bigint,
    reason text DEFAULT NULL,
    force boolean DEFAULT FALSE,
    INOUT rollback_id bigint DEFAULT NULL,
    INOUT status text DEFAULT NULL
)
LANGUAGE plpgsql
SECURITY INVOKER
AS $$
DECLARE
    v_plan record;
    v_reason text;
    v_result jsonb;
BEGIN
    PERFORM @extschema@._require_primary('rollback_action()');
    v_plan := @extschema@._rollback_plan(action_id);
    v_reason := coalesce(reason, pg_catalog.format('rollback of action %s', action_id));
    IF v_plan.kind OPERATOR(pg_catalog.=) 'index' THEN
        CALL @extschema@._undo_index(action_id, 'rollback_action', v_reason, coalesce(force, FALSE),
            pg_catalog.current_setting('search_path'), v_result);
        rollback_id := (v_result OPERATOR(pg_catalog.->>) 'action_id')::bigint;
        status := v_result OPERATOR(pg_catalog.->>) 'outcome';
        IF status OPERATOR(pg_catalog.=) 'gone' THEN
            RAISE EXCEPTION 'wedopt: the index of action % no longer exists', action_id
                USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Nothing was undone: it was dropped already.';
        ELSIF status OPERATOR(pg_catalog.=) 'refused' THEN
            RAISE EXCEPTION USING ERRCODE = v_result OPERATOR(pg_catalog.->>) 'sqlstate',
                MESSAGE = v_result OPERATOR(pg_catalog.->>) 'error', DETAIL = coalesce(v_result OPERATOR(pg_catalog.->>) 'detail', ''),
                HINT = coalesce(v_result OPERATOR(pg_catalog.->>) 'hint', 'Nothing was undone.');
        ELSIF status OPERATOR(pg_catalog.<>) 'rolled_back' THEN
            RAISE EXCEPTION 'wedopt: the DROP INDEX of action % ended %: %', action_id, status,
                coalesce(v_result OPERATOR(pg_catalog.->>) 'error', 'no error recorded')
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = pg_catalog.format('See wedopt.action_log id %s; action %s stays succeeded.', rollback_id, action_id);
        END IF;
        RETURN;
    END IF;
    IF v_plan.kind OPERATOR(pg_catalog.=) 'alter' THEN
        SELECT r.action_id INTO rollback_id FROM @extschema@._execute_admin_sql(v_plan.statement, v_reason,
            coalesce(force, FALSE), pg_catalog.current_setting('search_path'), 'rollback_action', action_id) AS r;
    ELSE
        rollback_id := @extschema@._undo_statistics(action_id, v_plan.statement, v_reason, force);
    END IF;
    PERFORM @extschema@._action_annotate(action_id,
        pg_catalog.jsonb_build_object('rolled_back_reason', v_reason), rollback_id);
    status := 'rolled_back';
END
$$;

COMMENT ON PROCEDURE @extschema@.rollback_action (bigint, text, boolean, bigint, text) IS
'wedopt: CALL wedopt.rollback_action(id, reason) undoes a succeeded action where it can: CREATE INDEX '
'(DROP INDEX CONCURRENTLY IF EXISTS of that index, found by oid and re-checked), ALTER TABLE SET/RESET '
'(the old storage parameters put back), CREATE STATISTICS (DROP STATISTICS); the undo is a new action '
'(source rollback_action, parent_id the undone one), which becomes rolled_back when it succeeded. '
'VACUUM, ANALYZE, REINDEX, CLUSTER, REFRESH and DROP INDEX cannot be undone (0A000). Only for the '
'role that queued the action (or a member of it); outside a transaction block. Commits between its '
'steps, so it takes no SET search_path and qualifies every name';

GRANT EXECUTE ON PROCEDURE @extschema@.rollback_action(bigint, text, boolean, bigint, text) TO wedopt_admin;
