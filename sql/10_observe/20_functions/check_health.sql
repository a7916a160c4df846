CREATE OR REPLACE FUNCTION @extschema@.check_health()
RETURNS TABLE (
    name text,
    level text,
    category text,
    object text,
    detail text,
    remediation text,
    metadata jsonb
)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_unused_min bigint := @extschema@.get_setting('observe.unused_index_min_bytes')::bigint;
    v_dead_min bigint := @extschema@.get_setting('observe.dead_tuple_min')::bigint;
    v_dead_ratio numeric := @extschema@.get_setting('observe.dead_tuple_ratio_max')::numeric;
    v_bloat_ratio numeric := @extschema@.get_setting('observe.bloat_ratio_max')::numeric;
    v_bloat_min bigint := @extschema@.get_setting('observe.bloat_min_bytes')::bigint;
    v_wrap_warn bigint := @extschema@.get_setting('observe.wraparound_warn_age')::bigint;
    v_wrap_error bigint := @extschema@.get_setting('observe.wraparound_error_age')::bigint;
    v_seq_warn numeric := @extschema@.get_setting('observe.sequence_warn_pct')::numeric;
    v_seq_error numeric := @extschema@.get_setting('observe.sequence_error_pct')::numeric;
    v_seq_rows bigint := @extschema@.get_setting('observe.seq_scan_min_rows')::bigint;
    v_cache_min numeric := @extschema@.get_setting('observe.cache_hit_ratio_min')::numeric;
    v_cache_blocks bigint := @extschema@.get_setting('observe.cache_min_blocks')::bigint;
    v_lock_wait interval := make_interval(secs => @extschema@.get_setting('observe.lock_wait_seconds')::integer);
    v_personal text [] := @extschema@.get_setting('observe.personal_data_tables')::text [];
    v_check @extschema@.integrity_check;
    v_dup record;
BEGIN
    -- The user's schemas: not the system's, not wedopt's own.
    -- Created once per session (quietly: IF NOT EXISTS would say NOTICE every call).
    IF to_regclass('pg_temp.wedopt_health_nsp') IS NULL THEN
        CREATE TEMP TABLE wedopt_health_nsp (oid oid PRIMARY KEY, nspname text);
    END IF;
    TRUNCATE pg_temp.wedopt_health_nsp;
    INSERT INTO pg_temp.wedopt_health_nsp
    SELECT n.oid, n.nspname
    FROM pg_namespace AS n
    WHERE
        n.nspname NOT IN ('pg_catalog', 'information_schema', '@extschema@')
        AND n.nspname NOT LIKE 'pg\_toast%'
        AND n.nspname NOT LIKE 'pg\_temp%';

    -- Foreign keys whose columns are not the leading columns of any valid index: every
    -- DELETE/UPDATE of the referenced row scans the referencing table.
    RETURN QUERY
    SELECT
        'unindexed_foreign_key', 'WARN', 'PERFORMANCE',
        format('%s.%I', k.conrelid::regclass, k.conname),
        format('foreign key %I on %s (%s) has no index starting with its columns; deletes and updates '
            'of %s scan the whole table', k.conname, k.conrelid::regclass, cols.list, k.confrelid::regclass),
        format('CREATE INDEX %sON %s (%s);',
            CASE WHEN t.relkind = 'p' THEN '' ELSE 'CONCURRENTLY ' END, k.conrelid::regclass, cols.list),
        jsonb_build_object('table', k.conrelid::regclass::text, 'columns', cols.list,
            'references', k.confrelid::regclass::text)
    FROM pg_constraint AS k
    JOIN pg_class AS t ON k.conrelid = t.oid
    JOIN pg_temp.wedopt_health_nsp AS n ON t.relnamespace = n.oid
    CROSS JOIN LATERAL (
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY u.ord) AS list
        FROM unnest(k.conkey) WITH ORDINALITY AS u (attnum, ord)
        JOIN pg_attribute AS a ON a.attrelid = k.conrelid AND u.attnum = a.attnum
    ) AS cols
    WHERE
        k.contype = 'f'
        AND k.conparentid = 0
        AND NOT EXISTS (
            SELECT FROM pg_index AS i
            WHERE
                i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL
                AND (i.indkey::smallint [])[0:cardinality(k.conkey) - 1] @> k.conkey
                AND (i.indkey::smallint [])[0:cardinality(k.conkey) - 1] <@ k.conkey
        );

    -- Indexes never scanned since the statistics were reset, over a size floor.
    RETURN QUERY
    SELECT
        'unused_index', 'WARN', 'PERFORMANCE',
        s.indexrelid::regclass::text,
        format('index %s on %s (%s) has not been scanned since %s', s.indexrelid::regclass,
            s.relid::regclass, pg_size_pretty(pg_relation_size(s.indexrelid)),
            coalesce(d.stats_reset::text, 'the statistics were reset')),
        format('DROP INDEX CONCURRENTLY %s;', s.indexrelid::regclass),
        jsonb_build_object('table', s.relid::regclass::text, 'bytes', pg_relation_size(s.indexrelid),
            'stats_reset', d.stats_reset, 'definition', pg_get_indexdef(s.indexrelid))
    FROM pg_stat_all_indexes AS s
    JOIN pg_index AS i ON s.indexrelid = i.indexrelid
    JOIN pg_class AS c ON s.indexrelid = c.oid
    JOIN pg_temp.wedopt_health_nsp AS n ON c.relnamespace = n.oid
    LEFT JOIN pg_stat_database AS d ON d.datname = current_database()
    WHERE
        s.idx_scan = 0
        AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
        AND NOT c.relispartition
        AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = s.indexrelid)
        AND pg_relation_size(s.indexrelid) >= v_unused_min;

    -- Same table, same columns, opclasses, expressions and predicate: one of them is enough.
    -- Keep the primary key, then a unique index, then the older one.
    FOR v_dup IN
        SELECT
            b.indexrelid AS redundant, a.indexrelid AS kept, b.indrelid AS tbl,
            pg_relation_size(b.indexrelid) AS bytes,
            EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = b.indexrelid) AS b_constraint
        FROM pg_index AS a
        JOIN pg_index AS b
            ON
                a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
                AND a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text
                AND a.indcollation::text = b.indcollation::text
                AND coalesce(pg_get_expr(a.indexprs, a.indrelid), '') = coalesce(pg_get_expr(b.indexprs, b.indrelid), '')
                AND coalesce(pg_get_expr(a.indpred, a.indrelid), '') = coalesce(pg_get_expr(b.indpred, b.indrelid), '')
        JOIN pg_class AS ca ON a.indexrelid = ca.oid
        JOIN pg_class AS cb ON b.indexrelid = cb.oid
        JOIN pg_temp.wedopt_health_nsp AS n ON cb.relnamespace = n.oid
        WHERE
            ca.relam = cb.relam AND a.indisvalid AND b.indisvalid
            AND NOT cb.relispartition
            AND (a.indisprimary, a.indisunique, -a.indexrelid::bigint)
            > (b.indisprimary, b.indisunique, -b.indexrelid::bigint)
    LOOP
        RETURN QUERY SELECT
            'duplicate_index', 'WARN', 'PERFORMANCE',
            v_dup.redundant::regclass::text,
            format('index %s duplicates %s on %s: every write maintains both', v_dup.redundant::regclass,
                v_dup.kept::regclass, v_dup.tbl::regclass),
            CASE WHEN v_dup.b_constraint
                THEN format('-- %s backs a constraint: drop the constraint instead', v_dup.redundant::regclass)
                ELSE format('DROP INDEX CONCURRENTLY %s;', v_dup.redundant::regclass)
            END,
            jsonb_build_object('table', v_dup.tbl::regclass::text, 'kept', v_dup.kept::regclass::text,
                'bytes', v_dup.bytes, 'definition', pg_get_indexdef(v_dup.redundant));
    END LOOP;

    -- A plain B-tree whose columns are the leading columns of another B-tree of the table.
    RETURN QUERY
    SELECT
        'redundant_index', 'INFO', 'PERFORMANCE',
        b.indexrelid::regclass::text,
        format('index %s is a prefix of %s: queries can use the longer one', b.indexrelid::regclass,
            a.indexrelid::regclass),
        format('DROP INDEX CONCURRENTLY %s;', b.indexrelid::regclass),
        jsonb_build_object('table', b.indrelid::regclass::text, 'covered_by', a.indexrelid::regclass::text,
            'bytes', pg_relation_size(b.indexrelid), 'definition', pg_get_indexdef(b.indexrelid))
    FROM pg_index AS a
    JOIN pg_index AS b ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
    JOIN pg_class AS ca ON a.indexrelid = ca.oid
    JOIN pg_class AS cb ON b.indexrelid = cb.oid
    JOIN pg_am AS am ON cb.relam = am.oid
    JOIN pg_temp.wedopt_health_nsp AS n ON cb.relnamespace = n.oid
    WHERE
        am.amname = 'btree' AND ca.relam = cb.relam
        AND a.indisvalid AND b.indisvalid
        AND NOT b.indisunique AND NOT cb.relispartition
        AND a.indexprs IS NULL AND b.indexprs IS NULL AND a.indpred IS NULL AND b.indpred IS NULL
        AND b.indnatts = b.indnkeyatts
        AND b.indnkeyatts < a.indnkeyatts
        AND (a.indkey::smallint [])[0:b.indnkeyatts - 1] = (b.indkey::smallint [])[0:b.indnkeyatts - 1]
        AND (a.indclass::oid [])[0:b.indnkeyatts - 1] = (b.indclass::oid [])[0:b.indnkeyatts - 1]
        AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = b.indexrelid);

    -- Left behind by a failed CREATE INDEX CONCURRENTLY: maintained on writes, never used.
    RETURN QUERY
    SELECT
        'invalid_index', 'ERROR', 'MAINTENANCE',
        i.indexrelid::regclass::text,
        format('index %s on %s is invalid (a failed or running CREATE INDEX CONCURRENTLY): writes '
            'maintain it, queries cannot use it', i.indexrelid::regclass, i.indrelid::regclass),
        format('REINDEX INDEX CONCURRENTLY %s;  -- or DROP INDEX CONCURRENTLY', i.indexrelid::regclass),
        jsonb_build_object('table', i.indrelid::regclass::text, 'definition', pg_get_indexdef(i.indexrelid))
    FROM pg_index AS i
    JOIN pg_class AS c ON i.indexrelid = c.oid
    JOIN pg_temp.wedopt_health_nsp AS n ON c.relnamespace = n.oid
    WHERE NOT i.indisvalid AND c.relkind = 'i';

    RETURN QUERY
    SELECT
        'invalid_constraint', 'WARN', 'INTEGRITY',
        format('%s.%I', k.conrelid::regclass, k.conname),
        format('constraint %I on %s is NOT VALID: existing rows were never checked', k.conname,
            k.conrelid::regclass),
        format('ALTER TABLE %s VALIDATE CONSTRAINT %I;', k.conrelid::regclass, k.conname),
        jsonb_build_object('table', k.conrelid::regclass::text, 'definition', pg_get_constraintdef(k.oid))
    FROM pg_constraint AS k
    JOIN pg_class AS t ON k.conrelid = t.oid
    JOIN pg_temp.wedopt_health_nsp AS n ON t.relnamespace = n.oid
    WHERE NOT k.convalidated AND k.conparentid = 0;

    RETURN QUERY
    SELECT
        'table_without_primary_key', 'WARN', 'INTEGRITY',
        t.oid::regclass::text,
        format('table %s has no primary key: duplicate rows cannot be told apart, and logical '
            'replication cannot send its updates and deletes', t.oid::regclass),
        NULL::text,
        jsonb_build_object('table', t.oid::regclass::text, 'row_estimate', greatest(t.reltuples, 0)::bigint)
    FROM pg_class AS t
    JOIN pg_temp.wedopt_health_nsp AS n ON t.relnamespace = n.oid
    WHERE
        t.relkind IN ('r', 'p') AND NOT t.relispartition
        AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conrelid = t.oid AND k.contype = 'p')
        AND NOT EXISTS (SELECT FROM pg_depend AS d WHERE d.objid = t.oid AND d.deptype = 'e');

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
        b.schema_name IN (SELECT h.nspname FROM pg_temp.wedopt_health_nsp AS h)
        AND b.bloat_ratio > v_bloat_ratio AND b.bloat_bytes >= v_bloat_min;

    RETURN QUERY
    SELECT
        'index_bloat', 'WARN', 'MAINTENANCE',
        format('%I.%I', b.schema_name, b.index_name),
        format('index %I.%I wastes about %s (%s%% of %s), estimated from its statistics',
            b.schema_name, b.index_name, pg_size_pretty(b.bloat_bytes), round(100 * b.bloat_ratio),
            pg_size_pretty(b.real_bytes)),
        format('REINDEX INDEX CONCURRENTLY %I.%I;', b.schema_name, b.index_name),
        to_jsonb(b)
    FROM @extschema@.get_index_bloat() AS b
    WHERE
        b.schema_name IN (SELECT h.nspname FROM pg_temp.wedopt_health_nsp AS h)
        AND b.bloat_ratio > v_bloat_ratio AND b.bloat_bytes >= v_bloat_min;

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
        v.schema_name IN (SELECT h.nspname FROM pg_temp.wedopt_health_nsp AS h)
        AND v.dead_tuples >= v_dead_min AND v.dead_tuple_ratio >= v_dead_ratio;

    RETURN QUERY
    SELECT
        'wraparound_risk',
        CASE WHEN w.xid_age >= v_wrap_error THEN 'ERROR' ELSE 'WARN' END,
        'MAINTENANCE',
        w.object_name,
        format('%s %s has a transaction-ID age of %s (%s%% of the way to wraparound, where the '
            'server stops accepting writes)', w.scope, w.object_name, w.xid_age, w.pct_of_wraparound),
        CASE WHEN w.scope = 'table'
            THEN format('VACUUM (FREEZE, VERBOSE) %s;', w.object_name)
            ELSE format('-- in database %I, vacuum its oldest tables: vacuumdb --freeze %I', w.object_name,
                w.object_name)
        END,
        to_jsonb(w)
    FROM @extschema@.get_wraparound_risk(100) AS w
    WHERE w.xid_age >= v_wrap_warn AND w.object_name NOT LIKE 'pg\_toast.%';

    RETURN QUERY
    SELECT
        'sequence_near_exhaustion',
        CASE WHEN s.pct_used >= v_seq_error THEN 'ERROR' ELSE 'WARN' END,
        'INTEGRITY',
        coalesce(format('%s.%I', s.fed_table, s.fed_column), s.sequence_name),
        format('sequence %s has used %s%% of %s (%s values left)%s', s.sequence_name, s.pct_used,
            CASE WHEN s.effective_max < s.sequence_max
                THEN format('the %s column %s.%I it feeds', s.column_type, s.fed_table, s.fed_column)
                ELSE 'its range'
            END,
            s.values_left,
            CASE WHEN s.effective_max < s.sequence_max THEN ' (the sequence itself goes further)' ELSE '' END),
        CASE
            WHEN s.column_max IS NOT NULL AND s.column_max < 9223372036854775807
                THEN format('ALTER TABLE %s ALTER COLUMN %I TYPE bigint;%s', s.fed_table, s.fed_column,
                    CASE WHEN s.sequence_type <> 'bigint'
                        THEN format(' ALTER SEQUENCE %s AS bigint;', s.sequence_name) ELSE '' END)
            WHEN s.sequence_type <> 'bigint' THEN format('ALTER SEQUENCE %s AS bigint;', s.sequence_name)
        END,
        to_jsonb(s)
    FROM @extschema@.get_sequence_exhaustion() AS s
    WHERE
        s.pct_used >= v_seq_warn
        AND split_part(s.sequence_name, '.', 1) <> '@extschema@';

    -- Big tables read mostly by full sequential scans.
    RETURN QUERY
    SELECT
        'missing_index', 'WARN', 'PERFORMANCE',
        s.relid::regclass::text,
        format('table %s (%s rows) was read by %s sequential scans (%s rows read) and %s index scans',
            s.relid::regclass, s.n_live_tup, s.seq_scan, s.seq_tup_read, coalesce(s.idx_scan, 0)),
        NULL::text,
        jsonb_build_object('live_tuples', s.n_live_tup, 'seq_scan', s.seq_scan,
            'seq_tup_read', s.seq_tup_read, 'idx_scan', s.idx_scan,
            'advice', 'find the queries with wedopt.get_slow_queries(); index their filter columns')
    FROM pg_stat_all_tables AS s
    JOIN pg_temp.wedopt_health_nsp AS n ON s.schemaname = n.nspname
    WHERE
        s.n_live_tup >= v_seq_rows
        AND s.seq_scan > coalesce(s.idx_scan, 0)
        AND s.seq_tup_read / greatest(s.seq_scan, 1) >= s.n_live_tup / 2;

    RETURN QUERY
    SELECT
        'low_cache_hit_ratio', 'WARN', 'PERFORMANCE',
        current_database()::text,
        format('buffer cache hit ratio of database %s is %s%% (below %s%%): reads go to disk',
            current_database(), c.hit_ratio, v_cache_min),
        NULL::text,
        jsonb_build_object('hit_ratio', c.hit_ratio, 'blocks_hit', c.blocks_hit, 'blocks_read', c.blocks_read,
            'shared_buffers', current_setting('shared_buffers'),
            'advice', 'raise shared_buffers, or find the queries reading most blocks')
    FROM @extschema@.get_cache_hit_ratio() AS c
    WHERE c.scope = 'database' AND c.hit_ratio < v_cache_min AND c.blocks_hit + c.blocks_read >= v_cache_blocks;

    RETURN QUERY
    SELECT
        'disabled_trigger',
        CASE WHEN g.tgisinternal THEN 'ERROR' ELSE 'WARN' END,
        'INTEGRITY',
        format('%s.%I', g.tgrelid::regclass, g.tgname),
        CASE WHEN g.tgisinternal
            THEN format('internal trigger %I on %s is disabled: a foreign key is not enforced', g.tgname,
                g.tgrelid::regclass)
            ELSE format('trigger %I on %s is disabled', g.tgname, g.tgrelid::regclass)
        END,
        CASE WHEN g.tgisinternal
            THEN format('ALTER TABLE %s ENABLE TRIGGER ALL;', g.tgrelid::regclass)
            ELSE format('ALTER TABLE %s ENABLE TRIGGER %I;', g.tgrelid::regclass, g.tgname)
        END,
        jsonb_build_object('table', g.tgrelid::regclass::text, 'function', g.tgfoid::regproc::text,
            'internal', g.tgisinternal)
    FROM pg_trigger AS g
    JOIN pg_class AS t ON g.tgrelid = t.oid
    JOIN pg_temp.wedopt_health_nsp AS n ON t.relnamespace = n.oid
    WHERE g.tgenabled = 'D' AND g.tgparentid = 0;

    RETURN QUERY
    SELECT
        'security_definer_search_path', 'WARN', 'SECURITY',
        p.oid::regprocedure::text,
        format('SECURITY DEFINER function %s (owner %s) does not pin search_path: a caller can '
            'plant objects that run with the owner''s rights', p.oid::regprocedure, pg_get_userbyid(p.proowner)),
        format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp;', p.oid::regprocedure),
        jsonb_build_object('owner', pg_get_userbyid(p.proowner), 'config', p.proconfig)
    FROM pg_proc AS p
    JOIN pg_temp.wedopt_health_nsp AS n ON p.pronamespace = n.oid
    WHERE
        p.prosecdef
        AND NOT coalesce(
            EXISTS (SELECT FROM unnest(p.proconfig) AS c (setting) WHERE c.setting LIKE 'search\_path=%'),
            FALSE
        )
        AND NOT EXISTS (
            SELECT FROM pg_depend AS d
            WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
        );

    RETURN QUERY
    SELECT
        'public_create_on_schema', 'WARN', 'SECURITY',
        n.nspname::text,
        format('every role (PUBLIC) may create objects in schema %I: one can plant a function or '
            'operator that another role''s query picks up from search_path', n.nspname),
        format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC;', n.nspname),
        jsonb_build_object('acl', s.nspacl::text [])
    FROM pg_temp.wedopt_health_nsp AS n
    JOIN pg_namespace AS s ON n.oid = s.oid
    WHERE EXISTS (
        SELECT FROM aclexplode(s.nspacl) AS x
        WHERE x.grantee = 0 AND x.privilege_type = 'CREATE'
    );

    RETURN QUERY
    SELECT
        'rls_disabled_personal_data', 'WARN', 'SECURITY',
        t.oid::regclass::text,
        format('table %s holds personal data (setting observe.personal_data_tables) but row-level '
            'security is off: every role with SELECT sees every row', t.oid::regclass),
        format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY;  -- then CREATE POLICY ... for each role', t.oid::regclass),
        jsonb_build_object('table', t.oid::regclass::text)
    FROM pg_class AS t
    JOIN pg_temp.wedopt_health_nsp AS n ON t.relnamespace = n.oid
    WHERE
        t.relkind IN ('r', 'p') AND NOT t.relispartition AND NOT t.relrowsecurity
        AND (t.relname::text = ANY (v_personal) OR format('%s.%s', n.nspname, t.relname) = ANY (v_personal));

    -- Double booking: two live rows for the same resource on the same date.
    FOR v_check IN SELECT k.* FROM @extschema@.integrity_check AS k ORDER BY k.check_name LOOP
        IF to_regclass(v_check.table_name) IS NULL THEN
            RETURN QUERY SELECT
                'integrity_check_broken', 'WARN', 'INTEGRITY', v_check.check_name,
                format('integrity check %s names table %s, which does not exist', v_check.check_name,
                    v_check.table_name),
                format('SELECT wedopt.unregister_integrity_check(%L);', v_check.check_name),
                to_jsonb(v_check);
            CONTINUE;
        END IF;
        RETURN QUERY EXECUTE format(
            $q$
            SELECT
                'double_booking', 'ERROR', 'INTEGRITY', %1$L::text,
                format('%%s (resource, date) pairs of %%s are booked more than once (%%s rows): check %%s',
                    count(*), %2$L, sum(d.n), %1$L),
                NULL::text,
                jsonb_build_object('check', %1$L, 'table', %2$L, 'resource_column', %3$L,
                    'date_column', %4$L, 'pairs', count(*), 'rows', sum(d.n),
                    'examples', (jsonb_agg(jsonb_build_object('resource', d.r, 'date', d.d, 'rows', d.n)
                        ORDER BY d.n DESC, d.d) -> 0))
            FROM (
                SELECT x.%3$I AS r, x.%4$I AS d, count(*) AS n
                FROM %2$s AS x
                WHERE x.%3$I IS NOT NULL AND x.%4$I IS NOT NULL AND %5$s
                GROUP BY 1, 2
                HAVING count(*) > 1
            ) AS d
            HAVING count(*) > 0
            $q$,
            v_check.check_name, v_check.table_name, v_check.resource_column, v_check.date_column,
            CASE WHEN v_check.status_column IS NULL THEN 'TRUE'
                ELSE format('(x.%1$I IS NULL OR x.%1$I::text <> ALL (%2$L::text[]))',
                    v_check.status_column, v_check.ignored_statuses)
            END
        );
    END LOOP;

    RETURN QUERY
    SELECT
        'long_running_transaction', 'WARN', 'PERFORMANCE',
        format('pid %s', t.pid),
        format('transaction of %s (pid %s) has been open for %s (%s): it holds its locks and keeps '
            'VACUUM from removing dead rows', t.username, t.pid, date_trunc('second', t.xact_duration), t.state),
        format('SELECT pg_terminate_backend(%s);', t.pid),
        to_jsonb(t)
    FROM @extschema@.get_long_running_transactions() AS t;

    RETURN QUERY
    SELECT
        'long_running_query', 'WARN', 'PERFORMANCE',
        format('pid %s', q.pid),
        format('query of %s (pid %s) has been running for %s', q.username, q.pid,
            date_trunc('second', q.query_duration)),
        format('SELECT pg_cancel_backend(%s);', q.pid),
        to_jsonb(q)
    FROM @extschema@.get_long_running_queries() AS q;

    RETURN QUERY
    SELECT
        'lock_wait', 'WARN', 'PERFORMANCE',
        format('pid %s', w.waiting_pid),
        format('pid %s has waited %s for a %s on %s, blocked by %s (root blocker pid %s, %s)',
            w.waiting_pid, date_trunc('second', w.wait_duration), w.lock_mode, w.locked_object,
            w.blocking_pids, w.root_blocker_pid, w.root_blocker_state),
        format('SELECT pg_terminate_backend(%s);  -- the root blocker', w.root_blocker_pid),
        to_jsonb(w)
    FROM @extschema@.get_lock_waits() AS w
    WHERE w.wait_duration >= v_lock_wait;

    RETURN QUERY
    SELECT
        'inactive_replication_slot', 'WARN', 'MAINTENANCE',
        s.slot_name,
        format('replication slot %s is not in use and holds back %s of WAL', s.slot_name,
            pg_size_pretty(s.retained_wal_bytes)),
        format('SELECT pg_drop_replication_slot(%L);', s.slot_name),
        to_jsonb(s)
    FROM @extschema@.get_replication_slots() AS s
    WHERE NOT s.active;
END
$$;

COMMENT ON FUNCTION @extschema@.check_health() IS
'wedopt: database-wide health lints, one row per finding: name, level (ERROR/WARN/INFO), category '
'(PERFORMANCE/MAINTENANCE/SECURITY/INTEGRITY), object, detail, remediation (SQL to run, when '
'there is one), metadata. Covers unindexed foreign keys, unused/duplicate/redundant/invalid '
'indexes, invalid constraints, tables without primary key, table and index bloat, dead tuples, '
'wraparound, sequences near exhaustion, missing indexes, cache hit ratio, disabled triggers, '
'SECURITY DEFINER without search_path, PUBLIC CREATE on schemas, RLS off on personal data, '
'double bookings (wedopt.integrity_check), long transactions and queries, lock waits, '
'inactive replication slots. Thresholds: wedopt.settings, area observe';

GRANT EXECUTE ON FUNCTION @extschema@.check_health() TO wedopt_monitor;
