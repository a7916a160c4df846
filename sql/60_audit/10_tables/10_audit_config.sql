CREATE TABLE @extschema@.audit_config (
    target regclass PRIMARY KEY,
    pk_columns text[],
    columns_excluded text[] NOT NULL DEFAULT '{}',
    log_statement boolean NOT NULL DEFAULT FALSE,
    enabled boolean NOT NULL DEFAULT TRUE,
    enabled_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    enabled_by text NOT NULL DEFAULT current_user,
    keyless_seen boolean NOT NULL DEFAULT FALSE,
    history_after bigint NOT NULL DEFAULT 0
);

COMMENT ON TABLE @extschema@.audit_config IS
'wedopt: the tables whose changes are audited, with their options (kept by pg_dump); '
'write it through wedopt.enable_audit() and wedopt.disable_audit()';
COMMENT ON COLUMN @extschema@.audit_config.pk_columns IS
'primary-key columns the record id is built from, in key order; NULL when the table has no '
'primary key (the record id is then the whole row)';
COMMENT ON COLUMN @extschema@.audit_config.enabled IS
'false once disable_audit() ran: the row stays so that record_history() still reads the old rows right';
COMMENT ON COLUMN @extschema@.audit_config.keyless_seen IS
'the table had no primary key at some time while audited (its rows then logged under whole-row '
'record ids, which record_history() also searches)';
COMMENT ON COLUMN @extschema@.audit_config.history_after IS
'audit rows of an earlier table of the same name (dropped) end at this id: record_history() '
'does not take them for this table''s';
COMMENT ON COLUMN @extschema@.audit_config.columns_excluded IS
'columns never written to the audit log';

-- pg_dump keeps the rows of a configuration table; without this a restore loses them.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_config', '');

GRANT SELECT ON @extschema@.audit_config TO wedopt_monitor;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.audit_config TO wedopt_admin;
