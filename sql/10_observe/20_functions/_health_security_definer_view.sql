CREATE OR REPLACE FUNCTION @extschema@._health_security_definer_view()
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
    RETURN QUERY
    SELECT
        'security_definer_view', 'ERROR', 'SECURITY',
        v.oid::regclass::text,
        format('view %s runs with the rights of its owner %s (no security_invoker) and %s may read it: '
            'they see what the owner sees, past row-level security and grants', v.oid::regclass,
            pg_get_userbyid(v.relowner), array_to_string(g.roles, ', ')),
        format('ALTER VIEW %s SET (security_invoker = on);', v.oid::regclass),
        jsonb_build_object('view', v.oid::regclass::text, 'owner', pg_get_userbyid(v.relowner),
            'readable_by', g.roles)
    FROM pg_class AS v
    JOIN @extschema@._user_schemas() AS n ON v.relnamespace = n.oid
    CROSS JOIN LATERAL (
        SELECT @extschema@._granted_to_untrusted(v.relacl, v.relowner, 'r', ARRAY['SELECT'], v_untrusted)
            AS roles
    ) AS g
    WHERE
        v.relkind = 'v' AND v.relacl IS NOT NULL AND g.roles IS NOT NULL
        AND NOT coalesce(EXISTS (
            SELECT FROM unnest(v.reloptions) AS o (opt)
            WHERE lower(o.opt) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=1')
        ), FALSE)
        AND NOT EXISTS (SELECT FROM pg_depend AS d
            WHERE d.classid = 'pg_class'::regclass AND d.objid = v.oid AND d.deptype = 'e'
        );
END
$$;

COMMENT ON FUNCTION @extschema@._health_security_definer_view() IS
'wedopt: check_health() lint: views running with their owner''s rights, readable by an untrusted role';

GRANT EXECUTE ON FUNCTION @extschema@._health_security_definer_view() TO wedopt_monitor;
