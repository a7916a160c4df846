CREATE OR REPLACE FUNCTION @extschema@.get_index_hit_ratio(p_schema text DEFAULT NULL)
RETURNS TABLE (
    schema_name text,
    table_name text,
    idx_blks_hit bigint,
    idx_blks_read bigint,
    index_hit_ratio numeric,
    seq_scan bigint,
    idx_scan bigint,
    index_scan_pct numeric,
    live_tuples bigint
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT
        io.schemaname::text,
        io.relname::text,
        coalesce(io.idx_blks_hit, 0),
        coalesce(io.idx_blks_read, 0),
        round(100.0 * io.idx_blks_hit / nullif(io.idx_blks_hit + io.idx_blks_read, 0), 2),
        st.seq_scan,
        coalesce(st.idx_scan, 0),
        round(100.0 * st.idx_scan / nullif(st.idx_scan + st.seq_scan, 0), 2),
        st.n_live_tup
    FROM pg_statio_user_tables AS io
    JOIN pg_stat_user_tables AS st ON io.relid = st.relid
    WHERE p_schema IS NULL OR io.schemaname = p_schema
    ORDER BY st.n_live_tup DESC, 1, 2;
$$;

COMMENT ON FUNCTION @extschema@.get_index_hit_ratio(text) IS
'wedopt: per user table, the buffer cache hit ratio of its indexes (percent) and the share of its '
'scans that used an index (index_scan_pct); a big table with a low index_scan_pct lacks an index';

GRANT EXECUTE ON FUNCTION @extschema@.get_index_hit_ratio(text) TO wedopt_monitor;
