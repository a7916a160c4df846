CREATE OR REPLACE FUNCTION @extschema@.get_table_stats(p_schema text DEFAULT NULL)
RETURNS TABLE (
    schema_name text,
    table_name text,
    is_partition boolean,
    is_partitioned boolean,
    partitions integer,
    row_estimate bigint,
    live_tuples bigint,
    dead_tuples bigint,
    total_bytes bigint,
    table_bytes bigint,
    index_bytes bigint,
    toast_bytes bigint,
    seq_scan bigint,
    seq_tup_read bigint,
    idx_scan bigint,
    n_tup_ins bigint,
    n_tup_upd bigint,
    n_tup_del bigint,
    n_tup_hot_upd bigint
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH rel AS (
        SELECT
            c.oid,
            n.nspname::text AS schema_name,
            c.relname::text AS table_name,
            c.relkind,
            c.relispartition,
            c.reltuples,
            c.reltoastrelid
        FROM pg_class AS c
        JOIN pg_namespace AS n ON c.relnamespace = n.oid
        WHERE
            c.relkind IN ('r', 'p', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\_toast%'
            AND n.nspname NOT LIKE 'pg\_temp%'
            AND (p_schema IS NULL OR n.nspname = p_schema)
    ),

    -- Figures of every relation that stores rows (partitioned parents store none).
    leaf AS (
        SELECT
            r.oid,
            greatest(r.reltuples, 0)::bigint AS row_estimate,
            s.n_live_tup,
            s.n_dead_tup,
            pg_table_size(r.oid) - coalesce(pg_total_relation_size(nullif(r.reltoastrelid, 0)), 0)
                AS table_bytes,
            pg_indexes_size(r.oid) AS index_bytes,
            coalesce(pg_total_relation_size(nullif(r.reltoastrelid, 0)), 0) AS toast_bytes,
            s.seq_scan,
            s.seq_tup_read,
            s.idx_scan,
            s.n_tup_ins,
            s.n_tup_upd,
            s.n_tup_del,
            s.n_tup_hot_upd
        FROM rel AS r
        LEFT JOIN pg_stat_all_tables AS s ON r.oid = s.relid
        WHERE r.relkind <> 'p'
    ),

    -- A partitioned parent adds up its leaf partitions (and its own indexes, which are empty).
    parent AS (
        SELECT
            r.oid,
            count(l.oid)::integer AS partitions,
            sum(l.row_estimate)::bigint AS row_estimate,
            sum(l.n_live_tup)::bigint AS n_live_tup,
            sum(l.n_dead_tup)::bigint AS n_dead_tup,
            coalesce(sum(l.table_bytes), 0)::bigint AS table_bytes,
            coalesce(sum(l.index_bytes), 0)::bigint AS index_bytes,
            coalesce(sum(l.toast_bytes), 0)::bigint AS toast_bytes,
            sum(l.seq_scan)::bigint AS seq_scan,
            sum(l.seq_tup_read)::bigint AS seq_tup_read,
            sum(l.idx_scan)::bigint AS idx_scan,
            sum(l.n_tup_ins)::bigint AS n_tup_ins,
            sum(l.n_tup_upd)::bigint AS n_tup_upd,
            sum(l.n_tup_del)::bigint AS n_tup_del,
            sum(l.n_tup_hot_upd)::bigint AS n_tup_hot_upd
        FROM rel AS r
        CROSS JOIN LATERAL pg_partition_tree(r.oid) AS t
        LEFT JOIN leaf AS l ON t.relid = l.oid AND t.isleaf
        WHERE r.relkind = 'p'
        GROUP BY r.oid
    )

    SELECT
        r.schema_name,
        r.table_name,
        r.relispartition,
        r.relkind = 'p',
        p.partitions,
        coalesce(l.row_estimate, p.row_estimate),
        coalesce(l.n_live_tup, p.n_live_tup),
        coalesce(l.n_dead_tup, p.n_dead_tup),
        coalesce(l.table_bytes + l.index_bytes + l.toast_bytes, p.table_bytes + p.index_bytes + p.toast_bytes),
        coalesce(l.table_bytes, p.table_bytes),
        coalesce(l.index_bytes, p.index_bytes),
        coalesce(l.toast_bytes, p.toast_bytes),
        coalesce(l.seq_scan, p.seq_scan),
        coalesce(l.seq_tup_read, p.seq_tup_read),
        coalesce(l.idx_scan, p.idx_scan),
        coalesce(l.n_tup_ins, p.n_tup_ins),
        coalesce(l.n_tup_upd, p.n_tup_upd),
        coalesce(l.n_tup_del, p.n_tup_del),
        coalesce(l.n_tup_hot_upd, p.n_tup_hot_upd)
    FROM rel AS r
    LEFT JOIN leaf AS l ON r.oid = l.oid
    LEFT JOIN parent AS p ON r.oid = p.oid
    ORDER BY 9 DESC NULLS LAST, 1, 2;
$$;

COMMENT ON FUNCTION @extschema@.get_table_stats(text) IS
'wedopt: one row per user table (and materialized view) of the database, or of one schema: '
'row estimate, live/dead tuples, total/table/index/TOAST bytes, scan and write counters; '
'is_partition marks partitions, a partitioned parent (is_partitioned) adds up its leaf partitions';

GRANT EXECUTE ON FUNCTION @extschema@.get_table_stats(text) TO wedopt_monitor;
