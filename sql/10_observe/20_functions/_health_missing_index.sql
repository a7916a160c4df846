CREATE OR REPLACE FUNCTION @extschema@._health_missing_index()
RETURNS TABLE (
    name text,
    level text,
    category text,
    object text,
    detail text,
    remediation text,
    metadata jsonb
)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_seq_rows bigint := @extschema@.get_setting('observe.seq_scan_min_rows')::bigint;
BEGIN
    -- Big tables read mostly by full sequential scans.
    RETURN QUERY
    SELECT
        'missing_index', 'WARN', 'PERFORMANCE',
        s.relid::regclass::text,
        format('table %s (%s rows) was read by %s sequential scans (%s rows read) and %s index scans',
            s.relid::regclass, s.n_live_tup, s.seq_scan, s.seq_tup_read, coalesce(s.idx_scan, 0)),
        NULL::text,
        jsonb_build_object('live_tuples', s.n_live_tup, 'seq_scan', s.seq_scan,
            'seq_tup_read', s.seq_tup_read, 'idx_scan', s.idx_scan,
            'advice', 'find the queries with wedopt.get_slow_queries(); index their filter columns')
    FROM pg_stat_all_tables AS s
    JOIN @extschema@._user_schemas() AS n ON s.schemaname = n.nspname
    WHERE
        s.n_live_tup >= v_seq_rows
        AND s.seq_scan > coalesce(s.idx_scan, 0)
        AND s.seq_tup_read / greatest(s.seq_scan, 1) >= s.n_live_tup / 2;
END
$$;

COMMENT ON FUNCTION @extschema@._health_missing_index() IS
'wedopt: check_health() lint: big tables read mostly by sequential scans';

GRANT EXECUTE ON FUNCTION @extschema@._health_missing_index() TO wedopt_monitor;
