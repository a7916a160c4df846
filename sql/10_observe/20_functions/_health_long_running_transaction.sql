CREATE OR REPLACE FUNCTION @extschema@._health_long_running_transaction()
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
        'long_running_transaction', 'WARN', 'PERFORMANCE',
        format('pid %s', t.pid),
        format('transaction of %s (pid %s) has been open for %s (%s): it holds its locks and keeps '
            'VACUUM from removing dead rows', t.username, t.pid, date_trunc('second', t.xact_duration), t.state),
        format('SELECT pg_terminate_backend(%s);', t.pid),
        to_jsonb(t)
    FROM @extschema@.get_long_running_transactions() AS t
    WHERE t.database_name = current_database();
END
$$;

COMMENT ON FUNCTION @extschema@._health_long_running_transaction() IS
'wedopt: check_health() lint: transactions open longer than observe.long_transaction_seconds';

GRANT EXECUTE ON FUNCTION @extschema@._health_long_running_transaction() TO wedopt_monitor;
