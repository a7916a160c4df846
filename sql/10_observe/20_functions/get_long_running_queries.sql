CREATE OR REPLACE FUNCTION @extschema@.get_long_running_queries(p_min_duration interval DEFAULT NULL)
RETURNS TABLE (
    pid integer,
    database_name text,
    username text,
    application_name text,
    state text,
    query_duration interval,
    xact_duration interval,
    wait_event_type text,
    wait_event text,
    query text
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT
        a.pid,
        a.datname::text,
        a.usename::text,
        a.application_name,
        a.state,
        now() - a.query_start,
        now() - a.xact_start,
        a.wait_event_type,
        a.wait_event,
        a.query
    FROM pg_stat_activity AS a
    WHERE
        a.state = 'active'
        AND a.backend_type = 'client backend'
        AND a.pid <> pg_backend_pid()
        AND now() - a.query_start >= coalesce(
            p_min_duration,
            make_interval(secs => @extschema@.get_setting('observe.long_query_seconds')::integer)
        )
    ORDER BY a.query_start;  -- longest first
$$;

COMMENT ON FUNCTION @extschema@.get_long_running_queries(interval) IS
'wedopt: queries of other client backends (of every database) running for at least p_min_duration '
'(default: setting observe.long_query_seconds), longest first';

GRANT EXECUTE ON FUNCTION @extschema@.get_long_running_queries(interval) TO wedopt_monitor;
