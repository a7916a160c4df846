CREATE OR REPLACE FUNCTION @extschema@._health_function_search_path_mutable()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- SECURITY DEFINER ones are security_definer_search_path's finding; this is every other
    -- SQL-level function: what its names resolve to depends on the caller's search_path.
    RETURN QUERY
    SELECT
        'function_search_path_mutable', 'WARN', 'SECURITY',
        p.oid::regprocedure::text,
        format('%s %s does not pin search_path: the objects it names resolve through each caller''s '
            'search_path', CASE WHEN p.prokind = 'p' THEN 'procedure' ELSE 'function' END, p.oid::regprocedure),
        format('ALTER %s %s SET search_path = pg_catalog, pg_temp;  -- then schema-qualify what it uses',
            CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure),
        jsonb_build_object('function', p.oid::regprocedure::text, 'language', l.lanname::text,
            'owner', pg_get_userbyid(p.proowner))
    FROM pg_proc AS p
    JOIN pg_language AS l ON p.prolang = l.oid
    JOIN @extschema@._user_schemas() AS n ON p.pronamespace = n.oid
    WHERE
        NOT p.prosecdef AND p.prokind IN ('f', 'p') AND l.lanname NOT IN ('c', 'internal')
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

COMMENT ON FUNCTION @extschema@._health_function_search_path_mutable() IS
'wedopt: check_health() lint: functions that do not pin search_path';

GRANT EXECUTE ON FUNCTION @extschema@._health_function_search_path_mutable() TO wedopt_monitor;
