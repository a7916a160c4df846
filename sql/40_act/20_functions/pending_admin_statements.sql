-- For interactive psql: SELECT * FROM wedopt.pending_admin_statements() \gexec runs the caller's
-- queued actions at top level in the caller's own session: per action a claim (checks it again,
-- marks it running), its steps, and a finish that verifies the outcome. Writes nothing itself.
CREATE OR REPLACE FUNCTION @extschema@.pending_admin_statements()
RETURNS SETOF text
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.statement
    FROM @extschema@.action_log AS a
    CROSS JOIN LATERAL (
        SELECT 0 AS n, 0 AS k, pg_catalog.format('SELECT %s._action_claim(%s)', '@extschema@', a.id) AS statement
        UNION ALL
        SELECT t.n, u.k, u.statement FROM pg_catalog.unnest(a.steps) WITH ORDINALITY AS t (step, n)
        -- Each step after what it must do, for the event triggers to confirm (_act_expect).
        CROSS JOIN LATERAL (VALUES
            (1, pg_catalog.format('SELECT %s._act_expect(%L, %L, %s)', '@extschema@', t.step, a.search_path, a.id)),
            (2, t.step)
        ) AS u (k, statement)
        WHERE t.n OPERATOR(pg_catalog.>=) a.step_no
        UNION ALL
        SELECT 2147483647, 0, pg_catalog.format('SELECT %s._action_finish(%s)', '@extschema@', a.id)
    ) AS s
    WHERE a.status IN ('queued', 'running')
        AND a.mode OPERATOR(pg_catalog.=) 'dispatched'
        AND a.queued_by OPERATOR(pg_catalog.=) current_user
        AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_activity AS p WHERE p.pid OPERATOR(pg_catalog.=) a.worker_pid)
    ORDER BY a.id, s.n, s.k;
$$;

COMMENT ON FUNCTION @extschema@.pending_admin_statements() IS
'wedopt: the caller''s queued admin actions as statements for psql''s \gexec (claim, steps, finish), '
'to run them now at top level in this session; use \set ON_ERROR_STOP on first';

GRANT EXECUTE ON FUNCTION @extschema@.pending_admin_statements() TO wedopt_admin;
