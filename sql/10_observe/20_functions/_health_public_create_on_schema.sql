CREATE OR REPLACE FUNCTION @extschema@._health_public_create_on_schema()
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
        'public_create_on_schema', 'WARN', 'SECURITY',
        n.nspname::text,
        format('every role (PUBLIC) may create objects in schema %I: one can plant a function or '
            'operator that another role''s query picks up from search_path', n.nspname),
        format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC;', n.nspname),
        jsonb_build_object('acl', s.nspacl::text [])
    FROM @extschema@._user_schemas() AS n
    JOIN pg_namespace AS s ON n.oid = s.oid
    WHERE EXISTS (
        SELECT FROM aclexplode(s.nspacl) AS x
        WHERE x.grantee = 0 AND x.privilege_type = 'CREATE'
    );
END
$$;

COMMENT ON FUNCTION @extschema@._health_public_create_on_schema() IS
'wedopt: check_health() lint: schemas where PUBLIC may create objects';

GRANT EXECUTE ON FUNCTION @extschema@._health_public_create_on_schema() TO wedopt_monitor;
