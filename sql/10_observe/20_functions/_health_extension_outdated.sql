CREATE OR REPLACE FUNCTION @extschema@._health_extension_outdated()
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
        'extension_outdated', 'WARN', 'SECURITY',
        a.name::text,
        format('extension %I is at version %s; the server ships %s', a.name, a.installed_version,
            a.default_version),
        format('ALTER EXTENSION %I UPDATE;', a.name),
        jsonb_build_object('extension', a.name::text, 'installed_version', a.installed_version,
            'default_version', a.default_version)
    FROM pg_available_extensions AS a
    WHERE a.installed_version IS NOT NULL AND a.installed_version <> a.default_version;
END
$$;

COMMENT ON FUNCTION @extschema@._health_extension_outdated() IS
'wedopt: check_health() lint: extensions older than the version the server ships';

GRANT EXECUTE ON FUNCTION @extschema@._health_extension_outdated() TO wedopt_monitor;
