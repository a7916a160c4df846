CREATE OR REPLACE FUNCTION @extschema@._health_low_cache_hit_ratio()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_cache_min numeric := @extschema@.get_setting('observe.cache_hit_ratio_min')::numeric;
    v_cache_blocks bigint := @extschema@.get_setting('observe.cache_min_blocks')::bigint;
BEGIN
    RETURN QUERY
    SELECT
        'low_cache_hit_ratio', 'WARN', 'PERFORMANCE',
        current_database()::text,
        format('buffer cache hit ratio of database %s is %s%% (below %s%%): reads go to disk',
            current_database(), c.hit_ratio, v_cache_min),
        NULL::text,
        jsonb_build_object('hit_ratio', c.hit_ratio, 'blocks_hit', c.blocks_hit, 'blocks_read', c.blocks_read,
            'shared_buffers', current_setting('shared_buffers'),
            'advice', 'raise shared_buffers, or find the queries reading most blocks')
    FROM @extschema@.get_cache_hit_ratio() AS c
    WHERE c.scope = 'database' AND c.hit_ratio < v_cache_min AND c.blocks_hit + c.blocks_read >= v_cache_blocks;
END
$$;

COMMENT ON FUNCTION @extschema@._health_low_cache_hit_ratio() IS
'wedopt: check_health() lint: database buffer cache hit ratio below observe.cache_hit_ratio_min';

GRANT EXECUTE ON FUNCTION @extschema@._health_low_cache_hit_ratio() TO wedopt_monitor;
