-- What rollback_action() would do with an action: checks who asks and the action's state, then
-- per kind: index (drop it), alter (put the old storage parameters back, from before/after),
-- statistics (drop the objects it created); anything else cannot be undone (0A000).
CREATE OR REPLACE FUNCTION @extschema@._rollback_plan(p_action_id bigint, OUT kind text, OUT statement text)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_a @extschema@.action_log;
    v_now jsonb;
    v_key text;
    v_set text [] := '{}';
    v_reset text [] := '{}';
    v_name text;
    v_stats text [];
BEGIN
    SELECT a.* INTO v_a FROM @extschema@.action_log AS a WHERE a.id = p_action_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: no action %', p_action_id
            USING ERRCODE = 'invalid_parameter_value', HINT = 'See wedopt.action_log for the ids.';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = v_a.queued_by)
       OR NOT pg_catalog.pg_has_role(session_user, v_a.queued_by, 'MEMBER') THEN
        RAISE EXCEPTION 'wedopt: action % belongs to %', p_action_id, v_a.queued_by
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only the role that queued an action, a member of it or a superuser rolls it back.';
    END IF;
    IF v_a.status = 'rolled_back' THEN
        RAISE EXCEPTION 'wedopt: action % is rolled back already (by action %)', p_action_id, v_a.detail->>'rolled_back_by'
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Nothing to do.';
    END IF;
    IF v_a.status <> 'succeeded' THEN
        RAISE EXCEPTION 'wedopt: action % is %, only a succeeded action can be rolled back', p_action_id, v_a.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = CASE WHEN v_a.status IN ('queued', 'running')
                      THEN pg_catalog.format('CALL wedopt.wait_for_action(%s) first.', p_action_id)
                      ELSE 'A failed or refused action changed nothing.' END;
    END IF;
    IF v_a.detail ? 'skipped' THEN
        RAISE EXCEPTION 'wedopt: action % changed nothing (%)', p_action_id, v_a.detail->>'skipped'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'What it found was there before it; drop it with execute_admin_sql() if it must go.';
    END IF;
    CASE v_a.command_tag
    WHEN 'CREATE INDEX' THEN
        kind := 'index';
    WHEN 'ALTER TABLE' THEN
        IF v_a.before IS NULL OR NOT v_a.before ? 'reloptions' OR NOT v_a.after ? 'reloptions' THEN
            RAISE EXCEPTION 'wedopt: action % did not record the storage parameters it replaced', p_action_id
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'Set them back yourself with execute_admin_sql(''ALTER TABLE ... SET/RESET (...)'').';
        END IF;
        v_now := @extschema@._action_figures(v_a.table_oid)->'reloptions';
        IF v_now IS NULL THEN
            RAISE EXCEPTION 'wedopt: the table of action % no longer exists', p_action_id
                USING ERRCODE = 'undefined_table', HINT = 'Nothing to undo.';
        END IF;
        FOR v_key IN
            SELECT k FROM pg_catalog.jsonb_object_keys(v_a.before->'reloptions' || v_a.after->'reloptions') AS k
            WHERE v_a.before->'reloptions'->k IS DISTINCT FROM v_a.after->'reloptions'->k ORDER BY 1
        LOOP
            IF v_now->v_key IS DISTINCT FROM v_a.after->'reloptions'->v_key THEN
                RAISE EXCEPTION 'wedopt: storage parameter % of % changed again since action %', v_key, v_a.target, p_action_id
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = pg_catalog.format('It is %s now, the action left it %s: roll back the later change first.',
                              coalesce(v_now->>v_key, 'unset'), coalesce(v_a.after->'reloptions'->>v_key, 'unset'));
            END IF;
            v_name := CASE WHEN v_key LIKE 'toast.%' THEN 'toast.' || pg_catalog.quote_ident(pg_catalog.substr(v_key, 7))
                ELSE pg_catalog.quote_ident(v_key) END;
            IF v_a.before->'reloptions' ? v_key THEN
                v_set := v_set || pg_catalog.format('%s = %L', v_name, v_a.before->'reloptions'->>v_key);
            ELSE
                v_reset := v_reset || v_name;
            END IF;
        END LOOP;
        IF pg_catalog.cardinality(v_set) + pg_catalog.cardinality(v_reset) = 0 THEN
            RAISE EXCEPTION 'wedopt: action % changed no storage parameter', p_action_id
                USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Nothing to undo.';
        END IF;
        kind := 'alter';
        statement := pg_catalog.format('ALTER TABLE %s %s', v_a.table_oid::regclass, pg_catalog.concat_ws(', ',
            CASE WHEN pg_catalog.cardinality(v_set) > 0 THEN 'SET (' || pg_catalog.array_to_string(v_set, ', ') || ')' END,
            CASE WHEN pg_catalog.cardinality(v_reset) > 0 THEN 'RESET (' || pg_catalog.array_to_string(v_reset, ', ') || ')' END));
    WHEN 'CREATE STATISTICS' THEN
        -- The objects the action added (after, not before) that still exist, by oid.
        SELECT pg_catalog.array_agg(pg_catalog.format('%I.%I', n.nspname, e.stxname) ORDER BY e.oid) INTO v_stats
        FROM pg_catalog.jsonb_array_elements(coalesce(v_a.after->'statistics', '[]')) AS s
        JOIN pg_catalog.pg_statistic_ext AS e ON e.oid = (s->>'oid')::oid AND e.stxrelid = v_a.table_oid
        JOIN pg_catalog.pg_namespace AS n ON n.oid = e.stxnamespace
        WHERE NOT coalesce(v_a.before->'statistics', '[]') @> pg_catalog.jsonb_build_array(s);
        IF v_a.after IS NULL OR NOT v_a.after ? 'statistics' THEN
            RAISE EXCEPTION 'wedopt: action % did not record the statistics objects it created', p_action_id
                USING ERRCODE = 'feature_not_supported', HINT = 'Drop it yourself: DROP STATISTICS name.';
        END IF;
        IF v_stats IS NULL THEN
            RAISE EXCEPTION 'wedopt: the statistics object of action % no longer exists', p_action_id
                USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Nothing to undo.';
        END IF;
        kind := 'statistics';
        statement := 'DROP STATISTICS ' || pg_catalog.array_to_string(v_stats, ', ');
    ELSE
        RAISE EXCEPTION 'wedopt: action % (%) cannot be undone', p_action_id, coalesce(v_a.command_tag, 'unknown')
            USING ERRCODE = 'feature_not_supported',
                  HINT = CASE v_a.command_tag
                      WHEN 'VACUUM' THEN 'VACUUM removed dead row versions and froze rows: there is nothing to put back.'
                      WHEN 'ANALYZE' THEN 'ANALYZE replaced the planner statistics; the old ones are not kept. ANALYZE again later.'
                      WHEN 'REINDEX' THEN 'REINDEX rebuilt the same index; the old copy is gone and had the same contents.'
                      WHEN 'CLUSTER' THEN 'CLUSTER rewrote the table in index order; the old physical order is not kept.'
                      WHEN 'REFRESH MATERIALIZED VIEW' THEN 'The previous contents of the materialized view are not kept; refresh it again.'
                      WHEN 'DROP INDEX' THEN 'A dropped index is gone; re-create it with execute_admin_sql(''CREATE INDEX ...'') from the action''s statement.'
                      WHEN 'AUTO TUNE' THEN pg_catalog.format('This is an auto_tune() cycle: roll back the indexes it created (wedopt.action_log rows with parent_id %s) one by one.', p_action_id)
                      ELSE 'Only CREATE INDEX, ALTER TABLE SET/RESET (storage parameters) and CREATE STATISTICS can be undone.'
                  END;
    END CASE;
END
$$;

COMMENT ON FUNCTION @extschema@._rollback_plan(bigint) IS
'wedopt (internal): what rollback_action() does with an action (index, alter with the statement that '
'restores the storage parameters, statistics with the DROP STATISTICS), after checking who asks and '
'its status; raises 22023/42501/55000/0A000 with a HINT otherwise';

GRANT EXECUTE ON FUNCTION @extschema@._rollback_plan(bigint) TO wedopt_admin;
