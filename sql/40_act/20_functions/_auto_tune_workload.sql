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
    SELECT pg_catalog.array_agg(w.query ORDER BY w.total_exec_time DESC) INTO v_found
    FROM @extschema@._workload_statements(@extschema@.get_setting('recommend.max_statements')::integer) AS w
    WHERE NOT p_own_only OR w.userid = (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user);
    RETURN coalesce(v_found, '{}');
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_workload(text[], boolean) IS
'wedopt (internal): the workload of an auto_tune() cycle: the statements given, or this database''s '
'top pg_stat_statements statements by total time that may be planned for the caller '
'(_workload_statements, recommend.max_statements of them); with '
'p_own_only only those the current role ran (the ones auto_tune() may execute to measure)';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_workload(text[], boolean) TO wedopt_admin;
