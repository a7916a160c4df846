-- The audit log as one row per change with the facts of its statement: the shape
-- wedopt.audit_log had before those facts moved to wedopt.audit_statement.
CREATE OR REPLACE VIEW @extschema@.audit_trail AS
SELECT
    a.id,
    a.changed_at,
    s.relid,
    s.table_schema,
    s.table_name,
    a.operation,
    a.record_id,
    a.old_values,
    a.new_values,
    s.changed_by,
    s.session_user_name,
    s.application_name,
    s.client_addr,
    s.transaction_id,
    s.app_user_id,
    s.statement,
    a.statement_id
FROM @extschema@.audit_log AS a
-- LEFT: a change is shown even if its statement row were missing
LEFT JOIN @extschema@.audit_statement AS s
    ON
        a.statement_id = s.id
        AND a.changed_at = s.changed_at;

COMMENT ON VIEW @extschema@.audit_trail IS
'wedopt: every audited change and every action, one row per wedopt.audit_log row with the facts '
'of its wedopt.audit_statement row (who, from where, which table, which transaction, the statement)';

GRANT SELECT ON @extschema@.audit_trail TO wedopt_admin;
