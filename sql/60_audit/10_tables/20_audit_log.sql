-- A plain sequence (no identity): its value is kept by pg_dump through config_dump,
-- and with no cache it hands out ids in the order the changes really happened.
CREATE SEQUENCE @extschema@.audit_log_id_seq AS bigint;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log_id_seq', '');

CREATE TABLE @extschema@.audit_log (
    id bigint NOT NULL DEFAULT pg_catalog.nextval('@extschema@.audit_log_id_seq'::regclass),
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.statement_timestamp(),
    relid oid,
    table_schema text,
    table_name text,
    operation text NOT NULL,
    record_id jsonb,
    old_values jsonb,
    new_values jsonb,
    changed_by text NOT NULL,
    session_user_name text NOT NULL,
    application_name text,
    client_addr inet,
    transaction_id bigint NOT NULL,
    app_user_id text,
    statement text
) PARTITION BY RANGE (changed_at);

ALTER SEQUENCE @extschema@.audit_log_id_seq OWNED BY @extschema@.audit_log.id;

COMMENT ON TABLE @extschema@.audit_log IS
'wedopt: every audited change (one row per changed row, one per TRUNCATE) and every action '
'wedopt takes (operation ACTION); partitioned by month on changed_at, old partitions dropped '
'after the setting audit.retention; rows cannot be updated or deleted';
COMMENT ON COLUMN @extschema@.audit_log.id IS
'order of the changes: a row''s changes are numbered in the order they happened';
COMMENT ON COLUMN @extschema@.audit_log.changed_at IS 'statement_timestamp() of the change';
COMMENT ON COLUMN @extschema@.audit_log.relid IS
'oid of the audited table (the partitioned parent for a write to one of its partitions)';
COMMENT ON COLUMN @extschema@.audit_log.operation IS 'INSERT, UPDATE, DELETE, TRUNCATE or ACTION';
COMMENT ON COLUMN @extschema@.audit_log.record_id IS
'the row''s primary key as jsonb ({"id": 42}); the whole row when the table has no primary key';
COMMENT ON COLUMN @extschema@.audit_log.old_values IS
'UPDATE: old values of the changed columns; DELETE: the whole old row; excluded columns never';
COMMENT ON COLUMN @extschema@.audit_log.new_values IS
'UPDATE: new values of the changed columns; INSERT: NULL (rebuilt by record_history() '
'from the live row and the later changes); ACTION: its detail';
COMMENT ON COLUMN @extschema@.audit_log.changed_by IS
'the role in force (SET ROLE, else the login role) when the change was made';
COMMENT ON COLUMN @extschema@.audit_log.transaction_id IS 'txid_current() of the changing transaction';
COMMENT ON COLUMN @extschema@.audit_log.app_user_id IS
'the application''s user, read from the setting named by audit.app_user_setting '
'(default app.current_user_id)';
COMMENT ON COLUMN @extschema@.audit_log.statement IS
'the top-level statement text (current_query()), when the table is audited with log_statement';

-- Audit rows are read by admins only: they hold the values of every audited table.
GRANT SELECT ON @extschema@.audit_log TO wedopt_admin;
