CREATE OR REPLACE FUNCTION @extschema@.get_table_bloat(p_schema text DEFAULT NULL)
RETURNS TABLE (
    schema_name text,
    table_name text,
    real_bytes bigint,
    expected_bytes bigint,
    bloat_bytes bigint,
    bloat_ratio numeric,
    fillfactor integer,
    row_estimate bigint
)
LANGUAGE sql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- An estimate from the planner's statistics (no pgstattuple, no table read): the pages the
    -- rows would fill at the table's fillfactor, against the pages it has. Tables whose columns
    -- are not all analyzed are left out. Heap only (TOAST not counted).
    WITH col AS (
        SELECT
            s.schemaname,
            s.tablename,
            count(*) AS analyzed_columns,
            sum((1 - s.null_frac) * s.avg_width) AS data_width,
            max(s.null_frac) > 0 AS has_nulls
        FROM pg_stats AS s
        WHERE
            NOT s.inherited
            AND s.schemaname NOT IN ('pg_catalog', 'information_schema')
            AND (p_schema IS NULL OR s.schemaname = p_schema)
        GROUP BY s.schemaname, s.tablename
    ),

    tbl AS (
        SELECT
            n.nspname::text AS schema_name,
            c.relname::text AS table_name,
            c.relpages::bigint AS relpages,
            c.reltuples,
            coalesce((
                SELECT o.option_value::integer FROM pg_options_to_table(c.reloptions) AS o
                WHERE o.option_name = 'fillfactor'
            ), 100) AS fillfactor,
            current_setting('block_size')::integer AS bs,
            col.data_width,
            -- tuple header 23 bytes (+ null bitmap), both parts aligned to 8, + 4-byte line pointer
            ceil((23 + CASE WHEN col.has_nulls THEN (c.relnatts + 7) / 8 ELSE 0 END) / 8.0) * 8
            + ceil(col.data_width / 8.0) * 8 + 4 AS tuple_bytes
        FROM pg_class AS c
        JOIN pg_namespace AS n ON c.relnamespace = n.oid
        JOIN col ON n.nspname = col.schemaname AND c.relname = col.tablename
        WHERE
            c.relkind IN ('r', 'm')
            AND c.reltuples > 0
            AND col.analyzed_columns = (
                SELECT count(*) FROM pg_attribute AS a
                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            )
    ),

    est AS (
        SELECT
            t.*,
            ceil(
                t.reltuples / greatest(floor((t.bs - 24) * t.fillfactor / 100.0 / t.tuple_bytes), 1)
            )::bigint AS expected_pages
        FROM tbl AS t
    )

    SELECT
        e.schema_name,
        e.table_name,
        e.relpages * e.bs,
        e.expected_pages * e.bs,
        greatest(e.relpages - e.expected_pages, 0) * e.bs,
        round(greatest(e.relpages - e.expected_pages, 0)::numeric / nullif(e.relpages, 0), 4),
        e.fillfactor,
        e.reltuples::bigint
    FROM est AS e
    ORDER BY 5 DESC, 1, 2;
$$;

COMMENT ON FUNCTION @extschema@.get_table_bloat(text) IS
'wedopt: estimated table bloat from pg_stats and pg_class (no pgstattuple): the bytes the rows '
'would fill at the table''s fillfactor against its real size; only analyzed tables; heap only. '
'An estimate: trust the big numbers, VACUUM FULL / pg_repack what is really bloated';

GRANT EXECUTE ON FUNCTION @extschema@.get_table_bloat(text) TO wedopt_monitor;
