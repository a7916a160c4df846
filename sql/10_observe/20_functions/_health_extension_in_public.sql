CREATE OR REPLACE FUNCTION @extschema@._health_extension_in_public()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- Objects of an extension in public sit on every role's search_path, next to what
    -- anyone with CREATE there may plant; wedopt's CASCADE puts its dependencies there.
    RETURN QUERY
    SELECT
        'extension_in_public', 'WARN', 'SECURITY',
        e.extname::text,
        format('extension %I (version %s) is installed in schema public%s', e.extname, e.extversion,
            CASE WHEN w.oid IS NOT NULL THEN ' (wedopt requires it: CREATE EXTENSION wedopt CASCADE put it there)'
                ELSE '' END),
        CASE WHEN e.extrelocatable
            THEN format('CREATE SCHEMA IF NOT EXISTS extensions; GRANT USAGE ON SCHEMA extensions TO '
                'wedopt_monitor; ALTER EXTENSION %I SET SCHEMA extensions;  -- and USAGE to the roles using it',
                e.extname)
            ELSE format('-- %I cannot be moved: DROP EXTENSION %I; CREATE SCHEMA IF NOT EXISTS extensions; '
                'GRANT USAGE ON SCHEMA extensions TO wedopt_monitor; CREATE EXTENSION %I SCHEMA extensions;',
                e.extname, e.extname, e.extname)
        END,
        jsonb_build_object('extension', e.extname::text, 'version', e.extversion,
            'relocatable', e.extrelocatable, 'required_by_wedopt', w.oid IS NOT NULL)
    FROM pg_extension AS e
    JOIN pg_namespace AS n ON e.extnamespace = n.oid
    LEFT JOIN pg_depend AS d
        ON
            d.classid = 'pg_extension'::regclass AND d.refclassid = 'pg_extension'::regclass
            AND d.refobjid = e.oid AND d.deptype = 'n'
    LEFT JOIN pg_extension AS w ON d.objid = w.oid AND w.extname = 'wedopt'
    WHERE n.nspname = 'public';
END
$$;

COMMENT ON FUNCTION @extschema@._health_extension_in_public() IS
'wedopt: check_health() lint: extensions installed in schema public';

GRANT EXECUTE ON FUNCTION @extschema@._health_extension_in_public() TO wedopt_monitor;
