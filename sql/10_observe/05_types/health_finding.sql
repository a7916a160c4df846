-- One row of check_health(): every lint function _health_*() returns SETOF this type, so a
-- lint's signature is written once and check_health() can tell lints by their return type.
CREATE TYPE @extschema@.health_finding AS (
    name text,
    level text,
    category text,
    object text,
    detail text,
    remediation text,
    metadata jsonb
);

COMMENT ON TYPE @extschema@.health_finding IS
'wedopt: one finding of check_health(): name, level (ERROR/WARN/INFO), category, object, detail, '
'remediation (SQL to run, when there is one), metadata; the row type of every _health_*() lint';

REVOKE ALL ON TYPE @extschema@.health_finding FROM public;
GRANT USAGE ON TYPE @extschema@.health_finding TO wedopt_monitor;
