-- The one mechanism that keeps a time-range partitioned table ready: wedopt's own history
-- tables (snapshot_stats), the audit log (maintain_audit_log) and the partition sets
-- (run_maintenance) all go through it. See doc/maintain.md, "How a run works".
CREATE OR REPLACE FUNCTION @extschema@._maintain_time_partitions(
    p_parent regclass,
    p_step interval,
    p_premake integer,
    p_retention interval DEFAULT NULL,
    p_keep_table boolean DEFAULT FALSE,
    p_archive_schema name DEFAULT NULL,
    p_create_default boolean DEFAULT TRUE,
    p_now timestamptz DEFAULT NULL,
    p_dry_run boolean DEFAULT FALSE,
    p_max_create integer DEFAULT NULL,
    p_settings jsonb DEFAULT NULL
)
RETURNS TABLE (action text, partition_name text, range_from timestamptz, range_to timestamptz, row_count bigint)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
-- Bounds in one fixed zone, whatever the caller's TimeZone: a month begins at 00:00 UTC.
SET timezone = 'UTC'
AS $$
DECLARE
    v_now timestamptz := coalesce(p_now, pg_catalog.now());
    v_schema name;
    v_table name;
    v_owner name;
    v_replident "char";
    v_super boolean;
    v_strategy "char";
    v_nkeys integer;
    v_key name;
    v_keytype regtype;
    v_unit text;
    v_cur timestamptz;
    v_start timestamptz;
    v_past timestamptz[];
    v_bounds_lo timestamptz[];
    v_bounds_hi timestamptz[];
    v_bounds_rel regclass[];
    v_default regclass;
    v_name text;
    v_new regclass;
    v_cand record;
    v_part record;
    v_cols text;
    v_lo text;
    v_hi text;
    v_rows bigint;
    v_moved bigint;
    v_n bigint;
    v_blocks bigint;
    v_batch integer := coalesce(p_settings ->> 'partition.move_batch_blocks', @extschema@.get_setting('partition.move_batch_blocks'))::integer;
    v_max_rows bigint := coalesce(p_settings ->> 'partition.move_max_rows', @extschema@.get_setting('partition.move_max_rows'))::bigint;
    v_retries integer := coalesce(p_settings ->> 'partition.lock_retries', @extschema@.get_setting('partition.lock_retries'))::integer;
    v_timeout text := (
        pg_catalog.date_part('epoch', coalesce(
            p_settings ->> 'partition.lock_timeout', @extschema@.get_setting('partition.lock_timeout')
        )::interval) * 1000
    )::bigint::text || 'ms';
    v_old_timeout text := pg_catalog.current_setting('lock_timeout');
    v_old_role text := pg_catalog.current_setting('session_replication_role');
    v_max integer;
    v_created integer := 0;
    v_capped integer := 0;
    v_left integer;
    v_done boolean;
    v_err text;
BEGIN
    IF NOT p_dry_run THEN
        PERFORM @extschema@._require_primary('partition maintenance of ' || p_parent::text);
    END IF;
    SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner), c.relreplident, p.partstrat, p.partnatts,
        a.attname, a.atttypid::regtype
    INTO v_schema, v_table, v_owner, v_replident, v_strategy, v_nkeys, v_key, v_keytype
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_partitioned_table AS p ON p.partrelid = c.oid
    LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
    WHERE c.oid = p_parent;
    IF v_strategy IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION 'wedopt: % is not partitioned by range', p_parent
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Create it with PARTITION BY RANGE (<date or timestamp column>).';
    END IF;
    IF v_nkeys <> 1 OR v_key IS NULL
        OR v_keytype NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION 'wedopt: % is not partitioned on one date or timestamp column', p_parent
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Time partitions need PARTITION BY RANGE (col) on a date, timestamp or timestamptz column.';
    END IF;
    v_unit := CASE
        WHEN p_step = INTERVAL '1 day' THEN 'day'
        WHEN p_step = INTERVAL '1 week' THEN 'week'
        WHEN p_step = INTERVAL '1 month' THEN 'month'
        WHEN p_step = INTERVAL '3 months' THEN 'quarter'
        WHEN p_step = INTERVAL '1 year' THEN 'year'
    END;
    IF v_unit IS NULL OR p_premake IS NULL OR p_premake < 0 THEN
        RAISE EXCEPTION 'wedopt: partition step % / premake % not supported', p_step, p_premake
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use a step of 1 day, 1 week, 1 month, 3 months or 1 year and premake >= 0.';
    END IF;
    v_max := coalesce(p_max_create, coalesce(
        p_settings ->> 'partition.max_create_per_run', @extschema@.get_setting('partition.max_create_per_run')
    )::integer);
    SELECT r.rolsuper INTO v_super FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user;

    -- One maintainer of this table at a time; the second waits, then sees what the first made.
    IF NOT p_dry_run THEN
        PERFORM pg_catalog.pg_advisory_xact_lock(
            pg_catalog.hashtext('wedopt.partitions'), pg_catalog.hashtext(p_parent::oid::text)
        );
        PERFORM pg_catalog.set_config('lock_timeout', v_timeout, TRUE);
    END IF;

    -- The columns a moved row carries (generated ones are computed again by the new partition).
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO v_cols
    FROM pg_catalog.pg_attribute AS a
    WHERE a.attrelid = p_parent AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';

    -- The partitions as they are, read once (pg_get_expr per partition is the costly part).
    SELECT
        pg_catalog.array_agg(b.rel) FILTER (WHERE NOT b.is_default),
        pg_catalog.array_agg(b.lo) FILTER (WHERE NOT b.is_default),
        pg_catalog.array_agg(b.hi) FILTER (WHERE NOT b.is_default),
        min(b.rel::text) FILTER (WHERE b.is_default)::regclass
    INTO v_bounds_rel, v_bounds_lo, v_bounds_hi, v_default
    FROM @extschema@._partition_bounds(p_parent) AS b;
    IF v_default IS NULL AND p_create_default THEN
        v_name := @extschema@._free_relation_name(v_schema, pg_catalog.left(v_table, 50) || '_default');
        IF p_dry_run THEN
            RETURN QUERY SELECT 'would create', pg_catalog.format('%I.%I', v_schema, v_name), NULL::timestamptz,
                NULL::timestamptz, NULL::bigint;
        ELSE
            -- A default partition, so that a row outside every range is kept, never refused.
            FOR v_try IN 1..v_retries LOOP
                BEGIN
                    EXECUTE pg_catalog.format('CREATE TABLE %I.%I PARTITION OF %s DEFAULT', v_schema, v_name, p_parent);
                    v_default := pg_catalog.format('%I.%I', v_schema, v_name)::regclass;
                    PERFORM @extschema@._propagate_partition(p_parent, v_default, v_owner, v_replident::text);
                    EXIT;
                EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
                    EXIT WHEN v_try = v_retries;
                    PERFORM pg_catalog.pg_sleep(0.05 * v_try);
                END;
            END LOOP;
            IF v_default IS NULL THEN
                RETURN QUERY SELECT 'skipped', pg_catalog.format('%I.%I', v_schema, v_name), NULL::timestamptz,
                    NULL::timestamptz, NULL::bigint;
            ELSE
                RETURN QUERY SELECT 'created', v_default::text, NULL::timestamptz, NULL::timestamptz, 0::bigint;
            END IF;
        END IF;
    END IF;

    -- The ranges to have: the current one and p_premake after it, by the clock (never by the
    -- data: a row of 2100 creates nothing); and past ranges down to the lowest partition (and
    -- within retention) that hold rows in the default partition (after a stop, or a gap).
    v_cur := pg_catalog.date_trunc(v_unit, v_now);
    SELECT pg_catalog.date_trunc(v_unit, min(CASE WHEN b.lo > '-infinity' THEN b.lo ELSE b.hi END))
    INTO v_start
    FROM ROWS FROM (pg_catalog.unnest(v_bounds_lo), pg_catalog.unnest(v_bounds_hi)) AS b (lo, hi) WHERE b.hi < 'infinity';
    v_start := least(coalesce(v_start, v_cur), v_cur);
    IF p_retention IS NOT NULL THEN
        v_start := greatest(v_start, pg_catalog.date_trunc(v_unit, v_now - p_retention));
    END IF;
    v_past := '{}';
    IF v_default IS NOT NULL AND v_start < v_cur THEN
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.array_agg(DISTINCT pg_catalog.date_trunc(%L, %I::timestamptz)) '
            'FROM %s WHERE %I >= %L AND %I < %L',
            v_unit, v_key, v_default,
            v_key, @extschema@._partition_literal(v_start, v_keytype),
            v_key, @extschema@._partition_literal(v_cur, v_keytype)
        ) INTO v_past;
    END IF;

    FOR v_cand IN
        -- Current and future first, earliest first; then the past, latest first.
        SELECT w.lo, w.lo + p_step AS hi
        FROM (
            SELECT g.lo, FALSE AS past
            FROM pg_catalog.generate_series(v_cur, v_cur + p_step * p_premake, p_step) AS g (lo)
            UNION
            SELECT u.lo, TRUE FROM pg_catalog.unnest(coalesce(v_past, '{}')) AS u (lo)
        ) AS w
        WHERE NOT EXISTS (
            SELECT FROM ROWS FROM (pg_catalog.unnest(v_bounds_lo), pg_catalog.unnest(v_bounds_hi)) AS b (lo, hi)
            WHERE b.lo < w.lo + p_step AND b.hi > w.lo
        )
        ORDER BY w.past, CASE WHEN NOT w.past THEN w.lo END, w.lo DESC
    LOOP
        IF v_created >= v_max THEN
            v_capped := v_capped + 1;
            CONTINUE;
        END IF;
        v_lo := @extschema@._partition_literal(v_cand.lo, v_keytype);
        v_hi := @extschema@._partition_literal(v_cand.hi, v_keytype);
        v_name := pg_catalog.left(v_table, 50) || '_p' || pg_catalog.to_char(v_cand.lo, 'YYYYMMDD');
        IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_schema, v_name)) IS NOT NULL THEN
            v_name := @extschema@._free_relation_name(v_schema, v_name);  -- a detached one bears it
        END IF;
        IF p_dry_run THEN
            v_created := v_created + 1;
            RETURN QUERY SELECT 'would create', pg_catalog.format('%I.%I', v_schema, v_name), v_cand.lo, v_cand.hi,
                NULL::bigint;
            CONTINUE;
        END IF;
        v_done := FALSE;
        v_err := NULL;
        FOR v_try IN 1..v_retries LOOP
            BEGIN
                -- Parent first, then the default partition: the order every insert takes them.
                -- With a default partition the parent is locked ACCESS EXCLUSIVE (as CREATE TABLE
                -- PARTITION OF would): an insert routed by the old partition list would otherwise
                -- reach the default after the ATTACH and fail its new constraint, and a read could
                -- miss the rows being moved. Without one, SHARE UPDATE EXCLUSIVE lets both run on.
                EXECUTE pg_catalog.format(
                    'LOCK TABLE %s IN %s MODE', p_parent,
                    CASE WHEN v_default IS NULL THEN 'SHARE UPDATE EXCLUSIVE' ELSE 'ACCESS EXCLUSIVE' END
                );
                v_rows := 0;
                IF v_default IS NOT NULL THEN
                    EXECUTE pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', v_default);
                    EXECUTE pg_catalog.format(
                        'SELECT count(*) FROM %s WHERE %I >= %L AND %I < %L', v_default, v_key, v_lo, v_key, v_hi
                    ) INTO v_rows;
                END IF;
                IF v_rows > v_max_rows THEN
                    v_err := pg_catalog.format('%s rows of this range in the default partition (> partition.move_max_rows)', v_rows);
                    EXIT;
                END IF;
                IF v_rows = 0 THEN
                    -- Nothing waits in the default: one statement (the parent is locked already).
                    EXECUTE pg_catalog.format(
                        'CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                        v_schema, v_name, p_parent, v_lo, v_hi
                    );
                    v_new := pg_catalog.format('%I.%I', v_schema, v_name)::regclass;
                    v_moved := 0;
                ELSE
                    EXECUTE pg_catalog.format(
                        'CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED '
                        'INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING STATISTICS)',
                        v_schema, v_name, p_parent
                    );
                    v_new := pg_catalog.format('%I.%I', v_schema, v_name)::regclass;
                    v_moved := 0;
                    IF v_rows > 0 THEN
                        -- The rows of this range wait in the default partition: move them into the new
                        -- table (bounded batches of blocks), which a validated CHECK lets ATTACH skip scanning.
                        EXECUTE pg_catalog.format(
                            'ALTER TABLE %s ADD CONSTRAINT wedopt_bound CHECK (%I IS NOT NULL AND %I >= %L AND %I < %L)',
                            v_new, v_key, v_key, v_lo, v_key, v_hi
                        );
                        -- A relocation, not a change: no trigger (audit, guards) fires for it.
                        IF v_super THEN
                            PERFORM pg_catalog.set_config('session_replication_role', 'replica', TRUE);
                        END IF;
                        v_blocks := pg_catalog.pg_relation_size(v_default) / pg_catalog.current_setting('block_size')::bigint;
                        FOR v_b IN 0..v_blocks BY v_batch LOOP
                            EXECUTE pg_catalog.format(
                                'WITH moved AS (DELETE FROM %s WHERE ctid >= %L::tid AND ctid < %L::tid '
                                'AND %I >= %L AND %I < %L RETURNING %s) INSERT INTO %s (%s) SELECT %s FROM moved',
                                v_default, pg_catalog.format('(%s,0)', v_b), pg_catalog.format('(%s,0)', v_b + v_batch),
                                v_key, v_lo, v_key, v_hi, v_cols, v_new, v_cols, v_cols
                            );
                            GET DIAGNOSTICS v_n = ROW_COUNT;
                            v_moved := v_moved + v_n;
                            IF v_n > 0 THEN
                                RAISE NOTICE 'wedopt: moved % of % row(s) from % into %', v_moved, v_rows, v_default, v_new;
                            END IF;
                        END LOOP;
                        PERFORM pg_catalog.set_config('session_replication_role', v_old_role, TRUE);
                    END IF;
                    EXECUTE pg_catalog.format(
                        'ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)', p_parent, v_new, v_lo, v_hi
                    );
                    IF v_rows > 0 THEN
                        EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT wedopt_bound', v_new);
                    END IF;
                END IF;
                PERFORM @extschema@._propagate_partition(p_parent, v_new, v_owner, v_replident::text);
                v_done := TRUE;
                EXIT;
            EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
                v_err := pg_catalog.format('locks not granted within %s, %s tries', v_timeout, v_try);
                EXIT WHEN v_try = v_retries;
                PERFORM pg_catalog.pg_sleep(0.05 * v_try);
            END;
        END LOOP;
        IF v_done THEN
            v_created := v_created + 1;
            RETURN QUERY SELECT 'created', v_new::text, v_cand.lo, v_cand.hi, v_moved;
        ELSE
            RAISE NOTICE 'wedopt: partition % of % not created: %', v_name, p_parent, v_err;
            RETURN QUERY SELECT 'skipped', pg_catalog.format('%I.%I', v_schema, v_name), v_cand.lo, v_cand.hi, v_rows;
        END IF;
    END LOOP;
    IF v_capped > 0 THEN
        RAISE NOTICE 'wedopt: % created % partition(s), % more wait for the next run (partition.max_create_per_run)',
            p_parent, v_created, v_capped;
        RETURN QUERY SELECT 'capped', p_parent::text, NULL::timestamptz, NULL::timestamptz, v_capped::bigint;
    END IF;

    -- Retention by real bounds: a partition whose upper bound is older than p_retention. The
    -- default partition and the last remaining partition are never removed.
    IF p_retention IS NOT NULL THEN
        v_left := coalesce(pg_catalog.cardinality(v_bounds_rel), 0) + v_created;
        FOR v_part IN
            SELECT b.rel, b.lo, b.hi
            FROM ROWS FROM (
                pg_catalog.unnest(v_bounds_rel), pg_catalog.unnest(v_bounds_lo), pg_catalog.unnest(v_bounds_hi)
            ) AS b (rel, lo, hi)
            WHERE b.hi < v_now - p_retention
            ORDER BY b.hi
        LOOP
            EXIT WHEN v_left <= 1;
            IF p_dry_run THEN
                RETURN QUERY SELECT CASE WHEN p_keep_table THEN 'would detach' ELSE 'would drop' END,
                    v_part.rel::text, v_part.lo, v_part.hi, NULL::bigint;
                v_left := v_left - 1;
                CONTINUE;
            END IF;
            v_done := FALSE;
            v_name := v_part.rel::text;
            FOR v_try IN 1..v_retries LOOP
                BEGIN
                    EXECUTE pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', p_parent);
                    IF p_keep_table THEN
                        EXECUTE pg_catalog.format('ALTER TABLE %s DETACH PARTITION %s', p_parent, v_part.rel);
                        IF p_archive_schema IS NOT NULL THEN
                            EXECUTE pg_catalog.format('ALTER TABLE %s SET SCHEMA %I', v_part.rel, p_archive_schema);
                            v_name := v_part.rel::text;
                        END IF;
                    ELSE
                        EXECUTE pg_catalog.format('DROP TABLE %s', v_part.rel);
                    END IF;
                    v_done := TRUE;
                    EXIT;
                EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
                    EXIT WHEN v_try = v_retries;
                    PERFORM pg_catalog.pg_sleep(0.05 * v_try);
                END;
            END LOOP;
            IF v_done THEN
                v_left := v_left - 1;
                RETURN QUERY SELECT CASE WHEN p_keep_table THEN 'detached' ELSE 'dropped' END, v_name, v_part.lo,
                    v_part.hi, NULL::bigint;
            ELSE
                RAISE NOTICE 'wedopt: retention of % skipped: locks not granted within %', v_part.rel, v_timeout;
                RETURN QUERY SELECT 'skipped', v_name, v_part.lo, v_part.hi, NULL::bigint;
            END IF;
        END LOOP;
    END IF;

    -- What stays in the default partition (outside every range kept) is reported, not lost.
    IF v_default IS NOT NULL THEN
        EXECUTE pg_catalog.format('SELECT count(*) FROM %s', v_default) INTO v_rows;
        IF v_rows > 0 THEN
            RAISE NOTICE 'wedopt: % row(s) remain in the default partition %', v_rows, v_default
                USING HINT = 'They lie outside the ranges maintenance keeps (beyond premake, before the oldest '
                    'partition or retention); see doc/maintain.md, "Rows left in the default partition".';
        END IF;
        RETURN QUERY SELECT 'default rows', v_default::text, NULL::timestamptz, NULL::timestamptz, v_rows;
    END IF;
    IF NOT p_dry_run THEN
        PERFORM pg_catalog.set_config('lock_timeout', v_old_timeout, TRUE);
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._maintain_time_partitions(
    regclass, interval, integer, interval, boolean, name, boolean, timestamptz, boolean, integer, jsonb
) IS
'wedopt (internal): the one time-partition keeper. By real bounds in UTC: a default partition '
'(p_create_default), the current and p_premake next ranges by the clock (p_now, default now()), '
'past ranges holding rows in the default; rows of a new range moved out of the default in batches '
'before ATTACH; retention detaches (p_keep_table, into p_archive_schema) or drops partitions that '
'ended before p_now - p_retention, never the last; parent-first locks under setting '
'partition.lock_timeout with retries, one maintainer per table (advisory lock); p_dry_run changes '
'nothing and says what would be done; p_settings (jsonb of partition.* settings) spares a caller '
'that runs many tables reading them each time. Returns one row per action';

GRANT EXECUTE ON FUNCTION @extschema@._maintain_time_partitions(
    regclass, interval, integer, interval, boolean, name, boolean, timestamptz, boolean, integer, jsonb
) TO wedopt_admin;
