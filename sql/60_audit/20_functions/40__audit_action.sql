CREATE OR REPLACE FUNCTION @extschema@._audit_action(p_action text, p_target text, p_detail jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_role text := pg_catalog.current_setting('role');
    v_id bigint;
BEGIN
    -- The first action may come before any table was audited: make sure a partition exists.
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_inherits AS i
        WHERE i.inhparent OPERATOR(pg_catalog.=) '@extschema@.audit_log'::regclass
    ) THEN
        PERFORM @extschema@.maintain_audit_log(FALSE);
    END IF;
    INSERT INTO @extschema@.audit_log AS a (
        operation, record_id, new_values,
        changed_by, session_user_name, application_name, client_addr, transaction_id,
        app_user_id
    ) VALUES (
        'ACTION',
        pg_catalog.jsonb_build_object('action', p_action, 'target', p_target), p_detail,
        CASE WHEN v_role OPERATOR(pg_catalog.=) 'none' THEN session_user::text ELSE v_role END,
        session_user, pg_catalog.current_setting('application_name'), pg_catalog.inet_client_addr(),
        pg_catalog.txid_current(),
        nullif(
            pg_catalog.current_setting(@extschema@.get_setting('audit.app_user_setting'), TRUE), ''
        )
    )
    RETURNING a.id INTO v_id;
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION @extschema@._audit_action(text, text, jsonb) IS
'wedopt (internal): record an action wedopt takes (a setting changed, an index built ...) in '
'wedopt.audit_log as operation ACTION, with the transaction id that links it to its changes; '
'returns the audit row id';

GRANT EXECUTE ON FUNCTION @extschema@._audit_action(text, text, jsonb) TO wedopt_admin;
