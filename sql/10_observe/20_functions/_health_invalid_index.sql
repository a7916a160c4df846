CREATE OR REPLACE FUNCTION @extschema@._health_invalid_index()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- Left behind by a failed CREATE INDEX CONCURRENTLY: maintained on writes, never used.
    RETURN QUERY
    SELECT
        'invalid_index', 'ERROR', 'MAINTENANCE',
        i.indexrelid::regclass::text,
        format('index %s on %s is invalid (a failed or running CREATE INDEX CONCURRENTLY): writes '
            'maintain it, queries cannot use it', i.indexrelid::regclass, i.indrelid::regclass),
        format('REINDEX INDEX CONCURRENTLY %s;  -- or DROP INDEX CONCURRENTLY', i.indexrelid::regclass),
        jsonb_build_object('table', i.indrelid::regclass::text, 'definition', pg_get_indexdef(i.indexrelid))
    FROM pg_index AS i
    JOIN pg_class AS c ON i.indexrelid = c.oid
    JOIN @extschema@._user_schemas() AS n ON c.relnamespace = n.oid
    WHERE NOT i.indisvalid AND c.relkind = 'i';
END
$$;

COMMENT ON FUNCTION @extschema@._health_invalid_index() IS
'wedopt: check_health() lint: invalid indexes (left by a failed CREATE INDEX CONCURRENTLY)';

GRANT EXECUTE ON FUNCTION @extschema@._health_invalid_index() TO wedopt_monitor;
