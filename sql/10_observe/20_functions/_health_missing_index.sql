CREATE OR REPLACE FUNCTION @extschema@._health_missing_index()
RETURNS SETOF @extschema@.health_finding
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_seq_rows bigint := @extschema@.get_setting('observe.seq_scan_min_rows')::bigint;
    v_pgss text;
    v_maintenance text := 'SELECT NULL::text AS schema_name, NULL::text AS table_name, 0::numeric AS scans WHERE FALSE';
BEGIN
    -- CREATE INDEX (and other maintenance) reads the whole table and counts as a sequential
    -- scan: a table only loaded and indexed would look unindexed. The full-table scans of
    -- the maintenance statements pg_stat_statements recorded are taken off the counters, so
    -- the figure is what queries did. (CONCURRENTLY builds scan twice.)
    SELECT n.nspname INTO v_pgss
    FROM pg_extension AS e
    JOIN pg_namespace AS n ON e.extnamespace = n.oid
    WHERE e.extname = 'pg_stat_statements';
    IF v_pgss IS NOT NULL AND 'pg_stat_statements' = ANY (
        string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')
    ) THEN
        v_maintenance := format(
            $q$
            SELECT
                CASE WHEN cardinality(t.ident) = 2 THEN t.ident[1] END AS schema_name,
                t.ident[cardinality(t.ident)] AS table_name,
                sum(t.calls * t.passes) AS scans
            FROM (
                SELECT
                    s.calls,
                    CASE WHEN m.statement ~* '\mCONCURRENTLY\M' THEN 2 ELSE 1 END AS passes,
                    parse_ident(m.target[1]) AS ident
                FROM %I.pg_stat_statements AS s
                CROSS JOIN LATERAL (
                    SELECT
                        s.query AS statement,
                        CASE
                            WHEN s.query ~* '^\s*CREATE\s+(UNIQUE\s+)?INDEX\M'
                                THEN regexp_match(s.query, '\mON\s+(?:ONLY\s+)?' || %2$L, 'i')
                            WHEN s.query ~* '^\s*(CLUSTER|REINDEX\s+(\([^)]*\)\s*)?TABLE)\M'
                                THEN regexp_match(s.query,
                                    '^\s*(?:CLUSTER|REINDEX\s+(?:\([^)]*\)\s*)?TABLE)\s+'
                                    || '(?:\([^)]*\)\s*)?(?:VERBOSE\s+)?(?:CONCURRENTLY\s+)?' || %2$L, 'i')
                            WHEN s.query ~* '^\s*VACUUM\s*\([^)]*\mFULL\M'
                                THEN regexp_match(s.query, '^\s*VACUUM\s*\([^)]*\)\s*' || %2$L, 'i')
                            WHEN s.query ~* '^\s*ALTER\s+TABLE\M.*\m(ADD\s+(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK)|VALIDATE)\M'
                                THEN regexp_match(s.query,
                                    '^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?' || %2$L, 'i')
                        END AS target
                ) AS m
                WHERE
                    s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
                    AND m.target IS NOT NULL
            ) AS t
            GROUP BY 1, 2
            $q$,
            v_pgss,
            -- a table name, maybe schema-qualified, each part plain or double-quoted
            '((?:"(?:[^"]|"")+"|[[:alpha:]_][[:alnum:]_$]*)(?:\.(?:"(?:[^"]|"")+"|[[:alpha:]_][[:alnum:]_$]*))?)'
        );
    END IF;

    RETURN QUERY EXECUTE format(
        $q$
        WITH maintenance AS (%s),

        figures AS (
            SELECT
                s.relid, s.n_live_tup, s.seq_scan, s.seq_tup_read, coalesce(s.idx_scan, 0) AS idx_scan,
                coalesce(m.scans, 0) AS maintenance_scans,
                greatest(s.seq_scan - coalesce(m.scans, 0), 0) AS query_seq_scan,
                -- rows per full scan: the planner's count (n_live_tup drifts, e.g. after CONCURRENTLY)
                CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END AS rows_per_scan,
                greatest(s.seq_tup_read - coalesce(m.scans, 0)
                    * CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END, 0)
                    AS query_seq_tup_read
            FROM pg_stat_all_tables AS s
            JOIN pg_class AS c ON s.relid = c.oid
            JOIN @extschema@._user_schemas() AS n ON s.schemaname = n.nspname
            LEFT JOIN (
                SELECT x.schema_name, x.table_name, sum(x.scans) AS scans
                FROM maintenance AS x
                GROUP BY 1, 2
            ) AS m ON s.relname = m.table_name AND s.schemaname = coalesce(m.schema_name, s.schemaname)
            WHERE s.n_live_tup >= $1
        )

        SELECT
            'missing_index'::text, 'WARN'::text, 'PERFORMANCE'::text,
            f.relid::regclass::text,
            format('table %%s (%%s rows) was read by %%s sequential scans of queries (%%s rows read) and %%s '
                'index scans%%s', f.relid::regclass, f.n_live_tup, f.query_seq_scan, f.query_seq_tup_read,
                f.idx_scan,
                CASE WHEN f.maintenance_scans > 0
                    THEN format(', not counting %%s full scans of index builds and other maintenance',
                        f.maintenance_scans)
                    ELSE ''
                END),
            NULL::text,
            jsonb_build_object('live_tuples', f.n_live_tup, 'seq_scan', f.query_seq_scan,
                'seq_tup_read', f.query_seq_tup_read, 'idx_scan', f.idx_scan,
                'maintenance_scans', f.maintenance_scans, 'all_seq_scan', f.seq_scan,
                'advice', 'find the queries with wedopt.get_slow_queries(); index their filter columns')
        FROM figures AS f
        WHERE
            f.query_seq_scan > f.idx_scan
            AND f.query_seq_tup_read / greatest(f.query_seq_scan, 1) >= f.rows_per_scan / 2
        $q$,
        v_maintenance
    ) USING v_seq_rows;
END
$$;

COMMENT ON FUNCTION @extschema@._health_missing_index() IS
'wedopt: check_health() lint: big tables read mostly by sequential scans of queries (index builds not counted)';

GRANT EXECUTE ON FUNCTION @extschema@._health_missing_index() TO wedopt_monitor;
