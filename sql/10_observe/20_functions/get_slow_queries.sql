CREATE OR REPLACE FUNCTION @extschema@.get_slow_queries(
    p_min_mean_ms double precision DEFAULT NULL,
    p_limit integer DEFAULT 20
)
RETURNS TABLE (
    queryid bigint,
    username text,
    calls bigint,
    total_ms double precision,
    mean_ms double precision,
    max_ms double precision,
    stddev_ms double precision,
    rows_returned bigint,
    pct_of_total_time numeric,
    shared_blks_hit bigint,
    shared_blks_read bigint,
    cache_hit_ratio numeric,
    temp_blks_written bigint,
    query text
)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema text;
    v_min double precision := coalesce(
        p_min_mean_ms, @extschema@.get_setting('observe.slow_query_mean_ms')::double precision
    );
BEGIN
    IF p_limit IS NULL OR p_limit < 1 THEN
        RAISE EXCEPTION 'wedopt: p_limit must be a positive number, not %', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT * FROM wedopt.get_slow_queries(50, 20) lists the 20 slowest above 50 ms.';
    END IF;
    SELECT n.nspname INTO v_schema
    FROM pg_extension AS e
    JOIN pg_namespace AS n ON e.extnamespace = n.oid
    WHERE e.extname = 'pg_stat_statements';
    IF v_schema IS NULL THEN
        RAISE EXCEPTION 'wedopt: the extension pg_stat_statements is not created in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'CREATE EXTENSION pg_stat_statements; (it must also be in shared_preload_libraries).';
    END IF;
    IF NOT 'pg_stat_statements' = ANY (
        pg_catalog.string_to_array(
            pg_catalog.replace(pg_catalog.current_setting('shared_preload_libraries'), ' ', ''), ','
        )
    ) THEN
        RAISE EXCEPTION 'wedopt: pg_stat_statements is not loaded (not in shared_preload_libraries)'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add pg_stat_statements to shared_preload_libraries in postgresql.conf '
                      'and restart the server.';
    END IF;

    -- The view lives in whatever schema its extension was created in.
    RETURN QUERY EXECUTE format(
        $q$
        WITH s AS (
            SELECT s.*, sum(s.total_exec_time) OVER () AS all_time
            FROM %I.pg_stat_statements AS s
            WHERE s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
        )
        SELECT
            s.queryid, r.rolname::text, s.calls, s.total_exec_time, s.mean_exec_time,
            s.max_exec_time, s.stddev_exec_time, s.rows,
            round((100 * s.total_exec_time / nullif(s.all_time, 0))::numeric, 2),
            s.shared_blks_hit, s.shared_blks_read,
            round(100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0), 2),
            s.temp_blks_written, s.query
        FROM s
        LEFT JOIN pg_roles AS r ON s.userid = r.oid
        WHERE s.mean_exec_time >= $1
        ORDER BY s.mean_exec_time DESC
        LIMIT $2
        $q$,
        v_schema
    ) USING v_min, p_limit;
END
$$;

COMMENT ON FUNCTION @extschema@.get_slow_queries(double precision, integer) IS
'wedopt: statements of this database from pg_stat_statements whose mean execution time is at '
'least p_min_mean_ms (default: setting observe.slow_query_mean_ms), slowest first, at most '
'p_limit rows; fails with SQLSTATE 55000 and a HINT when pg_stat_statements is not loaded';

GRANT EXECUTE ON FUNCTION @extschema@.get_slow_queries(double precision, integer) TO wedopt_monitor;
