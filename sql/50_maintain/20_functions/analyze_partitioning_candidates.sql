CREATE OR REPLACE FUNCTION @extschema@.analyze_partitioning_candidates()
RETURNS TABLE (
    table_name regclass,
    score numeric,
    estimated_rows bigint,
    total_bytes bigint,
    growth_rows_per_day numeric,
    key_column name,
    suggested_interval interval,
    pruning_benefit text,
    blockers text[],
    reason text,
    migration_steps text[]
)
LANGUAGE plpgsql
STABLE
-- INVOKER: reads only the catalogs, statistics and tables the caller may read.
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_min_rows bigint := @extschema@.get_setting('partition.candidate_min_rows')::bigint;
    v_min_bytes numeric := @extschema@.get_setting('partition.candidate_min_bytes')::numeric;
    v_target_bytes numeric := @extschema@.get_setting('partition.target_bytes')::numeric;
    v_target_rows numeric := @extschema@.get_setting('partition.target_rows')::numeric;
    v_pgss name;
    v_queries text[] := '{}';
    t record;
    k record;
    v_lo timestamptz;
    v_hi timestamptz;
    v_span numeric;
    v_unit text;
    v_unit_days numeric;
    v_parts numeric;
    v_filtered integer;
    v_growth numeric;
    v_blockers text[];
    v_score numeric;
BEGIN
    -- The workload: the statements of this database taking most time, when pg_stat_statements
    -- is there and loaded; without it the key is judged from the statistics alone.
    SELECT n.nspname INTO v_pgss
    FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_stat_statements';
    IF v_pgss IS NOT NULL AND 'pg_stat_statements' = ANY (
        pg_catalog.string_to_array(
            pg_catalog.replace(pg_catalog.current_setting('shared_preload_libraries'), ' ', ''), ','
        )
    ) THEN
        EXECUTE pg_catalog.format(
            'SELECT coalesce(array_agg(q.query), %L) FROM (SELECT s.query FROM %I.pg_stat_statements AS s '
            'WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = current_database()) '
            'ORDER BY s.total_exec_time DESC LIMIT 100) AS q',
            '{}', v_pgss
        ) INTO v_queries;
    END IF;

    FOR t IN
        SELECT
            c.oid, c.relname,
            greatest(c.reltuples, coalesce(st.n_live_tup, 0))::bigint AS nrows,
            pg_catalog.pg_total_relation_size(c.oid) AS nbytes
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_stat_all_tables AS st ON st.relid = c.oid
        WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relpersistence = 'p'
            AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '@extschema@')
            AND n.nspname NOT LIKE 'pg\_%'
            AND NOT EXISTS (
                SELECT FROM pg_catalog.pg_depend AS d
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
            )
        ORDER BY c.oid
    LOOP
        CONTINUE WHEN t.nrows < v_min_rows AND t.nbytes < v_min_bytes;
        -- The key: a date/timestamp column; one the top statements filter on first, then the
        -- best physical correlation (rows arriving in time order), then the first column.
        SELECT
            a.attname, a.attnum, s.correlation,
            (SELECT count(*) FROM pg_catalog.unnest(v_queries) AS q(query)
             -- names as regular-expression literals: every non-word character escaped
             WHERE q.query ~* ('\m' || pg_catalog.regexp_replace(t.relname, '(\W)', '\\\1', 'g') || '\M')
                AND q.query ~* ('\mwhere\M.*\m' || pg_catalog.regexp_replace(a.attname, '(\W)', '\\\1', 'g') || '\M'))::integer
                AS filtered
        INTO k
        FROM pg_catalog.pg_attribute AS a
        LEFT JOIN pg_catalog.pg_stats AS s
            ON s.schemaname = (SELECT c.relnamespace::regnamespace::name FROM pg_catalog.pg_class AS c WHERE c.oid = t.oid)
            AND s.tablename = t.relname AND s.attname = a.attname
        WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
            AND a.atttypid IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype)
        ORDER BY 4 DESC, abs(coalesce(s.correlation, 0)) DESC, a.attnum
        LIMIT 1;
        CONTINUE WHEN k.attname IS NULL;  -- nothing to range-partition on by time
        v_filtered := k.filtered;

        -- The span of the key: from pg_stats when analysed, else read (min/max).
        SELECT
            (s.histogram_bounds::text::text[])[1]::timestamptz,
            (s.histogram_bounds::text::text[])[pg_catalog.array_length(s.histogram_bounds::text::text[], 1)]::timestamptz
        INTO v_lo, v_hi
        FROM pg_catalog.pg_stats AS s
        WHERE s.schemaname = (SELECT c.relnamespace::regnamespace::name FROM pg_catalog.pg_class AS c WHERE c.oid = t.oid)
            AND s.tablename = t.relname AND s.attname = k.attname;
        IF (v_lo IS NULL OR v_hi IS NULL) AND pg_catalog.has_column_privilege(t.oid, k.attname, 'SELECT') THEN
            EXECUTE pg_catalog.format('SELECT min(%I)::timestamptz, max(%I)::timestamptz FROM %s', k.attname, k.attname, t.oid::regclass)
            INTO v_lo, v_hi;
        END IF;
        -- NULL: the span is unknown (not analysed and not readable by the caller).
        v_span := CASE WHEN v_lo IS NOT NULL AND v_hi IS NOT NULL THEN greatest(1, extract(EPOCH FROM v_hi - v_lo) / 86400) END;

        -- The longest interval whose partition stays within both targets.
        v_unit := NULL;
        v_unit_days := NULL;
        FOR v_unit_days, v_unit IN
            SELECT u.days, u.unit FROM (VALUES (365.25, 'year'), (91.3125, 'quarter'), (30.4375, 'month'),
                (7.0, 'week'), (1.0, 'day')) AS u(days, unit)
        LOOP
            v_parts := greatest(1, v_span / v_unit_days);
            EXIT WHEN v_span IS NULL OR (t.nrows / v_parts <= v_target_rows AND t.nbytes / v_parts <= v_target_bytes);
        END LOOP;
        IF v_span IS NULL THEN
            v_unit := NULL;
        END IF;
        v_parts := ceil(greatest(1, v_span / v_unit_days));

        SELECT
            CASE WHEN extract(EPOCH FROM max(h.taken_at) - min(h.taken_at)) > 0 THEN
                round(
                    ((array_agg(h.live_tuples ORDER BY h.taken_at DESC))[1]
                     - (array_agg(h.live_tuples ORDER BY h.taken_at))[1])
                    / (extract(EPOCH FROM max(h.taken_at) - min(h.taken_at)) / 86400), 1
                )
            END
        INTO v_growth
        FROM @extschema@.table_stats_history AS h WHERE h.relid = t.oid;

        -- What convert_to_partitioned() refuses (the same list, in the same words).
        SELECT coalesce(array_agg(b.what ORDER BY b.what), '{}') INTO v_blockers
        FROM (
            SELECT pg_catalog.format('unique index %s lacks %s', x.indexrelid::regclass, k.attname) AS what
            FROM pg_catalog.pg_index AS x
            WHERE x.indrelid = t.oid AND x.indisunique AND NOT k.attnum = ANY (x.indkey)
            UNION ALL
            SELECT pg_catalog.format('foreign key %s of %s points at it', f.conname, f.conrelid::regclass)
            FROM pg_catalog.pg_constraint AS f WHERE f.contype = 'f' AND f.confrelid = t.oid
            UNION ALL
            SELECT DISTINCT pg_catalog.format('view %s reads it', r.ev_class::regclass)
            FROM pg_catalog.pg_depend AS d
            JOIN pg_catalog.pg_rewrite AS r ON r.oid = d.objid
            WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refobjid = t.oid AND r.ev_class <> t.oid
            UNION ALL
            SELECT pg_catalog.format('identity column %s', a.attname)
            FROM pg_catalog.pg_attribute AS a WHERE a.attrelid = t.oid AND a.attidentity <> ''
            UNION ALL
            SELECT pg_catalog.format('inheritance: %s', i.inhrelid::regclass)
            FROM pg_catalog.pg_inherits AS i WHERE i.inhparent = t.oid OR i.inhrelid = t.oid
        ) AS b;

        -- Score 0..100: size over the thresholds (40), the workload filtering on the key (25),
        -- correlation (15), growth (10), pruning (10); halved while blockers remain.
        v_score := 40 * least(1, greatest(t.nrows::numeric / greatest(v_min_rows, 1), t.nbytes / greatest(v_min_bytes, 1)) / 10)
            + CASE WHEN v_filtered > 0 THEN 25 ELSE 0 END
            + 15 * abs(coalesce(k.correlation, 0))
            + CASE WHEN v_growth > 0 THEN 10 ELSE 0 END
            + 10 * (1 - 1 / coalesce(v_parts, 1));
        IF v_blockers <> '{}' THEN
            v_score := v_score / 2;
        END IF;

        table_name := t.oid::regclass;
        score := round(v_score, 1);
        estimated_rows := t.nrows;
        total_bytes := t.nbytes;
        growth_rows_per_day := v_growth;
        key_column := k.attname;
        suggested_interval := CASE v_unit
            WHEN 'year' THEN INTERVAL '1 year' WHEN 'quarter' THEN INTERVAL '3 months'
            WHEN 'month' THEN INTERVAL '1 month' WHEN 'week' THEN INTERVAL '1 week' WHEN 'day' THEN INTERVAL '1 day'
        END;
        pruning_benefit := pg_catalog.format(
            'a query on one %s reads about 1/%s of the table (%s partitions over %s days of data)',
            v_unit, v_parts, v_parts, round(v_span)
        );
        blockers := v_blockers;
        reason := pg_catalog.format(
            'key %I: %s of the top statements filter on it; correlation %s; %s per %s partition '
            '(targets %s rows, %s bytes)%s',
            k.attname, v_filtered, coalesce(round(k.correlation::numeric, 2)::text, 'unknown (not analysed)'),
            pg_catalog.format('~%s rows, ~%s', round(t.nrows / v_parts), pg_catalog.pg_size_pretty(round(t.nbytes / v_parts))),
            v_unit, v_target_rows, v_target_bytes,
            CASE WHEN v_blockers <> '{}' THEN '; convert_to_partitioned() refuses it until the blockers are removed' ELSE '' END
        );
        IF v_unit IS NULL THEN
            pruning_benefit := NULL;
            reason := pg_catalog.format(
                'key %I: %s of the top statements filter on it; its span is unknown (the table is not analysed '
                'and the caller cannot read it): ANALYZE it for an interval and migration steps',
                k.attname, v_filtered
            );
            migration_steps := NULL;
            RETURN NEXT;
            CONTINUE;
        END IF;
        migration_steps := ARRAY[
            pg_catalog.format(
                'SELECT * FROM %I.convert_to_partitioned(%L, %L, %L)', '@extschema@', t.oid::regclass::text,
                k.attname, suggested_interval
            ),
            pg_catalog.format(
                'SELECT * FROM %I.create_partition_set(%L, %L, %L)', '@extschema@', t.oid::regclass::text,
                k.attname, suggested_interval
            )
        ];
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION @extschema@.analyze_partitioning_candidates() IS
'wedopt: rank the plain tables over partition.candidate_min_rows or partition.candidate_min_bytes that '
'have a date/timestamp column, for range partitioning: the key (a column the top pg_stat_statements '
'statements filter on, then the best pg_stats correlation), the longest interval whose partition holds at '
'most partition.target_rows rows and partition.target_bytes bytes, growth from table_stats_history, the '
'pruning expected, the blockers convert_to_partitioned() refuses, and the migration steps as SQL; '
'score 0..100 (size 40, workload 25, correlation 15, growth 10, pruning 10; halved with blockers). Read only';

GRANT EXECUTE ON FUNCTION @extschema@.analyze_partitioning_candidates() TO wedopt_monitor;
