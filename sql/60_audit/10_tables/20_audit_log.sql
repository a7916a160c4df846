-- A plain sequence (no identity): its value is kept by pg_dump through config_dump,
-- and with no cache it hands out ids in the order the changes really happened.
CREATE SEQUENCE @extschema@.audit_log_id_seq AS bigint;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log_id_seq', '');

-- One row per changed row, with only what is the row's own: the facts of the statement
-- that changed it are in wedopt.audit_statement (wedopt.audit_trail shows both as one).
CREATE TABLE @extschema@.audit_log (
    id bigint NOT NULL DEFAULT pg_catalog.nextval('@extschema@.audit_log_id_seq'::regclass),
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.statement_timestamp(),
    statement_id bigint NOT NULL,
    operation text NOT NULL,
    record_id jsonb,
    old_values jsonb,
    new_values jsonb
) PARTITION BY RANGE (changed_at);

ALTER SEQUENCE @extschema@.audit_log_id_seq OWNED BY @extschema@.audit_log.id;

COMMENT ON TABLE @extschema@.audit_log IS
'wedopt: every audited change (one row per changed row, one per TRUNCATEd row) and every action '
'wedopt takes (operation ACTION); the who, where and which table are in wedopt.audit_statement '
'(wedopt.audit_trail joins them); partitioned by month on changed_at, old partitions dropped '
'after the setting audit.retention; rows cannot be updated or deleted';
COMMENT ON COLUMN @extschema@.audit_log.id IS
'order of the changes: a row''s changes are numbered in the order they happened';
COMMENT ON COLUMN @extschema@.audit_log.changed_at IS 'statement_timestamp() of the change';
COMMENT ON COLUMN @extschema@.audit_log.statement_id IS
'the wedopt.audit_statement row (id, with the same changed_at) of the statement that made the change';
COMMENT ON COLUMN @extschema@.audit_log.operation IS 'INSERT, UPDATE, DELETE, TRUNCATE or ACTION';
COMMENT ON COLUMN @extschema@.audit_log.record_id IS
'the row''s primary key as jsonb ({"id": 42}); the whole row when the table has no primary key';
COMMENT ON COLUMN @extschema@.audit_log.old_values IS
'UPDATE: old values of the changed columns; DELETE: the whole old row; excluded columns never';
COMMENT ON COLUMN @extschema@.audit_log.new_values IS
'UPDATE: new values of the changed columns; INSERT: NULL (rebuilt by record_history() '
'from the live row and the later changes); ACTION: its detail';

-- Audit rows are read by admins only: they hold the values of every audited table.
GRANT SELECT ON @extschema@.audit_log TO wedopt_admin;
