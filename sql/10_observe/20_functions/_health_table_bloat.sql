CREATE OR REPLACE FUNCTION @extschema@._health_table_bloat()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_bloat_ratio numeric := @extschema@.get_setting('observe.bloat_ratio_max')::numeric;
    v_bloat_min bigint := @extschema@.get_setting('observe.bloat_min_bytes')::bigint;
BEGIN
    RETURN QUERY
    SELECT
        'table_bloat', 'WARN', 'MAINTENANCE',
        format('%I.%I', b.schema_name, b.table_name),
        format('table %I.%I wastes about %s (%s%% of %s), estimated from its statistics',
            b.schema_name, b.table_name, pg_size_pretty(b.bloat_bytes), round(100 * b.bloat_ratio),
            pg_size_pretty(b.real_bytes)),
        format('VACUUM (FULL, ANALYZE) %I.%I;  -- takes an exclusive lock; pg_repack does not',
            b.schema_name, b.table_name),
        to_jsonb(b)
    FROM @extschema@.get_table_bloat() AS b
    WHERE
        b.schema_name IN (SELECT h.nspname FROM @extschema@._user_schemas() AS h)
        AND b.bloat_ratio > v_bloat_ratio AND b.bloat_bytes >= v_bloat_min;
END
$$;

COMMENT ON FUNCTION @extschema@._health_table_bloat() IS
'wedopt: check_health() lint: tables with estimated bloat over observe.bloat_ratio_max';

GRANT EXECUTE ON FUNCTION @extschema@._health_table_bloat() TO wedopt_monitor;
