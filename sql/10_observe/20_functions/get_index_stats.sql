CREATE OR REPLACE FUNCTION @extschema@.get_index_stats(p_schema text DEFAULT NULL)
RETURNS TABLE (
    schema_name text,
    table_name text,
    index_name text,
    index_bytes bigint,
    idx_scan bigint,
    idx_tup_read bigint,
    idx_tup_fetch bigint,
    is_unique boolean,
    is_primary boolean,
    is_valid boolean,
    is_partial boolean,
    backs_constraint boolean,
    access_method text,
    definition text
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT
        n.nspname::text,
        t.relname::text,
        c.relname::text,
        pg_relation_size(c.oid),
        s.idx_scan,
        s.idx_tup_read,
        s.idx_tup_fetch,
        i.indisunique,
        i.indisprimary,
        i.indisvalid,
        i.indpred IS NOT NULL,
        EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = c.oid AND k.conrelid = t.oid),
        a.amname::text,
        pg_get_indexdef(c.oid)
    FROM pg_index AS i
    JOIN pg_class AS c ON i.indexrelid = c.oid
    JOIN pg_class AS t ON i.indrelid = t.oid
    JOIN pg_namespace AS n ON c.relnamespace = n.oid
    JOIN pg_am AS a ON c.relam = a.oid
    LEFT JOIN pg_stat_all_indexes AS s ON i.indexrelid = s.indexrelid
    WHERE
        n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\_toast%'
        AND n.nspname NOT LIKE 'pg\_temp%'
        AND (p_schema IS NULL OR n.nspname = p_schema)
    ORDER BY 4 DESC, 1, 2, 3;
$$;

COMMENT ON FUNCTION @extschema@.get_index_stats(text) IS
'wedopt: one row per index of the user tables (or of one schema): size, scans, tuples '
'read/fetched, unique/primary/valid/partial flags, whether it backs a constraint, definition';

GRANT EXECUTE ON FUNCTION @extschema@.get_index_stats(text) TO wedopt_monitor;
