CREATE OR REPLACE FUNCTION @extschema@._health_long_running_query()
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
        'long_running_query', 'WARN', 'PERFORMANCE',
        format('pid %s', q.pid),
        format('query of %s (pid %s) has been running for %s', q.username, q.pid,
            date_trunc('second', q.query_duration)),
        format('SELECT pg_cancel_backend(%s);', q.pid),
        to_jsonb(q)
    FROM @extschema@.get_long_running_queries() AS q
    WHERE q.database_name = current_database();
END
$$;

COMMENT ON FUNCTION @extschema@._health_long_running_query() IS
'wedopt: check_health() lint: queries running longer than observe.long_query_seconds';

GRANT EXECUTE ON FUNCTION @extschema@._health_long_running_query() TO wedopt_monitor;
