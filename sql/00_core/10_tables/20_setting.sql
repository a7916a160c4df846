CREATE TABLE @extschema@.setting (
    name text PRIMARY KEY REFERENCES @extschema@.setting_default (name) ON DELETE CASCADE,
    value text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    changed_by text NOT NULL DEFAULT current_user
);

COMMENT ON TABLE @extschema@.setting IS
'wedopt: settings the DBA changed from their defaults (kept by pg_dump); '
'write it through wedopt.set_setting() and wedopt.reset_setting()';

-- pg_dump keeps the rows of a configuration table; without this a restore loses them.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.setting', '');

GRANT SELECT ON @extschema@.setting TO wedopt_monitor;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.setting TO wedopt_admin;
