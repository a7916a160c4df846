-- The safety net, run by pg_cron every minute (doc/act.md): a worker for every queued action that
-- has none alive (act.dispatcher = cron, no worker slot was free, the server restarted). SECURITY
-- DEFINER: starting a worker for another role is a superuser's; the worker still runs as that role.
CREATE OR REPLACE FUNCTION @extschema@._dispatch_pending()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row record;
    v_started integer := 0;
BEGIN
    PERFORM @extschema@._require_primary('_dispatch_pending()');
    FOR v_row IN
        SELECT a.id, a.session_user_name, a.queued_by
        FROM @extschema@.action_log AS a
        WHERE a.status IN ('queued', 'running')
            AND a.mode OPERATOR(pg_catalog.=) 'dispatched'
            AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_activity AS s WHERE s.pid OPERATOR(pg_catalog.=) a.worker_pid)
            AND (a.dispatched_at IS NULL OR a.dispatched_at OPERATOR(pg_catalog.<) (pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) '30 seconds'::interval))
            AND pg_catalog.to_regrole(a.session_user_name) IS NOT NULL AND pg_catalog.to_regrole(a.queued_by) IS NOT NULL
        ORDER BY a.id
        FOR UPDATE OF a SKIP LOCKED
    LOOP
        IF @extschema@._dispatch_start(v_row.id, pg_catalog.to_regrole(v_row.session_user_name), pg_catalog.to_regrole(v_row.queued_by)) THEN
            UPDATE @extschema@.action_log AS a SET dispatched_at = pg_catalog.clock_timestamp(),
                detail = a.detail || '{"dispatcher": "cron"}'
            WHERE a.id OPERATOR(pg_catalog.=) v_row.id;
            v_started := v_started OPERATOR(pg_catalog.+) 1;
        END IF;
    END LOOP;
    RETURN v_started;
END
$$;

COMMENT ON FUNCTION @extschema@._dispatch_pending() IS
'wedopt (internal): the pg_cron safety net: start a dispatcher worker, as the role that queued it, for '
'every queued action with no live worker; returns how many were started';

GRANT EXECUTE ON FUNCTION @extschema@._dispatch_pending() TO wedopt_admin;
