CREATE OR REPLACE FUNCTION @extschema@.get_cache_hit_ratio()
RETURNS TABLE (
    scope text,
    blocks_hit bigint,
    blocks_read bigint,
    hit_ratio numeric
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH figures AS (
        SELECT 'database' AS scope, 1 AS ord, d.blks_hit AS hit, d.blks_read AS rd
        FROM pg_stat_database AS d
        WHERE d.datname = current_database()
        UNION ALL
        SELECT 'table heap', 2, sum(s.heap_blks_hit)::bigint, sum(s.heap_blks_read)::bigint
        FROM pg_statio_user_tables AS s
        UNION ALL
        SELECT 'table indexes', 3, sum(s.idx_blks_hit)::bigint, sum(s.idx_blks_read)::bigint
        FROM pg_statio_user_tables AS s
        UNION ALL
        SELECT
            'toast', 4,
            sum(coalesce(s.toast_blks_hit, 0) + coalesce(s.tidx_blks_hit, 0))::bigint,
            sum(coalesce(s.toast_blks_read, 0) + coalesce(s.tidx_blks_read, 0))::bigint
        FROM pg_statio_user_tables AS s
    )

    SELECT
        f.scope,
        coalesce(f.hit, 0),
        coalesce(f.rd, 0),
        round(100.0 * f.hit / nullif(f.hit + f.rd, 0), 2)
    FROM figures AS f
    ORDER BY f.ord;
$$;

COMMENT ON FUNCTION @extschema@.get_cache_hit_ratio() IS
'wedopt: buffer cache hit ratio in percent (NULL before any block access) of the whole database, '
'of user tables'' heaps, of their indexes and of their TOAST; a healthy OLTP database is above 99';

GRANT EXECUTE ON FUNCTION @extschema@.get_cache_hit_ratio() TO wedopt_monitor;
