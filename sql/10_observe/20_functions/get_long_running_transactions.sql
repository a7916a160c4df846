CREATE OR REPLACE FUNCTION @extschema@.get_long_running_transactions(p_min_duration interval DEFAULT NULL)
RETURNS TABLE (
    pid integer,
    database_name text,
    username text,
    application_name text,
    state text,
    xact_duration interval,
    state_duration interval,
    backend_xid_age integer,
    backend_xmin_age integer,
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
        now() - a.xact_start,
        now() - a.state_change,
        age(a.backend_xid),
        age(a.backend_xmin),
        a.query
    FROM pg_stat_activity AS a
    WHERE
        a.xact_start IS NOT NULL
        AND a.backend_type = 'client backend'
        AND a.pid <> pg_backend_pid()
        AND now() - a.xact_start >= coalesce(
            p_min_duration,
            make_interval(secs => @extschema@.get_setting('observe.long_transaction_seconds')::integer)
        )
    ORDER BY a.xact_start;  -- longest first
$$;

COMMENT ON FUNCTION @extschema@.get_long_running_transactions(interval) IS
'wedopt: transactions of other client backends (of every database) open for at least p_min_duration (default: '
'setting observe.long_transaction_seconds), idle in transaction included; they hold locks and '
'keep VACUUM from removing dead tuples (backend_xmin_age)';

GRANT EXECUTE ON FUNCTION @extschema@.get_long_running_transactions(interval) TO wedopt_monitor;
