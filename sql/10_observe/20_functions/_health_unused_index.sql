CREATE OR REPLACE FUNCTION @extschema@._health_unused_index()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_unused_min bigint := @extschema@.get_setting('observe.unused_index_min_bytes')::bigint;
BEGIN
    -- Indexes never scanned since the statistics were reset, over a size floor.
    RETURN QUERY
    SELECT
        'unused_index', 'WARN', 'PERFORMANCE',
        s.indexrelid::regclass::text,
        format('index %s on %s (%s) has not been scanned since %s', s.indexrelid::regclass,
            s.relid::regclass, pg_size_pretty(pg_relation_size(s.indexrelid)),
            coalesce(d.stats_reset::text, 'the statistics were reset')),
        format('DROP INDEX CONCURRENTLY %s;', s.indexrelid::regclass),
        jsonb_build_object('table', s.relid::regclass::text, 'bytes', pg_relation_size(s.indexrelid),
            'stats_reset', d.stats_reset, 'definition', pg_get_indexdef(s.indexrelid))
    FROM pg_stat_all_indexes AS s
    JOIN pg_index AS i ON s.indexrelid = i.indexrelid
    JOIN pg_class AS c ON s.indexrelid = c.oid
    JOIN @extschema@._user_schemas() AS n ON c.relnamespace = n.oid
    LEFT JOIN pg_stat_database AS d ON d.datname = current_database()
    WHERE
        s.idx_scan = 0
        AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
        AND NOT c.relispartition
        AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = s.indexrelid)
        AND pg_relation_size(s.indexrelid) >= v_unused_min;
END
$$;

COMMENT ON FUNCTION @extschema@._health_unused_index() IS
'wedopt: check_health() lint: indexes never scanned, over observe.unused_index_min_bytes';

GRANT EXECUTE ON FUNCTION @extschema@._health_unused_index() TO wedopt_monitor;
