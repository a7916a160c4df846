-- No SET search_path on purpose: it reads the caller's, under which the statement's names resolve
-- (and the dispatcher later runs it); everything else happens in the pinned _execute_admin_sql().
CREATE OR REPLACE FUNCTION @extschema@.execute_admin_sql(
    sql text,
    reason text DEFAULT NULL,
    force boolean DEFAULT FALSE
)
RETURNS TABLE (action_id bigint, status text)
LANGUAGE sql
VOLATILE
SECURITY INVOKER
AS $$
    SELECT r.action_id, r.status
    FROM @extschema@._execute_admin_sql(sql, reason, force, pg_catalog.current_setting('search_path')) AS r;
$$;

COMMENT ON FUNCTION @extschema@.execute_admin_sql(text, text, boolean) IS
'wedopt: run one admin statement of the allow-list (CREATE/DROP INDEX [CONCURRENTLY], ANALYZE, VACUUM, '
'REINDEX, REFRESH MATERIALIZED VIEW, CREATE STATISTICS, ALTER TABLE SET/RESET storage parameters, '
'CLUSTER) on an object the caller owns, as the caller, decided from PostgreSQL''s parse tree; anything '
'else is refused (42501/22023) and logged. VACUUM and CONCURRENTLY are queued and run at top level by '
'the dispatcher once the caller commits. Returns the action id and status (see wedopt.action_log, '
'doc/act.md). Runs the caller''s SQL, so it reads the caller''s search_path (no SET clause)';

GRANT EXECUTE ON FUNCTION @extschema@.execute_admin_sql(text, text, boolean) TO wedopt_admin;
