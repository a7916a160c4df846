CREATE TABLE @extschema@.integrity_check (
    check_name text PRIMARY KEY CHECK (check_name ~ '^[a-z][a-z0-9_]*$'),
    table_name text NOT NULL,
    resource_column text NOT NULL,
    date_column text NOT NULL,
    status_column text,
    ignored_statuses text[],
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by text NOT NULL DEFAULT current_user,
    CHECK ((status_column IS NULL) = (ignored_statuses IS NULL))
);

COMMENT ON TABLE @extschema@.integrity_check IS
'wedopt: double-booking checks run by check_health(): no two rows of table_name may share '
'(resource_column, date_column), rows whose status_column is in ignored_statuses aside; '
'write it with wedopt.register_integrity_check() / unregister_integrity_check()';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.integrity_check', '');

GRANT SELECT ON @extschema@.integrity_check TO wedopt_monitor;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.integrity_check TO wedopt_admin;
