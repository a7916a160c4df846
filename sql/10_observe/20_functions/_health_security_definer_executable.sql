CREATE OR REPLACE FUNCTION @extschema@._health_security_definer_executable()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_untrusted oid[] := ARRAY(SELECT u.oid FROM @extschema@._untrusted_roles() AS u);
BEGIN
    -- A definer that does not pin search_path is security_definer_search_path's finding
    -- (fix that first); once pinned, who may call it is this one.
    RETURN QUERY
    SELECT
        'security_definer_executable', 'WARN', 'SECURITY',
        p.oid::regprocedure::text,
        format('SECURITY DEFINER function %s runs with the rights of %s and %s may call it', p.oid::regprocedure,
            pg_get_userbyid(p.proowner), array_to_string(g.roles, ', ')),
        format('REVOKE EXECUTE ON %s %s FROM %s;', CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
            p.oid::regprocedure,
            @extschema@._grantee_list(g.roles)),
        jsonb_build_object('function', p.oid::regprocedure::text, 'owner', pg_get_userbyid(p.proowner),
            'executable_by', g.roles)
    FROM pg_proc AS p
    JOIN @extschema@._user_schemas() AS n ON p.pronamespace = n.oid
    CROSS JOIN LATERAL (
        SELECT @extschema@._granted_to_untrusted(p.proacl, p.proowner, 'f', ARRAY['EXECUTE'], v_untrusted)
            AS roles
    ) AS g
    WHERE
        p.prosecdef AND g.roles IS NOT NULL
        AND coalesce(EXISTS (SELECT FROM unnest(p.proconfig) AS c (setting) WHERE c.setting LIKE 'search\_path=%'),
            FALSE)
        AND NOT EXISTS (
            SELECT FROM pg_depend AS d
            WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
        );
END
$$;

COMMENT ON FUNCTION @extschema@._health_security_definer_executable() IS
'wedopt: check_health() lint: SECURITY DEFINER functions an untrusted role may call';

GRANT EXECUTE ON FUNCTION @extschema@._health_security_definer_executable() TO wedopt_monitor;
