CREATE OR REPLACE FUNCTION @extschema@._ensure_time_partitions(
    p_parent regclass,
    p_step interval,
    p_premake integer DEFAULT 3,
    p_retention interval DEFAULT NULL
)
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema text;
    v_table text;
    v_strategy "char";
    v_unit text;
    v_start timestamptz;
    v_from timestamptz;
    v_to timestamptz;
    v_name text;
    v_part record;
    v_bound_to timestamptz;
BEGIN
    PERFORM @extschema@._require_primary('_ensure_time_partitions()');
    -- search_path is pinned to pg_catalog here, so plain operators cannot be hijacked.
    SELECT n.nspname, c.relname, p.partstrat
    INTO v_schema, v_table, v_strategy
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_partitioned_table AS p ON p.partrelid = c.oid
    WHERE c.oid = p_parent;
    IF v_strategy IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION 'wedopt: % is not partitioned by range', p_parent
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Create it with PARTITION BY RANGE (<timestamptz column>).';
    END IF;
    v_unit := CASE
        WHEN p_step = INTERVAL '1 day' THEN 'day'
        WHEN p_step = INTERVAL '1 week' THEN 'week'
        WHEN p_step = INTERVAL '1 month' THEN 'month'
        WHEN p_step = INTERVAL '3 months' THEN 'quarter'
        WHEN p_step = INTERVAL '1 year' THEN 'year'
    END;
    IF v_unit IS NULL OR p_premake < 0 THEN
        RAISE EXCEPTION 'wedopt: partition step % / premake % not supported', p_step, p_premake
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use a step of 1 day, 1 week, 1 month, 3 months or 1 year and premake >= 0.';
    END IF;

    -- A default partition, so that a row outside every range is kept, never refused.
    v_name := pg_catalog.left(v_table, 50) || '_default';
    IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_schema, v_name)) IS NULL THEN
        EXECUTE pg_catalog.format('CREATE TABLE %I.%I PARTITION OF %s DEFAULT', v_schema, v_name, p_parent);
        action := 'created';
        partition_name := pg_catalog.format('%I.%I', v_schema, v_name);
        RETURN NEXT;
    END IF;

    v_start := pg_catalog.date_trunc(v_unit, pg_catalog.now());
    FOR i IN 0..p_premake LOOP
        v_from := v_start + (p_step * i);
        v_to := v_from + p_step;
        v_name := pg_catalog.left(v_table, 50) || '_p'
            || pg_catalog.to_char(v_from AT TIME ZONE 'UTC', 'YYYYMMDD');
        CONTINUE WHEN pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_schema, v_name)) IS NOT NULL;
        EXECUTE pg_catalog.format(
            'CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
            v_schema, v_name, p_parent, v_from, v_to
        );
        action := 'created';
        partition_name := pg_catalog.format('%I.%I', v_schema, v_name);
        RETURN NEXT;
    END LOOP;

    IF p_retention IS NOT NULL THEN
        FOR v_part IN
            SELECT c.oid::regclass AS rel, pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound
            FROM pg_catalog.pg_inherits AS i
            JOIN pg_catalog.pg_class AS c ON c.oid = i.inhrelid
            WHERE i.inhparent = p_parent
        LOOP
            CONTINUE WHEN v_part.bound = 'DEFAULT';
            v_bound_to := pg_catalog.substring(v_part.bound, $re$TO \('([^']+)'\)$re$)::timestamptz;
            IF v_bound_to < pg_catalog.now() - p_retention THEN
                partition_name := v_part.rel::text;
                EXECUTE pg_catalog.format('DROP TABLE %s', v_part.rel);
                action := 'dropped';
                RETURN NEXT;
            END IF;
        END LOOP;
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._ensure_time_partitions(regclass, interval, integer, interval) IS
'wedopt (internal): keep a range-partitioned history table ready: a default partition, the '
'current and p_premake next partitions of p_step, and partitions older than p_retention dropped; '
'returns what it created or dropped';
