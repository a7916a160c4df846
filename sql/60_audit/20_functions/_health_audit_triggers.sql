CREATE OR REPLACE FUNCTION @extschema@._health_audit_triggers()
RETURNS SETOF @extschema@.health_finding
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- An audited table whose changes are not all logged: a trigger missing, disabled or
    -- replaced is history lost without a word (audit_config still says enabled).
    SELECT
        'audit_trigger_' OPERATOR(pg_catalog.||) s.problem,
        'ERROR',
        'SECURITY',
        pg_catalog.format('%I on %s', s.trigger_name, s.rel),
        pg_catalog.format(
            'audit trigger %I on %s is %s: changes of %s are not all logged', s.trigger_name, s.rel,
            s.problem, s.target
        ),
        pg_catalog.format('SELECT wedopt.enable_audit(%L);', s.target::text),
        pg_catalog.jsonb_build_object(
            'target', s.target::text, 'table', s.rel::text, 'trigger', s.trigger_name, 'problem', s.problem
        )
    FROM @extschema@._audit_trigger_state() AS s
$$;

COMMENT ON FUNCTION @extschema@._health_audit_triggers() IS
'wedopt (health lint): audited tables (and partitions) whose audit triggers are missing, '
'disabled, replaced or renamed, so that some of their changes go unlogged';

GRANT EXECUTE ON FUNCTION @extschema@._health_audit_triggers() TO wedopt_monitor;
