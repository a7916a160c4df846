CREATE TABLE @extschema@.setting_default (
    name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.]*$'),
    area text NOT NULL,
    value_type text NOT NULL CHECK (
        value_type IN ('integer', 'numeric', 'boolean', 'interval', 'text', 'text[]')
    ),
    conservative text NOT NULL,
    moderate text NOT NULL,
    aggressive text NOT NULL,
    allowed_values text[],
    unit text,
    description text NOT NULL
);

COMMENT ON TABLE @extschema@.setting_default IS
'wedopt: every setting with its default at each aggressiveness level (owned by the extension; '
'change values with wedopt.set_setting(), which writes wedopt.setting)';
COMMENT ON COLUMN @extschema@.setting_default.conservative IS
'default when the setting aggressiveness is conservative';
COMMENT ON COLUMN @extschema@.setting_default.moderate IS
'default when the setting aggressiveness is moderate (the default level)';
COMMENT ON COLUMN @extschema@.setting_default.aggressive IS
'default when the setting aggressiveness is aggressive';

GRANT SELECT ON @extschema@.setting_default TO wedopt_monitor;
