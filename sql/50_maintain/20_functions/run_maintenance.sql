CREATE OR REPLACE FUNCTION @extschema@.run_maintenance(
    p_table regclass DEFAULT NULL,
    p_dry_run boolean DEFAULT FALSE,
    p_now timestamptz DEFAULT NULL
)
RETURNS SETOF @extschema@.partition_action
LANGUAGE plpgsql
VOLATILE
-- INVOKER: the partition DDL runs with the caller's own rights (owner of the parent), so
-- registering a table grants nobody anything on it.
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_set @extschema@.partition_set;
    v_row @extschema@.partition_action;
    v_started timestamptz;
    v_created integer;
    v_removed integer;
    v_skipped integer;
    v_default bigint;
    v_err text;
    v_done jsonb;
    v_sets integer := 0;
    v_settings jsonb;
BEGIN
    IF NOT p_dry_run THEN
        PERFORM @extschema@._require_primary('run_maintenance()');
    END IF;
    IF p_table IS NOT NULL AND NOT EXISTS (
        SELECT FROM @extschema@.partition_set AS s WHERE s.parent = p_table
    ) THEN
        RAISE EXCEPTION 'wedopt: % is no partition set', p_table
            USING ERRCODE = 'undefined_object',
                  HINT = 'Register it first: SELECT * FROM wedopt.create_partition_set(table, control column, interval).';
    END IF;
    -- The partition.* settings, read once for all the sets.
    SELECT pg_catalog.jsonb_object_agg(s.name, s.value) INTO v_settings
    FROM @extschema@.settings AS s WHERE s.name LIKE 'partition.%';
    -- The sets in one fixed order (by oid), so that two runs never wait on each other in a cycle.
    FOR v_set IN
        SELECT s.* FROM @extschema@.partition_set AS s
        WHERE p_table IS NULL OR s.parent = p_table
        ORDER BY s.parent::oid
    LOOP
        v_started := pg_catalog.clock_timestamp();
        v_created := 0;
        v_removed := 0;
        v_skipped := 0;
        v_default := NULL;
        v_err := NULL;
        v_done := '[]';
        BEGIN
            SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(m)), '[]') INTO v_done
            FROM @extschema@._maintain_time_partitions(
                v_set.parent, v_set.step, v_set.premake, v_set.retention, v_set.retention_keep_table,
                v_set.archive_schema, v_set.default_policy = 'create', p_now, p_dry_run, NULL, v_settings
            ) AS m;
        EXCEPTION WHEN OTHERS THEN
            -- One broken set (its table dropped, no rights) does not stop the others; nothing
            -- of it is half-applied (the block is rolled back).
            GET STACKED DIAGNOSTICS v_err = MESSAGE_TEXT;
            RAISE WARNING 'wedopt: maintenance of % failed: %', v_set.parent, v_err;
            v_done := pg_catalog.jsonb_build_array(
                pg_catalog.jsonb_build_object('action', 'error', 'partition_name', v_err)
            );
        END;
        FOR v_row IN
            SELECT v_set.parent, r.action, r.partition_name, r.range_from, r.range_to, r.row_count
            FROM pg_catalog.jsonb_to_recordset(v_done) AS r (
                action text, partition_name text, range_from timestamptz, range_to timestamptz, row_count bigint
            )
        LOOP
            CASE v_row.action
                WHEN 'created' THEN v_created := v_created + 1;
                WHEN 'dropped', 'detached' THEN v_removed := v_removed + 1;
                WHEN 'skipped', 'capped' THEN v_skipped := v_skipped + 1;
                WHEN 'default rows' THEN v_default := v_row.row_count;
                ELSE NULL;
            END CASE;
            -- The steady state says nothing: an empty default is no news.
            CONTINUE WHEN v_row.action = 'default rows' AND v_row.row_count = 0;
            RETURN NEXT v_row;
        END LOOP;
        v_sets := v_sets + 1;
        IF NOT p_dry_run THEN
            UPDATE @extschema@.partition_set AS s SET
                last_run_at = v_started,
                last_run_ms = round(
                    (extract(EPOCH FROM pg_catalog.clock_timestamp() - v_started) * 1000)::numeric, 1
                ),
                last_created = v_created,
                last_removed = v_removed,
                last_skipped = v_skipped,
                default_rows = v_default,
                last_error = v_err
            WHERE s.parent = v_set.parent;
        END IF;
        RAISE NOTICE 'wedopt: % maintained: % created, % removed, % skipped, % row(s) in the default',
            v_set.parent, v_created, v_removed, v_skipped, coalesce(v_default, 0);
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.run_maintenance(regclass, boolean, timestamptz) IS
'wedopt: keep every partition set (or p_table only) ready: premake by the clock (p_now, default '
'now()), past ranges with rows in the default created and the rows moved before ATTACH, retention '
'by real bounds; p_dry_run shows what it would do and changes nothing; one row per action; a set '
'that fails is reported (action error) and the others still run. See doc/maintain.md';

GRANT EXECUTE ON FUNCTION @extschema@.run_maintenance(regclass, boolean, timestamptz) TO wedopt_admin;
