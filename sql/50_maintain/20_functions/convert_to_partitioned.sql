CREATE OR REPLACE FUNCTION @extschema@.convert_to_partitioned(
    p_table regclass,
    p_control name,
    p_interval interval,
    p_premake integer DEFAULT 4,
    p_now timestamptz DEFAULT NULL,
    p_method text DEFAULT 'attach'
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
    v_min timestamptz;
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
    IF p_method IS NULL OR p_method NOT IN ('attach', 'copy') THEN
        RAISE EXCEPTION 'wedopt: conversion method % unknown', coalesce(quote_literal(p_method), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'attach: the table becomes the first partition, no row copied (one transaction); '
                      'copy: the rows are copied into new partitions in batches, then a short cut-over.';
    END IF;
    -- What a partitioned table cannot take over: refuse before changing anything.
    v_blocker := @extschema@._convert_blockers(p_table, p_control, p_method);
    IF v_blocker IS NOT NULL THEN
        RAISE EXCEPTION 'wedopt: % cannot be converted as it is: %', p_table, v_blocker
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add the control column to unique constraints, drop the foreign keys and views that '
                      'point at it (recreate them after), use a sequence default for an identity column, '
                      'then convert; for the copy give it a primary key and recreate its triggers and policies '
                      'after; see doc/maintain.md.';
    END IF;

    -- Before: count and an order-free checksum of every row, with writes held (EXCLUSIVE: reads
    -- go on) so that the count is the table's to the end; the copy takes its own locks.
    IF p_method = 'attach' THEN
        PERFORM @extschema@._lock_for_conversion(p_table, 'EXCLUSIVE');
    END IF;
    SELECT c.row_count, c.checksum, c.min_key, c.max_key INTO v_count, v_sum, v_min, v_max
    FROM @extschema@._table_checksum(p_table, p_control) AS c;
    RETURN QUERY SELECT 'counted', p_table::text, v_count, v_sum;
    IF p_method = 'copy' THEN
        RETURN QUERY SELECT * FROM @extschema@._convert_by_copy(
            p_table, p_control, p_interval, v_unit, v_type, v_min, v_max, p_premake, p_now
        );
        RETURN;
    END IF;

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
    SELECT c.row_count, c.checksum INTO v_count_after, v_sum_after FROM @extschema@._table_checksum(v_new) AS c;
    IF v_count_after <> v_count OR v_sum_after <> v_sum THEN
        RAISE EXCEPTION 'wedopt: conversion of % lost rows (% -> %), rolled back', v_new, v_count, v_count_after
            USING ERRCODE = 'data_corrupted', HINT = 'Nothing was changed; report this with the table definition.';
    END IF;
    RETURN QUERY SELECT 'verified', v_new::text, v_count_after, v_sum_after;
    RAISE NOTICE 'wedopt: % is partitioned by % (% rows kept, checksum %)', v_new, p_control, v_count_after, v_sum_after;
END
$$;

COMMENT ON FUNCTION @extschema@.convert_to_partitioned(regclass, name, interval, integer, timestamptz, text) IS
'wedopt: convert a plain table into a range-partitioned one in one transaction, registered as a partition '
'set. p_method attach (the default) copies no row: a CHECK on the control column validated first, the table '
'renamed <name>_historic and attached as the partition [MINVALUE, next range). p_method copy: new partitions '
'for the data''s range, rows copied in batches of blocks, a short cut-over under lock_timeout that catches up '
'the rows written meanwhile; the old table is kept as <name>_unpartitioned. Count and checksum must agree or '
'everything is rolled back. Refuses tables with unique indexes lacking the key, foreign keys or views '
'pointing at them. See doc/maintain.md';

GRANT EXECUTE ON FUNCTION @extschema@.convert_to_partitioned(regclass, name, interval, integer, timestamptz, text)
TO wedopt_admin;
