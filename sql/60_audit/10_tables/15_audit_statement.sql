-- One row per audited statement and table (and per action wedopt takes): the facts every
-- row it changed shares, written once instead of on every wedopt.audit_log row. Its id is
-- that of the statement's first audit_log row (no sequence of its own).
CREATE TABLE @extschema@.audit_statement (
    id bigint NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.statement_timestamp(),
    relid oid,
    table_schema text,
    table_name text,
    changed_by text NOT NULL,
    session_user_name text NOT NULL,
    application_name text,
    client_addr inet,
    transaction_id bigint NOT NULL,
    app_user_id text,
    statement text
) PARTITION BY RANGE (changed_at);
-- Each partition's index on id (through which a log row finds its statement) is made by
-- maintain_audit_log(), not here: an index of this parent (the extension's) would clash with
-- the partitions' own when pg_restore recreates them.

COMMENT ON TABLE @extschema@.audit_statement IS
'wedopt: one row per audited statement and table (an UPDATE of 100,000 rows is one row here and '
'100,000 in wedopt.audit_log) and per action wedopt takes: who, from where, in which transaction; '
'partitioned like wedopt.audit_log on changed_at, with the same bounds, dropped with it by '
'retention; rows cannot be updated or deleted; wedopt.audit_trail joins the two';
COMMENT ON COLUMN @extschema@.audit_statement.id IS
'the id of the statement''s first wedopt.audit_log row; referenced by wedopt.audit_log.statement_id '
'(with changed_at)';
COMMENT ON COLUMN @extschema@.audit_statement.changed_at IS
'statement_timestamp() of the statement; its audit_log rows bear the same';
COMMENT ON COLUMN @extschema@.audit_statement.relid IS
'oid of the audited table (the partitioned parent for a write to one of its partitions); NULL for an action';
COMMENT ON COLUMN @extschema@.audit_statement.changed_by IS
'the role in force (SET ROLE, else the login role) when the change was made';
COMMENT ON COLUMN @extschema@.audit_statement.transaction_id IS
'txid_current() of the changing transaction';
COMMENT ON COLUMN @extschema@.audit_statement.app_user_id IS
'the application''s user, read from the setting named by audit.app_user_setting '
'(default app.current_user_id)';
COMMENT ON COLUMN @extschema@.audit_statement.statement IS
'the top-level statement text (current_query()), when the table is audited with log_statement';

-- Audit rows are read by admins only.
GRANT SELECT ON @extschema@.audit_statement TO wedopt_admin;
