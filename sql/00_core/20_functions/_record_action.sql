CREATE OR REPLACE FUNCTION @extschema@._record_action(p_action text, p_target text, p_detail jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- The action log is the audit area's (sql/60_audit: wedopt._audit_action writes it into
    -- wedopt.audit_statement and wedopt.audit_log). Core comes first and names nothing of a
    -- later area: this hook finds the writer at run time, by its signature.
    v_writer regprocedure := pg_catalog.to_regprocedure('@extschema@._audit_action(text,text,jsonb)');
    v_id bigint;
BEGIN
    IF v_writer IS NULL THEN
        RAISE EXCEPTION 'wedopt: cannot record the action % on %: the action log writer is missing',
            p_action, p_target
            USING ERRCODE = 'undefined_function',
                  HINT = 'wedopt._audit_action(text, text, jsonb) is part of the extension: '
                         'drop and create the extension again.';
    END IF;
    -- The function's name comes from the catalog (regproc output), never from the caller.
    EXECUTE pg_catalog.format('SELECT %s($1, $2, $3)', v_writer::oid::regproc)
    INTO v_id
    USING p_action, p_target, p_detail;
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION @extschema@._record_action(text, text, jsonb) IS
'wedopt (internal): record an action wedopt takes (a setting changed, an index built ...) in the '
'action log; the hook every area calls, core included; the audit area writes the log '
'(wedopt._audit_action); returns the audit row id';

GRANT EXECUTE ON FUNCTION @extschema@._record_action(text, text, jsonb) TO wedopt_admin;
