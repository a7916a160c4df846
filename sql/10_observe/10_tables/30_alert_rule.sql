CREATE TABLE @extschema@.alert_rule_default (
    rule_name text PRIMARY KEY,
    metric text NOT NULL,
    comparison text NOT NULL CHECK (comparison IN ('>', '>=', '<', '<=')),
    threshold numeric NOT NULL,
    duration interval NOT NULL DEFAULT '0',
    level text NOT NULL CHECK (level IN ('ERROR', 'WARN', 'INFO')),
    description text NOT NULL
);

COMMENT ON TABLE @extschema@.alert_rule_default IS
'wedopt: the alert rules wedopt ships (owned by the extension); change or add rules with '
'wedopt.set_alert_rule(), which writes wedopt.alert_rule; the view wedopt.alert_rules shows the rules in force';

CREATE TABLE @extschema@.alert_rule (
    rule_name text PRIMARY KEY CHECK (rule_name ~ '^[a-z][a-z0-9_]*$'),
    metric text NOT NULL,
    comparison text NOT NULL CHECK (comparison IN ('>', '>=', '<', '<=')),
    threshold numeric NOT NULL,
    duration interval NOT NULL DEFAULT '0',
    level text NOT NULL CHECK (level IN ('ERROR', 'WARN', 'INFO')),
    enabled boolean NOT NULL DEFAULT TRUE,
    description text,
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    changed_by text NOT NULL DEFAULT current_user
);

COMMENT ON TABLE @extschema@.alert_rule IS
'wedopt: alert rules the DBA added or changed (a row named like a shipped rule replaces it); '
'kept by pg_dump; write it with wedopt.set_alert_rule()';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.alert_rule', '');

GRANT SELECT ON @extschema@.alert_rule_default TO wedopt_monitor;
GRANT SELECT ON @extschema@.alert_rule TO wedopt_monitor;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.alert_rule TO wedopt_admin;
