CREATE OR REPLACE FUNCTION @extschema@._action_claim(p_action_id bigint)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_status text;
BEGIN
    PERFORM @extschema@._require_primary('_action_claim()');
    -- The same claim and execution-time check as the dispatcher's; the step it returns is not used.
    PERFORM FROM @extschema@._action_next_step(p_action_id);
    SELECT a.status INTO v_status FROM @extschema@.action_log AS a WHERE a.id OPERATOR(pg_catalog.=) p_action_id;
    IF v_status IS DISTINCT FROM 'running' THEN
        RAISE EXCEPTION 'wedopt: action % cannot run here (status %)', p_action_id, coalesce(v_status, 'unknown')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Stop here (\set ON_ERROR_STOP on): see wedopt.action_log for why.';
    END IF;
    RETURN 'running';
END
$$;

COMMENT ON FUNCTION @extschema@._action_claim(bigint) IS
'wedopt (internal): first statement of an action run by psql \gexec: claim it for this session and '
'check it again at execution time; raises when it may not run';

GRANT EXECUTE ON FUNCTION @extschema@._action_claim(bigint) TO wedopt_admin;
