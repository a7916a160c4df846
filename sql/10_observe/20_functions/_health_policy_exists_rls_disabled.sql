CREATE OR REPLACE FUNCTION @extschema@._health_policy_exists_rls_disabled()
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
        'policy_exists_rls_disabled', 'ERROR', 'SECURITY',
        t.oid::regclass::text,
        format('table %s has %s polic%s (%s) but row-level security is disabled: they are not applied',
            t.oid::regclass, count(*), CASE WHEN count(*) = 1 THEN 'y' ELSE 'ies' END,
            string_agg(quote_ident(p.polname), ', ' ORDER BY p.polname)),
        format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY;', t.oid::regclass),
        jsonb_build_object('table', t.oid::regclass::text,
            'policies', jsonb_agg(p.polname::text ORDER BY p.polname))
    FROM pg_class AS t
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    JOIN pg_policy AS p ON t.oid = p.polrelid
    WHERE t.relkind IN ('r', 'p') AND NOT t.relrowsecurity
    GROUP BY t.oid;
END
$$;

COMMENT ON FUNCTION @extschema@._health_policy_exists_rls_disabled() IS
'wedopt: check_health() lint: tables with policies while row-level security is off';

GRANT EXECUTE ON FUNCTION @extschema@._health_policy_exists_rls_disabled() TO wedopt_monitor;
