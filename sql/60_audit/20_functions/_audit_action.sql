CREATE OR REPLACE FUNCTION @extschema@._audit_action(p_action text, p_target text, p_detail jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_role text := pg_catalog.current_setting('role');
    v_at timestamptz := pg_catalog.statement_timestamp();
    v_id bigint := pg_catalog.nextval('@extschema@.audit_log_id_seq'::regclass);
BEGIN
    -- The first action may come before any table was audited: make sure partitions exist.
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_inherits AS i
        WHERE i.inhparent OPERATOR(pg_catalog.=) '@extschema@.audit_statement'::regclass
    ) OR NOT EXISTS (
        SELECT FROM pg_catalog.pg_inherits AS i
        WHERE i.inhparent OPERATOR(pg_catalog.=) '@extschema@.audit_log'::regclass
    ) THEN
        PERFORM @extschema@.maintain_audit_log(FALSE);
    END IF;
    -- Every column of both tables, named, as the C trigger writes them (tests/audit checks
    -- both writers against the tables' definitions).
    -- The statement row bears the id of its (first) log row, as the C trigger writes it.
    INSERT INTO @extschema@.audit_statement AS s (
        id, changed_at, relid, table_schema, table_name,
        changed_by, session_user_name, application_name, client_addr, transaction_id,
        app_user_id, statement
    ) VALUES (
        v_id, v_at, NULL, NULL, NULL,
        CASE WHEN v_role OPERATOR(pg_catalog.=) 'none' THEN session_user::text ELSE v_role END,
        session_user, pg_catalog.current_setting('application_name'), pg_catalog.inet_client_addr(),
        pg_catalog.txid_current(),
        nullif(
            pg_catalog.current_setting(@extschema@.get_setting('audit.app_user_setting'), TRUE), ''
        ),
        NULL
    );
    INSERT INTO @extschema@.audit_log AS a (
        id, changed_at, statement_id, operation, record_id, old_values, new_values
    ) VALUES (
        v_id, v_at, v_id, 'ACTION',
        pg_catalog.jsonb_build_object('action', p_action, 'target', p_target), NULL, p_detail
    );
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION @extschema@._audit_action(text, text, jsonb) IS
'wedopt (internal): record an action wedopt takes (a setting changed, an index built ...) in '
'wedopt.audit_log as operation ACTION, with its wedopt.audit_statement row (who, the transaction id '
'that links it to its changes); returns the audit_log row id; wedopt._record_action() calls it';

GRANT EXECUTE ON FUNCTION @extschema@._audit_action(text, text, jsonb) TO wedopt_admin;
