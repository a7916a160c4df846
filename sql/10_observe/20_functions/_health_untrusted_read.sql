CREATE OR REPLACE FUNCTION @extschema@._health_untrusted_read()
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
    -- Neither obeys row-level security: whoever may read them reads every row.
    RETURN QUERY
    SELECT
        CASE c.relkind WHEN 'm' THEN 'materialized_view_readable' ELSE 'foreign_table_readable' END,
        'WARN', 'SECURITY',
        c.oid::regclass::text,
        format('%s %s is readable by %s, and row-level security does not apply to it',
            CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'foreign table' END, c.oid::regclass,
            array_to_string(g.roles, ', ')),
        format('REVOKE SELECT ON %s FROM %s;', c.oid::regclass,
            @extschema@._grantee_list(g.roles)),
        jsonb_build_object('relation', c.oid::regclass::text, 'kind', c.relkind::text, 'readable_by', g.roles)
    FROM pg_class AS c
    JOIN @extschema@._user_schemas() AS n ON c.relnamespace = n.oid
    CROSS JOIN LATERAL (
        SELECT @extschema@._granted_to_untrusted(c.relacl, c.relowner, 'r', ARRAY['SELECT'], v_untrusted)
            AS roles
    ) AS g
    WHERE
        c.relkind IN ('m', 'f') AND c.relacl IS NOT NULL AND g.roles IS NOT NULL
        AND NOT EXISTS (SELECT FROM pg_depend AS d
            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
        );
END
$$;

COMMENT ON FUNCTION @extschema@._health_untrusted_read() IS
'wedopt: check_health() lint: materialized views and foreign tables readable by an untrusted role';

GRANT EXECUTE ON FUNCTION @extschema@._health_untrusted_read() TO wedopt_monitor;
