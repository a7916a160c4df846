CREATE OR REPLACE FUNCTION @extschema@._health_rls_enabled_no_policy()
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
        'rls_enabled_no_policy', 'INFO', 'SECURITY',
        t.oid::regclass::text,
        format('table %s has row-level security enabled but no policy: no role but its owner (and '
            'BYPASSRLS roles) sees or changes any row', t.oid::regclass),
        format('CREATE POLICY <name> ON %s FOR SELECT TO <role> USING (<condition>);', t.oid::regclass),
        jsonb_build_object('table', t.oid::regclass::text, 'forced', t.relforcerowsecurity)
    FROM pg_class AS t
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    WHERE
        t.relkind IN ('r', 'p') AND NOT t.relispartition AND t.relrowsecurity
        AND NOT EXISTS (SELECT FROM pg_policy AS p WHERE p.polrelid = t.oid);
END
$$;

COMMENT ON FUNCTION @extschema@._health_rls_enabled_no_policy() IS
'wedopt: check_health() lint: tables with row-level security on and no policy';

GRANT EXECUTE ON FUNCTION @extschema@._health_rls_enabled_no_policy() TO wedopt_monitor;
