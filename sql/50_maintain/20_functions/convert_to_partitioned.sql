CREATE OR REPLACE FUNCTION @extschema@.convert_to_partitioned(
    p_table regclass,
    p_control name,
    p_interval interval,
    p_premake integer DEFAULT 4,
    p_now timestamptz DEFAULT NULL
)
RETURNS TABLE (step text, detail text, row_count bigint, checksum numeric)
LANGUAGE plpgsql
VOLATILE
-- INVOKER: the caller must own the table; every statement runs with the caller's rights.
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_schema name;
    v_name name;
    v_kind "char";
    v_type regtype;
    v_notnull boolean;
    v_unit text;
    v_max timestamptz;
    v_upper timestamptz;
    v_upper_lit text;
    v_count bigint;
    v_sum numeric;
    v_count_after bigint;
    v_sum_after numeric;
    v_old name;
    v_new regclass;
    v_blocker text;
BEGIN
    PERFORM @extschema@._require_primary('convert_to_partitioned()');
    SELECT n.nspname, c.relname, c.relkind, a.atttypid::regtype, a.attnotnull
    INTO v_schema, v_name, v_kind, v_type, v_notnull
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_attribute AS a
        ON a.attrelid = c.oid AND a.attname = p_control AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.oid = p_table;
    IF v_kind IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION 'wedopt: % is not a plain table', p_table
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'A partitioned table is registered with create_partition_set() instead.';
    END IF;
    IF v_type IS NULL OR v_type NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION 'wedopt: % has no date or timestamp column %', p_table, p_control
            USING ERRCODE = 'datatype_mismatch', HINT = 'Name a date, timestamp or timestamptz column.';
    END IF;
    v_unit := CASE
        WHEN p_interval = INTERVAL '1 day' THEN 'day'
        WHEN p_interval = INTERVAL '1 week' THEN 'week'
        WHEN p_interval = INTERVAL '1 month' THEN 'month'
        WHEN p_interval = INTERVAL '3 months' THEN 'quarter'
        WHEN p_interval = INTERVAL '1 year' THEN 'year'
    END;
    IF v_unit IS NULL THEN
        RAISE EXCEPTION 'wedopt: partition interval % not supported', p_interval
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use 1 day, 1 week, 1 month, 3 months (a quarter) or 1 year.';
    END IF;
    -- What a partitioned table cannot take over: refuse before changing anything.
    SELECT pg_catalog.string_agg(b.what, '; ') INTO v_blocker
    FROM (
        SELECT pg_catalog.format('unique index %s lacks %s', x.indexrelid::regclass, p_control) AS what
        FROM pg_catalog.pg_index AS x
        WHERE x.indrelid = p_table AND x.indisunique AND NOT EXISTS (
            SELECT FROM pg_catalog.pg_attribute AS a
            WHERE a.attrelid = p_table AND a.attname = p_control AND a.attnum = ANY (x.indkey)
        )
        UNION ALL
        SELECT pg_catalog.format('foreign key %s of %s points at it', k.conname, k.conrelid::regclass)
        FROM pg_catalog.pg_constraint AS k WHERE k.contype = 'f' AND k.confrelid = p_table
        UNION ALL
        SELECT DISTINCT pg_catalog.format('view %s reads it', r.ev_class::regclass)
        FROM pg_catalog.pg_depend AS d
        JOIN pg_catalog.pg_rewrite AS r ON r.oid = d.objid
        WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refobjid = p_table AND r.ev_class <> p_table
        UNION ALL
        SELECT pg_catalog.format('identity column %s', a.attname)
        FROM pg_catalog.pg_attribute AS a WHERE a.attrelid = p_table AND a.attidentity <> ''
        UNION ALL
        SELECT pg_catalog.format('inheritance: %s', i.inhrelid::regclass)
        FROM pg_catalog.pg_inherits AS i WHERE i.inhparent = p_table OR i.inhrelid = p_table
    ) AS b;
    IF v_blocker IS NOT NULL THEN
        RAISE EXCEPTION 'wedopt: % cannot be converted as it is: %', p_table, v_blocker
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add the control column to unique constraints, drop the foreign keys and views that '
                      'point at it (recreate them after), use a sequence default for an identity column, '
                      'then convert; see doc/maintain.md.';
    END IF;

    -- Before: count and an order-free checksum of every row.
    EXECUTE pg_catalog.format(
        'SELECT count(*), coalesce(sum(pg_catalog.hashtextextended(t::text, 0)), 0), max(%I)::timestamptz FROM %s AS t',
        p_control, p_table
    ) INTO v_count, v_sum, v_max;
    RETURN QUERY SELECT 'counted', p_table::text, v_count, v_sum;

    -- The old table becomes the historical partition [MINVALUE, v_upper): the range after its
    -- newest row (or after now, the larger). A validated CHECK proves it, so ATTACH does not scan.
    v_upper := pg_catalog.date_trunc(v_unit, greatest(coalesce(v_max, '-infinity'), coalesce(p_now, now())))
        + p_interval;
    v_upper_lit := @extschema@._partition_literal(v_upper, v_type);
    EXECUTE pg_catalog.format(
        'ALTER TABLE %s ADD CONSTRAINT wedopt_convert CHECK (%I IS NOT NULL AND %I < %L) NOT VALID',
        p_table, p_control, p_control, v_upper_lit
    );
    EXECUTE pg_catalog.format('ALTER TABLE %s VALIDATE CONSTRAINT wedopt_convert', p_table);
    RETURN QUERY SELECT 'validated', pg_catalog.format('%s < %s', p_control, v_upper_lit), v_count, NULL::numeric;

    -- Cut-over, in this one transaction: the old table steps aside under its new name, the
    -- partitioned table takes its name, the old one is attached without copying a row.
    EXECUTE pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', p_table);
    v_old := @extschema@._free_relation_name(v_schema, pg_catalog.left(v_name, 50) || '_historic');
    EXECUTE pg_catalog.format('ALTER TABLE %s RENAME TO %I', p_table, v_old);
    EXECUTE pg_catalog.format(
        'CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED '
        'INCLUDING INDEXES INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING STATISTICS INCLUDING COMMENTS) '
        'PARTITION BY RANGE (%I)',
        v_schema, v_name, v_schema, v_old, p_control
    );
    v_new := pg_catalog.format('%I.%I', v_schema, v_name)::regclass;
    EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS wedopt_convert', v_new);
    EXECUTE pg_catalog.format(
        'ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (MINVALUE) TO (%L)', v_new, v_schema, v_old, v_upper_lit
    );
    EXECUTE pg_catalog.format('ALTER TABLE %I.%I DROP CONSTRAINT wedopt_convert', v_schema, v_old);
    PERFORM @extschema@._propagate_partition(
        p_table, v_new, pg_catalog.pg_get_userbyid((SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = p_table)),
        'd'
    );
    RETURN QUERY SELECT 'attached', pg_catalog.format('%I.%I', v_schema, v_old), v_count, NULL::numeric;

    -- The future partitions and a default, by the same mechanism as every set.
    RETURN QUERY
    SELECT 'partitioned', c.action || ' ' || c.partition_name, c.row_count, NULL::numeric
    FROM @extschema@.create_partition_set(v_new, p_control, p_interval, p_premake, p_now => p_now) AS c
    WHERE c.action = 'created';

    -- After: the same rows, proven by count and checksum, or nothing happened at all.
    EXECUTE pg_catalog.format(
        'SELECT count(*), coalesce(sum(pg_catalog.hashtextextended(t::text, 0)), 0) FROM %s AS t', v_new
    ) INTO v_count_after, v_sum_after;
    IF v_count_after <> v_count OR v_sum_after <> v_sum THEN
        RAISE EXCEPTION 'wedopt: conversion of % lost rows (% -> %), rolled back', p_table, v_count, v_count_after
            USING ERRCODE = 'data_corrupted', HINT = 'Nothing was changed; report this with the table definition.';
    END IF;
    RETURN QUERY SELECT 'verified', v_new::text, v_count_after, v_sum_after;
    RAISE NOTICE 'wedopt: % is partitioned by % (% rows kept, checksum %)', v_new, p_control, v_count_after, v_sum_after;
END
$$;

COMMENT ON FUNCTION @extschema@.convert_to_partitioned(regclass, name, interval, integer, timestamptz) IS
'wedopt: convert a plain table into a range-partitioned one in one transaction, copying no row: '
'a CHECK on the control column validated first, the table renamed <name>_historic and attached as the '
'partition [MINVALUE, next range) of a new partitioned table of the same name, registered as a partition '
'set; count and checksum before and after must agree or everything is rolled back. Refuses tables '
'with unique indexes lacking the key, foreign keys or views pointing at them. See doc/maintain.md';

GRANT EXECUTE ON FUNCTION @extschema@.convert_to_partitioned(regclass, name, interval, integer, timestamptz)
TO wedopt_admin;
