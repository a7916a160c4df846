-- Step 1 of a cycle: the statements given, or the top statements of pg_stat_statements by total
-- time (the same ones, in the same order, as the index advisor reads with NULL queries).
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_workload(p_queries text[], p_own_only boolean DEFAULT FALSE)
RETURNS text[]
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema text;
    v_found text [];
BEGIN
    IF p_queries IS NOT NULL THEN
        IF pg_catalog.cardinality(p_queries) = 0 THEN
            RAISE EXCEPTION 'wedopt: the queries array is empty'
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Pass the statements to tune for, or NULL for the top statements of pg_stat_statements.';
        END IF;
        RETURN p_queries;
    END IF;
    SELECT n.nspname INTO v_schema FROM pg_catalog.pg_extension AS e
    JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'wedopt: without queries auto_tune() reads the workload from pg_stat_statements, which is not created here'
            USING ERRCODE = 'undefined_object',
                  HINT = 'CREATE EXTENSION pg_stat_statements (and preload it), or pass the statements as an array.';
    END IF;
    EXECUTE pg_catalog.format(
        'SELECT pg_catalog.array_agg(q.query ORDER BY q.total_exec_time DESC) FROM ('
        ' SELECT s.query, s.total_exec_time FROM %I.pg_stat_statements AS s'
        ' WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = pg_catalog.current_database())'
        ' AND s.query ~* %L AND s.query !~* %L AND (NOT $2 OR s.userid = $3)'
        ' ORDER BY s.total_exec_time DESC LIMIT $1) AS q',
        v_schema, '^\s*(select|with|update|delete|insert|table|values)\M', 'wedopt\.|pg_stat_statements|hypopg')
    INTO v_found USING @extschema@.get_setting('recommend.max_statements')::integer, p_own_only,
        (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user);
    RETURN coalesce(v_found, '{}');
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_workload(text[], boolean) IS
'wedopt (internal): the workload of an auto_tune() cycle: the statements given, or this database''s '
'top pg_stat_statements statements by total time (recommend.max_statements of them); with '
'p_own_only only those the current role ran (the ones auto_tune() may execute to measure)';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_workload(text[], boolean) TO wedopt_admin;
