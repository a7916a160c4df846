-- The statements of pg_stat_statements that wedopt may PLAN for the caller (the index advisor,
-- auto_tune, the materialized-view advice): planning folds IMMUTABLE and STABLE functions with
-- constant arguments, so it runs the author's functions with the caller's rights. Only statements
-- whose author holds every right of the caller (pg_has_role(author, current_user, 'USAGE'): the
-- caller itself, or a role that inherits from it) are returned; the others are counted in a NOTICE.
-- p_limit NULL: all of them.
CREATE OR REPLACE FUNCTION @extschema@._workload_statements(p_limit integer, p_kinds text DEFAULT NULL)
RETURNS TABLE (
    query text, calls double precision, total_exec_time double precision, userid oid, queryid bigint, toplevel boolean
)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema text;
    v_skipped bigint;
    v_roles text;
BEGIN
    SELECT n.nspname INTO v_schema
    FROM pg_extension AS e JOIN pg_namespace AS n ON e.extnamespace = n.oid
    WHERE e.extname = 'pg_stat_statements';
    IF v_schema IS NULL THEN
        RAISE EXCEPTION 'wedopt: without queries the workload is read from pg_stat_statements, which is not created here'
            USING ERRCODE = 'undefined_object',
                  HINT = 'CREATE EXTENSION pg_stat_statements (and preload it), or pass the statements as an array.';
    END IF;
    RETURN QUERY EXECUTE format(
        $q$
        SELECT t.query, t.calls, t.total_exec_time, t.userid, t.queryid, t.toplevel
        FROM (
            SELECT s.query, s.calls::float8 AS calls, s.total_exec_time, s.userid, s.queryid, s.toplevel
            FROM %I.pg_stat_statements AS s
            WHERE s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
                AND s.query ~* $2 AND s.query !~* 'wedopt\.|pg_stat_statements|hypopg'
                AND pg_has_role(s.userid, current_user, 'USAGE')
        ) AS t
        ORDER BY t.total_exec_time DESC
        LIMIT $1
        $q$,
        v_schema
    ) USING p_limit, coalesce(p_kinds, '^\s*(select|with|update|delete|insert|table|values)\M');

    -- What was left out, among the statements that would have been in the top p_limit.
    EXECUTE format(
        $q$
        SELECT count(*), string_agg(DISTINCT coalesce(r.rolname::text, t.userid::text), ', ')
        FROM (
            SELECT s.userid, pg_has_role(s.userid, current_user, 'USAGE') AS ok
            FROM %I.pg_stat_statements AS s
            WHERE s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
                AND s.query ~* $2 AND s.query !~* 'wedopt\.|pg_stat_statements|hypopg'
            ORDER BY s.total_exec_time DESC
            LIMIT $1
        ) AS t
        LEFT JOIN pg_roles AS r ON r.oid = t.userid
        WHERE NOT t.ok
        $q$,
        v_schema
    ) INTO v_skipped, v_roles
    USING p_limit, coalesce(p_kinds, '^\s*(select|with|update|delete|insert|table|values)\M');
    IF v_skipped > 0 THEN
        RAISE NOTICE 'wedopt: % of the top statements were run by other roles (%) and are left out: planning them would run their functions with your rights', v_skipped, v_roles
            USING HINT = 'Advise them as the role that runs them (SET ROLE ...), or pass the statements as an array.';
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._workload_statements(integer, text) IS
'wedopt (internal): the top p_limit (NULL: all) statements of this database in pg_stat_statements by total '
'time (of the kinds matched by p_kinds, default SELECT/WITH/UPDATE/DELETE/INSERT/TABLE/VALUES; '
'wedopt''s, pg_stat_statements'' and hypopg''s own left out) that may be planned for the caller: only '
'those whose author holds all the caller''s rights (planning folds functions, with the caller''s '
'rights); the others are counted in a NOTICE';

GRANT EXECUTE ON FUNCTION @extschema@._workload_statements(integer, text) TO wedopt_monitor;
