CREATE OR REPLACE FUNCTION @extschema@._health_security_definer_search_path()
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
        'security_definer_search_path', 'WARN', 'SECURITY',
        p.oid::regprocedure::text,
        format('SECURITY DEFINER function %s (owner %s) does not pin search_path: a caller can '
            'plant objects that run with the owner''s rights', p.oid::regprocedure, pg_get_userbyid(p.proowner)),
        format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp;', p.oid::regprocedure),
        jsonb_build_object('owner', pg_get_userbyid(p.proowner), 'config', p.proconfig)
    FROM pg_proc AS p
    JOIN @extschema@._user_schemas() AS n ON p.pronamespace = n.oid
    WHERE
        p.prosecdef
        AND NOT coalesce(
            EXISTS (SELECT FROM unnest(p.proconfig) AS c (setting) WHERE c.setting LIKE 'search\_path=%'),
            FALSE
        )
        AND NOT EXISTS (
            SELECT FROM pg_depend AS d
            WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
        );
END
$$;

COMMENT ON FUNCTION @extschema@._health_security_definer_search_path() IS
'wedopt: check_health() lint: SECURITY DEFINER functions that do not pin search_path';

GRANT EXECUTE ON FUNCTION @extschema@._health_security_definer_search_path() TO wedopt_monitor;
