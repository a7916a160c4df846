CREATE OR REPLACE FUNCTION @extschema@.create_partition_set(
    p_parent regclass,
    p_control name,
    p_interval interval,
    p_premake integer DEFAULT 4,
    p_retention interval DEFAULT NULL,
    p_retention_keep_table boolean DEFAULT TRUE,
    p_archive_schema name DEFAULT NULL,
    p_default_policy text DEFAULT 'create',
    p_now timestamptz DEFAULT NULL
)
RETURNS SETOF @extschema@.partition_action
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key name;
    v_keytype regtype;
    v_strategy "char";
    v_nkeys integer;
BEGIN
    PERFORM @extschema@._require_primary('create_partition_set()');
    SELECT p.partstrat, p.partnatts, a.attname, a.atttypid::regtype INTO v_strategy, v_nkeys, v_key, v_keytype
    FROM pg_catalog.pg_partitioned_table AS p
    LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = p_parent;
    IF v_strategy IS DISTINCT FROM 'r' OR v_nkeys <> 1 OR v_key IS DISTINCT FROM p_control THEN
        RAISE EXCEPTION 'wedopt: % is not partitioned by range on the column %', p_parent, p_control
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'A partition set is a table created with PARTITION BY RANGE (' || p_control
                      || '); to convert a plain table see doc/maintain.md, "Converting a plain table".';
    END IF;
    IF v_keytype NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION 'wedopt: the control column % of % is %, not a date or timestamp', p_control, p_parent,
            v_keytype
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Time partition sets need a date, timestamp or timestamptz key.';
    END IF;
    IF p_interval IS NULL OR p_interval NOT IN (
        INTERVAL '1 day', INTERVAL '1 week', INTERVAL '1 month', INTERVAL '3 months', INTERVAL '1 year'
    ) THEN
        RAISE EXCEPTION 'wedopt: partition interval % not supported', p_interval
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use 1 day, 1 week, 1 month, 3 months (a quarter) or 1 year.';
    END IF;
    IF p_premake IS NULL OR p_premake NOT BETWEEN 0 AND 1000 THEN
        RAISE EXCEPTION 'wedopt: premake % out of range', p_premake
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a premake between 0 and 1000.';
    END IF;
    IF p_retention IS NOT NULL AND p_retention <= INTERVAL '0' THEN
        RAISE EXCEPTION 'wedopt: retention % is not positive', p_retention
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a positive interval, or NULL to keep everything.';
    END IF;
    IF p_default_policy IS NULL OR p_default_policy NOT IN ('create', 'none') THEN
        RAISE EXCEPTION 'wedopt: default-partition policy % unknown', p_default_policy
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'create: keep a default partition (rows outside every range are kept); '
                      'none: create none (such rows are refused).';
    END IF;
    IF p_archive_schema IS NOT NULL AND (
        NOT p_retention_keep_table
        OR NOT EXISTS (SELECT FROM pg_catalog.pg_namespace AS n WHERE n.nspname = p_archive_schema)
    ) THEN
        RAISE EXCEPTION 'wedopt: archive schema % does not exist or tables are not kept', p_archive_schema
            USING ERRCODE = 'invalid_schema_name',
                  HINT = 'Create the schema first; an archive schema needs p_retention_keep_table => true.';
    END IF;
    -- Registering again with other figures updates the set: the call is idempotent.
    INSERT INTO @extschema@.partition_set AS s (
        parent, control, step, premake, retention, retention_keep_table, archive_schema, default_policy
    ) VALUES (
        p_parent, p_control, p_interval, p_premake, p_retention, p_retention_keep_table, p_archive_schema,
        p_default_policy
    )
    ON CONFLICT ON CONSTRAINT partition_set_pkey DO UPDATE SET
        control = excluded.control,
        step = excluded.step,
        premake = excluded.premake,
        retention = excluded.retention,
        retention_keep_table = excluded.retention_keep_table,
        archive_schema = excluded.archive_schema,
        default_policy = excluded.default_policy;
    RETURN QUERY SELECT * FROM @extschema@.run_maintenance(p_parent, FALSE, p_now);
END
$$;

COMMENT ON FUNCTION @extschema@.create_partition_set(
    regclass, name, interval, integer, interval, boolean, name, text, timestamptz
) IS
'wedopt: register a range-partitioned table as a partition set (control column, interval of a day, '
'week, month, quarter or year, premake, retention that detaches (optionally into an archive schema) '
'or drops, default-partition policy create|none) and create its partitions at once; registering '
'again updates the set. Returns what run_maintenance() did. See doc/maintain.md';

GRANT EXECUTE ON FUNCTION @extschema@.create_partition_set(
    regclass, name, interval, integer, interval, boolean, name, text, timestamptz
) TO wedopt_admin;
