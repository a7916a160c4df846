CREATE OR REPLACE FUNCTION @extschema@._health_dead_tuples()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_dead_min bigint := @extschema@.get_setting('observe.dead_tuple_min')::bigint;
    v_dead_ratio numeric := @extschema@.get_setting('observe.dead_tuple_ratio_max')::numeric;
BEGIN
    RETURN QUERY
    SELECT
        'dead_tuples', 'WARN', 'MAINTENANCE',
        format('%I.%I', v.schema_name, v.table_name),
        format('table %I.%I has %s dead tuples (%s%% of its rows)%s; last vacuum %s', v.schema_name,
            v.table_name, v.dead_tuples, round(100 * v.dead_tuple_ratio, 1),
            CASE WHEN v.autovacuum_enabled THEN '' ELSE ', autovacuum is disabled on it' END,
            coalesce(greatest(v.last_vacuum, v.last_autovacuum)::text, 'never')),
        format('VACUUM (ANALYZE) %I.%I;', v.schema_name, v.table_name),
        jsonb_build_object('dead_tuples', v.dead_tuples, 'live_tuples', v.live_tuples,
            'dead_tuple_ratio', v.dead_tuple_ratio, 'autovacuum_enabled', v.autovacuum_enabled,
            'autovacuum_due', v.autovacuum_due, 'last_vacuum', v.last_vacuum,
            'last_autovacuum', v.last_autovacuum)
    FROM @extschema@.get_table_vacuum_stats() AS v
    WHERE
        v.schema_name IN (SELECT h.nspname FROM @extschema@._user_schemas() AS h)
        AND v.dead_tuples >= v_dead_min AND v.dead_tuple_ratio >= v_dead_ratio;
END
$$;

COMMENT ON FUNCTION @extschema@._health_dead_tuples() IS
'wedopt: check_health() lint: tables with many dead tuples (observe.dead_tuple_min, _ratio_max)';

GRANT EXECUTE ON FUNCTION @extschema@._health_dead_tuples() TO wedopt_monitor;
