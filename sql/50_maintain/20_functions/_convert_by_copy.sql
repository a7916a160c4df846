-- The copy method of convert_to_partitioned(): a new partitioned table beside the old one, the
-- rows copied in bounded batches of blocks while the application goes on writing, then a short
-- cut-over: the old table locked against writes, the rows written meanwhile caught up by key,
-- count and checksum compared, the names swapped. The old table stays, renamed, for the DBA to
-- drop. Called by convert_to_partitioned() after its checks (blockers, types, interval).
CREATE OR REPLACE FUNCTION @extschema@._convert_by_copy(
    p_table regclass,
    p_control name,
    p_interval interval,
    p_unit text,
    p_type regtype,
    p_min timestamptz,
    p_max timestamptz,
    p_premake integer,
    p_now timestamptz
)
RETURNS TABLE (step text, detail text, row_count bigint, checksum numeric)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_schema name;
    v_name name;
    v_owner name;
    v_tmp text;
    v_new regclass;
    v_part text;
    v_lo timestamptz;
    v_hi timestamptz;
    v_parts integer := 0;
    v_cols text;
    v_ocols text;
    v_key text;
    v_blocks bigint;
    v_step bigint := @extschema@.get_setting('partition.move_batch_blocks')::bigint;
    v_block bigint := 0;
    v_batch integer := 0;
    v_rows bigint;
    v_copied bigint := 0;
    v_removed bigint;
    v_added bigint;
    v_mode text;
    v_old_count bigint;
    v_old_sum numeric;
    v_new_count bigint;
    v_new_sum numeric;
    v_old text;
    v_seq record;
    v_fk record;
    v_index record;
    v_locked_at timestamptz;
    v_horizon xid8 := pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot());
    v_span bigint;
    v_delta_ms numeric;
    err_state text;
    err_message text;
BEGIN
    SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner) INTO v_schema, v_name, v_owner
    FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.oid = p_table;
    -- No DDL on the old table while it is copied (writes go on: SHARE UPDATE EXCLUSIVE).
    PERFORM @extschema@._lock_for_conversion(p_table, 'SHARE UPDATE EXCLUSIVE');

    -- 1. The partitioned table, under a name of its own until the cut-over; its partitions are
    -- named after the table's final name, as maintenance names them later.
    v_tmp := @extschema@._free_relation_name(v_schema, pg_catalog.left(v_name, 50) || '_converting');
    EXECUTE pg_catalog.format(
        'CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED '
        'INCLUDING INDEXES INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING STATISTICS INCLUDING COMMENTS) '
        'PARTITION BY RANGE (%I)',
        v_schema, v_tmp, p_table, p_control
    );
    v_new := pg_catalog.format('%I.%I', v_schema, v_tmp)::regclass;
    PERFORM @extschema@._propagate_partition(p_table, v_new, v_owner, 'd');
    v_part := @extschema@._free_relation_name(v_schema, pg_catalog.left(v_name, 50) || '_default');
    EXECUTE pg_catalog.format('CREATE TABLE %I.%I PARTITION OF %s DEFAULT', v_schema, v_part, v_new);
    PERFORM @extschema@._propagate_partition(p_table, pg_catalog.format('%I.%I', v_schema, v_part)::regclass, v_owner, 'd');
    -- A range per interval from the oldest row to the current range (or the newest row).
    v_lo := pg_catalog.date_trunc(p_unit, coalesce(p_min, p_now, now()));
    v_hi := pg_catalog.date_trunc(p_unit, greatest(coalesce(p_max, '-infinity'), coalesce(p_now, now()))) + p_interval;
    IF v_lo < v_hi - p_interval * 10000 THEN
        RAISE EXCEPTION 'wedopt: % spans more than 10000 partitions of %', p_table, p_interval
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = 'Choose a longer interval, or delete the outlying rows first; nothing was changed.';
    END IF;
    WHILE v_lo < v_hi LOOP
        v_part := @extschema@._free_relation_name(
            v_schema, pg_catalog.left(v_name, 50) || '_p' || pg_catalog.to_char(v_lo, 'YYYYMMDD')
        );
        EXECUTE pg_catalog.format(
            'CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', v_schema, v_part, v_new,
            @extschema@._partition_literal(v_lo, p_type), @extschema@._partition_literal(v_lo + p_interval, p_type)
        );
        PERFORM @extschema@._propagate_partition(
            p_table, pg_catalog.format('%I.%I', v_schema, v_part)::regclass, v_owner, 'd'
        );
        v_parts := v_parts + 1;
        v_lo := v_lo + p_interval;
    END LOOP;
    -- Foreign keys the table has (LIKE does not copy them); validated on the copied rows below.
    RETURN QUERY SELECT 'created', pg_catalog.format('%s: %s partitions and a default', v_new, v_parts),
        v_parts::bigint, NULL::numeric;

    -- 2. The copy, in batches of partition.move_batch_blocks blocks of the old table (a TID
    -- range scan reads exactly those: no index needed); writes go on meanwhile.
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum),
        pg_catalog.string_agg('o.' || pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
    INTO v_cols, v_ocols
    FROM pg_catalog.pg_attribute AS a
    WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
    v_blocks := pg_catalog.pg_relation_size(p_table) / pg_catalog.current_setting('block_size')::bigint;
    BEGIN
        WHILE v_block < v_blocks LOOP
            EXECUTE pg_catalog.format(
                -- A row updated meanwhile may be met twice (its new version in a later block): the
                -- first copy stays, the cut-over puts its latest version in place.
                'INSERT INTO %s (%s) SELECT %s FROM ONLY %s WHERE ctid >= %L::tid AND ctid < %L::tid '
                'ON CONFLICT DO NOTHING',
                v_new, v_cols, v_cols, p_table,
                pg_catalog.format('(%s,0)', v_block), pg_catalog.format('(%s,0)', v_block + v_step)
            );
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            v_copied := v_copied + v_rows;
            v_batch := v_batch + 1;
            RAISE NOTICE 'wedopt: converting %: batch % copied % rows (blocks % to % of %), % so far',
                p_table, v_batch, v_rows, v_block, least(v_block + v_step, v_blocks) - 1, v_blocks, v_copied;
            v_block := v_block + v_step;
        END LOOP;
        FOR v_fk IN
            SELECT k.conname, pg_catalog.pg_get_constraintdef(k.oid) AS def
            FROM pg_catalog.pg_constraint AS k WHERE k.conrelid = p_table AND k.contype = 'f' ORDER BY k.conname
        LOOP
            -- pg_get_constraintdef() is the server's own text of a constraint, not caller text.
            EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', v_new, v_fk.conname, v_fk.def);
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT;
        RAISE EXCEPTION 'wedopt: converting % failed after % rows (batch %): %', p_table, v_copied, v_batch + 1, err_message
            USING ERRCODE = err_state,
                  HINT = 'Nothing was changed: the original table is intact and no new table is left. '
                      'Fix the rows or constraint named, then convert again.';
    END;
    -- Statistics for the new table (it is queried from the cut-over on), and for the plans of
    -- the cut-over's own joins.
    EXECUTE pg_catalog.format('ANALYZE %s', v_new);
    RETURN QUERY SELECT 'copied', pg_catalog.format('%s batches of %s blocks', v_batch, v_step), v_copied, NULL::numeric;

    -- 3. The cut-over. EXCLUSIVE: reads go on, writes wait; under partition.lock_timeout with
    -- retries, so the application is never held long by a lock that is not granted.
    SELECT pg_catalog.string_agg(pg_catalog.format('o.%1$I = n.%1$I', a.attname), ' AND ' ORDER BY k.ord)
    INTO v_key
    FROM (
        SELECT x.indkey FROM pg_catalog.pg_index AS x
        WHERE x.indrelid = p_table AND x.indisunique AND x.indisvalid AND x.indimmediate
            AND x.indpred IS NULL AND x.indexprs IS NULL
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_attribute AS a
                WHERE a.attrelid = p_table AND a.attnum = ANY (x.indkey) AND NOT a.attnotnull
            )
        ORDER BY x.indisprimary DESC, x.indnatts, x.indexrelid
        LIMIT 1
    ) AS u
    CROSS JOIN LATERAL pg_catalog.unnest(u.indkey::smallint []) WITH ORDINALITY AS k (attnum, ord)
    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = p_table AND a.attnum = k.attnum;
    FOREACH v_mode IN ARRAY ARRAY['EXCLUSIVE', 'ACCESS EXCLUSIVE'] LOOP
        PERFORM @extschema@._lock_for_conversion(p_table, v_mode);
        CONTINUE WHEN v_mode = 'ACCESS EXCLUSIVE';
        v_locked_at := pg_catalog.clock_timestamp();
        -- The rows written since the copy began. A row inserted or updated since has an xmin of a
        -- transaction not yet finished when the copy began (age(xmin) <= v_span): nothing else
        -- changes an xmin while the copy holds SHARE UPDATE EXCLUSIVE (no VACUUM FREEZE). Deleted
        -- rows leave no trace but their absence: an anti-join on the key.
        v_span := pg_catalog.pg_current_xact_id()::text::bigint - v_horizon::text::bigint;
        EXECUTE pg_catalog.format(
            'DELETE FROM %s AS n WHERE NOT EXISTS (SELECT FROM ONLY %s AS o WHERE %s)', v_new, p_table, v_key
        );
        GET DIAGNOSTICS v_removed = ROW_COUNT;
        -- The recent rows, read once (a scan of the old table) into a small temporary table whose
        -- statistics let the two joins below probe the new table's key index.
        DROP TABLE IF EXISTS pg_temp.wedopt_convert_recent;
        EXECUTE pg_catalog.format(
            'CREATE TEMPORARY TABLE wedopt_convert_recent ON COMMIT DROP AS '
            'SELECT o.* FROM ONLY %s AS o WHERE pg_catalog.age(o.xmin) <= %s',
            p_table, v_span
        );
        ANALYZE pg_temp.wedopt_convert_recent;
        EXECUTE pg_catalog.format(
            'UPDATE %s AS n SET (%s) = (SELECT %s) FROM pg_temp.wedopt_convert_recent AS o WHERE %s '
            'AND o::text <> n::text',
            v_new, v_cols, v_ocols, v_key
        );
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        EXECUTE pg_catalog.format(
            'INSERT INTO %s (%s) SELECT %s FROM pg_temp.wedopt_convert_recent AS o '
            'WHERE NOT EXISTS (SELECT FROM %s AS n WHERE %s)',
            v_new, v_cols, v_ocols, v_new, v_key
        );
        GET DIAGNOSTICS v_added = ROW_COUNT;
        DROP TABLE pg_temp.wedopt_convert_recent;
        v_delta_ms := round((extract(EPOCH FROM pg_catalog.clock_timestamp() - v_locked_at) * 1000)::numeric, 1);
        RETURN QUERY SELECT 'delta', pg_catalog.format(
            '%s rows written during the copy: %s removed, %s changed, %s added (%s ms)',
            v_removed + v_rows + v_added, v_removed, v_rows, v_added, v_delta_ms
        ), v_removed + v_rows + v_added, NULL::numeric;
        SELECT c.row_count, c.checksum INTO v_old_count, v_old_sum FROM @extschema@._table_checksum(p_table) AS c;
        SELECT c.row_count, c.checksum INTO v_new_count, v_new_sum FROM @extschema@._table_checksum(v_new) AS c;
        IF v_new_count <> v_old_count OR v_new_sum <> v_old_sum THEN
            RAISE EXCEPTION 'wedopt: the copy of % differs from it (% rows, checksum %; copy % rows, checksum %), rolled back',
                p_table, v_old_count, v_old_sum, v_new_count, v_new_sum
                USING ERRCODE = 'data_corrupted', HINT = 'Nothing was changed; report this with the table definition.';
        END IF;
        RETURN QUERY SELECT 'checked', pg_catalog.format('%s = %s under the lock (%s ms)', p_table, v_new,
            round((extract(EPOCH FROM pg_catalog.clock_timestamp() - v_locked_at) * 1000)::numeric, 1) - v_delta_ms),
            v_new_count, v_new_sum;
    END LOOP;

    -- The names swap; sequences follow their columns, so dropping the old table later leaves
    -- the new one's defaults counting.
    v_old := @extschema@._free_relation_name(v_schema, pg_catalog.left(v_name, 50) || '_unpartitioned');
    FOR v_seq IN
        SELECT d.objid::regclass AS seq, a.attname
        FROM pg_catalog.pg_depend AS d
        JOIN pg_catalog.pg_class AS s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
            AND d.refobjid = p_table AND d.deptype = 'a'
    LOOP
        EXECUTE pg_catalog.format('ALTER SEQUENCE %s OWNED BY %s.%I', v_seq.seq, v_new, v_seq.attname);
    END LOOP;
    EXECUTE pg_catalog.format('ALTER TABLE %s RENAME TO %I', p_table, v_old);
    EXECUTE pg_catalog.format('ALTER TABLE %s RENAME TO %I', v_new, v_name);
    -- The indexes LIKE made are named after the columns; each takes the name of the old index it
    -- copies (matched by what it indexes), the old one becomes <name>_old (constraints follow).
    FOR v_index IN
        WITH shape AS (
            SELECT x.indrelid, x.indexrelid, c.relname,
                pg_catalog.row_number() OVER (PARTITION BY x.indrelid, s.def ORDER BY x.indexrelid) AS nth, s.def
            FROM pg_catalog.pg_index AS x
            JOIN pg_catalog.pg_class AS c ON c.oid = x.indexrelid
            CROSS JOIN LATERAL (
                SELECT pg_catalog.concat_ws(
                    '|', x.indisunique, x.indisprimary, x.indnkeyatts, c.relam, x.indoption::text, x.indcollation::text,
                    x.indclass::text, pg_catalog.pg_get_expr(x.indexprs, x.indrelid),
                    pg_catalog.pg_get_expr(x.indpred, x.indrelid),
                    (SELECT pg_catalog.string_agg(coalesce(a.attname::text, '#'), ',' ORDER BY k.ord)
                     FROM pg_catalog.unnest(x.indkey::smallint []) WITH ORDINALITY AS k (attnum, ord)
                     LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
                ) AS def
            ) AS s
            WHERE x.indrelid IN (p_table, v_new)
        )
        SELECT o.indexrelid::regclass AS old_index, o.relname AS old_name, n.indexrelid::regclass AS new_index
        FROM shape AS o JOIN shape AS n ON n.def = o.def AND n.nth = o.nth
        WHERE o.indrelid = p_table AND n.indrelid = v_new
        ORDER BY o.indexrelid
    LOOP
        EXECUTE pg_catalog.format(
            'ALTER INDEX %s RENAME TO %I', v_index.old_index,
            @extschema@._free_relation_name(v_schema, pg_catalog.left(v_index.old_name, 55) || '_old')
        );
        EXECUTE pg_catalog.format('ALTER INDEX %s RENAME TO %I', v_index.new_index, v_index.old_name);
    END LOOP;
    RETURN QUERY SELECT 'swapped', pg_catalog.format('%I.%I is partitioned; the old table is %I.%I', v_schema, v_name,
        v_schema, v_old), v_new_count, NULL::numeric;

    -- Registered as a partition set: future partitions by the clock, as for every set.
    RETURN QUERY
    SELECT 'partitioned', c.action || ' ' || c.partition_name, c.row_count, NULL::numeric
    FROM @extschema@.create_partition_set(v_new, p_control, p_interval, p_premake, p_now => p_now) AS c
    WHERE c.action = 'created';
    -- The proof is the check under the lock: since then nothing could change a row (the old
    -- table is locked, the new one is seen by nobody else until commit), so no scan is repeated
    -- while ACCESS EXCLUSIVE is held.
    RETURN QUERY SELECT 'verified', pg_catalog.format('%I.%I', v_schema, v_name), v_new_count, v_new_sum;
    RAISE NOTICE 'wedopt: %.% is partitioned by % (% rows copied and kept, checksum %); the old table is %.%',
        v_schema, v_name, p_control, v_new_count, v_new_sum, v_schema, v_old;
END
$$;

COMMENT ON FUNCTION @extschema@._convert_by_copy(
    regclass, name, interval, text, regtype, timestamptz, timestamptz, integer, timestamptz
) IS
'wedopt (internal): the copy method of convert_to_partitioned(): a partitioned table beside the old one '
'with the partitions of the data''s range, rows copied in batches of partition.move_batch_blocks blocks, '
'a cut-over under partition.lock_timeout (writes blocked, the rows written meanwhile caught up by key, count '
'and checksum compared, names swapped, sequences re-owned); the old table is kept as <name>_unpartitioned';
