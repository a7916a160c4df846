CREATE OR REPLACE FUNCTION @extschema@.get_lock_waits()
RETURNS TABLE (
    waiting_pid integer,
    waiting_user text,
    wait_duration interval,
    locked_object text,
    lock_mode text,
    waiting_query text,
    blocking_pids integer[],
    blocking_chain integer[],
    root_blocker_pid integer,
    root_blocker_state text,
    root_blocker_xact_age interval,
    root_blocker_query text
)
LANGUAGE sql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE waiting AS (
        SELECT a.pid, pg_blocking_pids(a.pid) AS blockers
        FROM pg_stat_activity AS a
        WHERE a.wait_event_type = 'Lock'
    ),

    -- Follow the first blocker of each waiter until a backend that waits on nobody.
    chain AS (
        SELECT w.pid AS waiter, ARRAY[w.pid] AS path, w.blockers[1] AS next_pid
        FROM waiting AS w
        WHERE cardinality(w.blockers) > 0
        UNION ALL
        SELECT c.waiter, c.path || c.next_pid, w.blockers[1]
        FROM chain AS c
        LEFT JOIN waiting AS w ON c.next_pid = w.pid
        WHERE c.next_pid IS NOT NULL AND NOT c.next_pid = ANY (c.path)
    ),

    roots AS (
        SELECT DISTINCT ON (c.waiter) c.waiter, c.path
        FROM chain AS c
        ORDER BY c.waiter, cardinality(c.path) DESC
    )

    SELECT
        a.pid,
        a.usename::text,
        now() - a.state_change,
        coalesce(l.relation::regclass::text, l.locktype || coalesce(' ' || l.transactionid::text, '')),
        l.mode,
        a.query,
        w.blockers,
        r.path[2:],
        r.path[cardinality(r.path)],
        b.state,
        now() - b.xact_start,
        b.query
    FROM waiting AS w
    JOIN pg_stat_activity AS a ON w.pid = a.pid
    LEFT JOIN roots AS r ON w.pid = r.waiter
    LEFT JOIN pg_stat_activity AS b ON r.path[cardinality(r.path)] = b.pid
    LEFT JOIN LATERAL (
        SELECT lk.relation, lk.locktype, lk.transactionid, lk.mode
        FROM pg_locks AS lk
        WHERE lk.pid = w.pid AND NOT lk.granted
        LIMIT 1
    ) AS l ON TRUE
    WHERE cardinality(w.blockers) > 0
    ORDER BY 3 DESC;
$$;

COMMENT ON FUNCTION @extschema@.get_lock_waits() IS
'wedopt: every backend waiting on a lock: what it waits for and how long, the pids blocking it, '
'the blocking chain (first blocker, its blocker, ...) and the root blocker''s state, '
'transaction age and query (the one to look at, or pg_terminate_backend)';

GRANT EXECUTE ON FUNCTION @extschema@.get_lock_waits() TO wedopt_monitor;
