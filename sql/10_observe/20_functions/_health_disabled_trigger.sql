CREATE OR REPLACE FUNCTION @extschema@._health_disabled_trigger()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT
        'disabled_trigger',
        CASE WHEN g.tgisinternal THEN 'ERROR' ELSE 'WARN' END,
        'INTEGRITY',
        format('%s.%I', g.tgrelid::regclass, g.tgname),
        CASE WHEN g.tgisinternal
            THEN format('internal trigger %I on %s is disabled: a foreign key is not enforced', g.tgname,
                g.tgrelid::regclass)
            ELSE format('trigger %I on %s is disabled', g.tgname, g.tgrelid::regclass)
        END,
        CASE WHEN g.tgisinternal
            THEN format('ALTER TABLE %s ENABLE TRIGGER ALL;', g.tgrelid::regclass)
            ELSE format('ALTER TABLE %s ENABLE TRIGGER %I;', g.tgrelid::regclass, g.tgname)
        END,
        jsonb_build_object('table', g.tgrelid::regclass::text, 'function', g.tgfoid::regproc::text,
            'internal', g.tgisinternal)
    FROM pg_trigger AS g
    JOIN pg_class AS t ON g.tgrelid = t.oid
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    WHERE g.tgenabled = 'D' AND g.tgparentid = 0;
END
$$;

COMMENT ON FUNCTION @extschema@._health_disabled_trigger() IS
'wedopt: check_health() lint: disabled triggers (internal ones: a foreign key not enforced)';

GRANT EXECUTE ON FUNCTION @extschema@._health_disabled_trigger() TO wedopt_monitor;
