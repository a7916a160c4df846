CREATE OR REPLACE FUNCTION @extschema@.get_connection_stats()
RETURNS TABLE (
    state text,
    connections integer,
    waiting_on_lock integer,
    longest_in_state interval,
    longest_transaction interval,
    max_connections integer,
    utilization_pct numeric
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH a AS (
        SELECT
            coalesce(a.state, 'unknown') AS state,
            a.wait_event_type,
            greatest(now() - a.state_change, INTERVAL '0') AS in_state,
            greatest(now() - a.xact_start, INTERVAL '0') AS in_xact
        FROM pg_stat_activity AS a
        WHERE a.backend_type = 'client backend'
    ),

    m AS (SELECT current_setting('max_connections')::integer AS max_conn)

    SELECT
        g.state,
        g.connections,
        g.waiting,
        g.in_state,
        g.in_xact,
        m.max_conn,
        round(100.0 * g.connections / m.max_conn, 2)
    FROM (
        SELECT
            coalesce(a.state, 'total') AS state,
            count(*)::integer AS connections,
            (count(*) FILTER (WHERE a.wait_event_type = 'Lock'))::integer AS waiting,
            max(a.in_state) AS in_state,
            max(a.in_xact) AS in_xact,
            grouping(a.state) AS is_total
        FROM a
        GROUP BY ROLLUP (a.state)
    ) AS g
    CROSS JOIN m
    ORDER BY g.is_total DESC, g.connections DESC, g.state;
$$;

COMMENT ON FUNCTION @extschema@.get_connection_stats() IS
'wedopt: client connections by state (active, idle, idle in transaction ...) with a "total" row '
'first: how many wait on a lock, the longest time in that state and the oldest open transaction, '
'and the utilization of max_connections in percent';

GRANT EXECUTE ON FUNCTION @extschema@.get_connection_stats() TO wedopt_monitor;
