CREATE OR REPLACE FUNCTION @extschema@._health_rls_disabled_personal_data()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_personal text [] := @extschema@.get_setting('observe.personal_data_tables')::text [];
BEGIN
    RETURN QUERY
    SELECT
        'rls_disabled_personal_data', 'WARN', 'SECURITY',
        t.oid::regclass::text,
        format('table %s holds personal data (setting observe.personal_data_tables) but row-level '
            'security is off: every role with SELECT sees every row', t.oid::regclass),
        format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY;  -- then CREATE POLICY ... for each role', t.oid::regclass),
        jsonb_build_object('table', t.oid::regclass::text)
    FROM pg_class AS t
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    WHERE
        t.relkind IN ('r', 'p') AND NOT t.relispartition AND NOT t.relrowsecurity
        AND (t.relname::text = ANY (v_personal) OR format('%s.%s', n.nspname, t.relname) = ANY (v_personal));
END
$$;

COMMENT ON FUNCTION @extschema@._health_rls_disabled_personal_data() IS
'wedopt: check_health() lint: personal-data tables (observe.personal_data_tables) without RLS';

GRANT EXECUTE ON FUNCTION @extschema@._health_rls_disabled_personal_data() TO wedopt_monitor;
