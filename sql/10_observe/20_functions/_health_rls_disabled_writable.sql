CREATE OR REPLACE FUNCTION @extschema@._health_rls_disabled_writable()
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
        'rls_disabled_writable', 'ERROR', 'SECURITY',
        t.oid::regclass::text,
        format('table %s may be written by %s and row-level security is off: they may change every row',
            t.oid::regclass, array_to_string(g.roles, ', ')),
        format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY;  -- then CREATE POLICY, or REVOKE INSERT, UPDATE, '
            'DELETE ON %s FROM %s', t.oid::regclass, t.oid::regclass,
            @extschema@._grantee_list(g.roles)),
        jsonb_build_object('table', t.oid::regclass::text, 'writable_by', g.roles)
    FROM pg_class AS t
    JOIN @extschema@._user_schemas() AS n ON t.relnamespace = n.oid
    CROSS JOIN LATERAL (
        SELECT @extschema@._granted_to_untrusted(t.relacl, t.relowner, 'r',
            ARRAY['INSERT', 'UPDATE', 'DELETE'], v_untrusted) AS roles
    ) AS g
    WHERE
        t.relkind IN ('r', 'p') AND NOT t.relispartition AND NOT t.relrowsecurity
        -- a default ACL (NULL) grants nothing to anyone but the owner
        AND t.relacl IS NOT NULL AND g.roles IS NOT NULL
        AND NOT EXISTS (SELECT FROM pg_depend AS d
            WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid AND d.deptype = 'e'
        );
END
$$;

COMMENT ON FUNCTION @extschema@._health_rls_disabled_writable() IS
'wedopt: check_health() lint: tables without row-level security writable by an untrusted role';

GRANT EXECUTE ON FUNCTION @extschema@._health_rls_disabled_writable() TO wedopt_monitor;
