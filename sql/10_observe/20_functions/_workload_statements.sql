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
    v_row record;
    v_skipped bigint := 0;
    v_roles text [] := '{}';
BEGIN
    SELECT n.nspname INTO v_schema
    FROM pg_extension AS e JOIN pg_namespace AS n ON e.extnamespace = n.oid
    WHERE e.extname = 'pg_stat_statements';
    IF v_schema IS NULL THEN
        RAISE EXCEPTION 'wedopt: without queries the workload is read from pg_stat_statements, which is not created here'
            USING ERRCODE = 'undefined_object',
                  HINT = 'CREATE EXTENSION pg_stat_statements (and preload it), or pass the statements as an array.';
    END IF;
    -- One read of pg_stat_statements (its texts come from a file): the top p_limit statements the
    -- caller may plan, and the others that would have been in the top p_limit, to count them.
    FOR v_row IN EXECUTE format(
        $q$
        SELECT r.*, ro.rolname::text AS author
        FROM (
            SELECT t.*,
                row_number() OVER (ORDER BY t.total_exec_time DESC) AS pos,
                row_number() OVER (PARTITION BY t.ok ORDER BY t.total_exec_time DESC) AS pos_ok
            FROM (
                SELECT s.query, s.calls::float8 AS calls, s.total_exec_time, s.userid, s.queryid, s.toplevel,
                    pg_has_role(s.userid, current_user, 'USAGE') AS ok
                FROM %I.pg_stat_statements AS s
                WHERE s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
                    AND s.query ~* $2 AND s.query !~* 'wedopt\.|pg_stat_statements|hypopg'
            ) AS t
        ) AS r
        LEFT JOIN pg_roles AS ro ON ro.oid = r.userid
        WHERE $1 IS NULL OR (CASE WHEN r.ok THEN r.pos_ok ELSE r.pos END) <= $1
        ORDER BY r.total_exec_time DESC
        $q$,
        v_schema
    ) USING p_limit, coalesce(p_kinds, '^\s*(select|with|update|delete|insert|table|values)\M') LOOP
        IF v_row.ok THEN
            query := v_row.query;
            calls := v_row.calls;
            total_exec_time := v_row.total_exec_time;
            userid := v_row.userid;
            queryid := v_row.queryid;
            toplevel := v_row.toplevel;
            RETURN NEXT;
        ELSE
            v_skipped := v_skipped + 1;
            v_roles := v_roles || coalesce(v_row.author, v_row.userid::text);
        END IF;
    END LOOP;
    IF v_skipped > 0 THEN
        RAISE NOTICE 'wedopt: % of the top statements were run by other roles (%) and are left out: planning them would run their functions with your rights', v_skipped,
            (SELECT string_agg(DISTINCT r.name, ', ') FROM unnest(v_roles) AS r (name))
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
