-- Last statement of an action run by psql \gexec: psql reports errors to the user, not to us, so
-- the outcome is read from the catalog: every index the steps build exists and is valid, every
-- index they drop is gone.
CREATE OR REPLACE FUNCTION @extschema@._action_finish(p_action_id bigint)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row @extschema@.action_log;
    v_step text;
    v_index regclass;
    v_problem text;
    v_parsed @extschema@.parsed_statement;
BEGIN
    PERFORM @extschema@._require_primary('_action_finish()');
    PERFORM @extschema@._act_expect(NULL);  -- the last step's expectation ends here
    SELECT a.* INTO v_row FROM @extschema@.action_log AS a WHERE a.id OPERATOR(pg_catalog.=) p_action_id;
    IF NOT FOUND OR v_row.status OPERATOR(pg_catalog.<>) 'running' THEN
        RETURN coalesce(v_row.status, 'unknown');
    END IF;
    FOREACH v_step IN ARRAY v_row.steps LOOP
        SELECT p.* INTO v_parsed FROM @extschema@._parse_statements(v_step) AS p;
        IF v_parsed.node_type OPERATOR(pg_catalog.=) 'IndexStmt' THEN
            v_index := @extschema@._action_index_of_step(v_step);
            IF v_index IS NULL THEN
                v_problem := 'the index of ' || v_step || ' does not exist';
            ELSIF NOT (SELECT i.indisvalid FROM pg_catalog.pg_index AS i WHERE i.indexrelid OPERATOR(pg_catalog.=) v_index) THEN
                v_problem := pg_catalog.format('index %s is INVALID: run DROP INDEX CONCURRENTLY %s', v_index, v_index);
            END IF;
        ELSIF v_parsed.command_tag OPERATOR(pg_catalog.=) 'DROP INDEX'
              AND pg_catalog.to_regclass(v_parsed.relations[1]) IS NOT NULL THEN
            v_problem := v_parsed.relations[1] || ' still exists';
        END IF;
    END LOOP;
    PERFORM @extschema@._action_update(p_action_id, pg_catalog.jsonb_build_object(
        'status', CASE WHEN v_problem IS NULL THEN 'succeeded' ELSE 'failed' END,
        'error', v_problem, 'finished_at', pg_catalog.clock_timestamp(),
        'step_no', coalesce(pg_catalog.cardinality(v_row.steps), 0) OPERATOR(pg_catalog.+) 1,
        'after', @extschema@._action_figures(coalesce(
            (SELECT i.indrelid FROM pg_catalog.pg_index AS i WHERE i.indexrelid OPERATOR(pg_catalog.=) v_row.target_oid),
            v_row.target_oid)),
        'detail', '{"dispatcher": "psql"}'::jsonb));
    RETURN CASE WHEN v_problem IS NULL THEN 'succeeded' ELSE 'failed: ' || v_problem END;
END
$$;

COMMENT ON FUNCTION @extschema@._action_finish(bigint) IS
'wedopt (internal): last statement of an action run by psql \gexec: verify the outcome in the catalog '
'and mark the action succeeded or failed';

GRANT EXECUTE ON FUNCTION @extschema@._action_finish(bigint) TO wedopt_admin;
