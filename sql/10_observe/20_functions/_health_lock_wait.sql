CREATE OR REPLACE FUNCTION @extschema@._health_lock_wait()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_lock_wait interval := make_interval(secs => @extschema@.get_setting('observe.lock_wait_seconds')::integer);
BEGIN
    RETURN QUERY
    SELECT
        'lock_wait', 'WARN', 'PERFORMANCE',
        format('pid %s', w.waiting_pid),
        format('pid %s has waited %s for a %s on %s, blocked by %s (root blocker pid %s, %s)',
            w.waiting_pid, date_trunc('second', w.wait_duration), w.lock_mode, w.locked_object,
            w.blocking_pids, w.root_blocker_pid, w.root_blocker_state),
        format('SELECT pg_terminate_backend(%s);  -- the root blocker', w.root_blocker_pid),
        to_jsonb(w)
    FROM @extschema@.get_lock_waits() AS w
    WHERE w.wait_duration >= v_lock_wait;
END
$$;

COMMENT ON FUNCTION @extschema@._health_lock_wait() IS
'wedopt: check_health() lint: backends waiting on a lock longer than observe.lock_wait_seconds';

GRANT EXECUTE ON FUNCTION @extschema@._health_lock_wait() TO wedopt_monitor;
