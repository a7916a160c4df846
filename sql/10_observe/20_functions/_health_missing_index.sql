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
    v_query record;
    v_stmt record;
    v_rel text;
    v_ident text [];
    v_schemas text [] := '{}';
    v_tables text [] := '{}';
    v_scans numeric [] := '{}';
    v_kinds text [] := '{}';
BEGIN
    -- CREATE INDEX (and other maintenance) reads the whole table and counts as a sequential
    -- scan: a table only loaded and indexed would look unindexed. The full-table scans of
    -- the maintenance statements pg_stat_statements recorded are taken off the counters, so
    -- the figure is what queries did. What a statement is and which tables it names, the
    -- server's parser says (_parse_statements). Scans per statement: an index build one
    -- (CONCURRENTLY two), REINDEX TABLE one per index, VACUUM FULL and CLUSTER one for the
    -- rewrite and one per index rebuilt (measured; today's index count stands in).
    SELECT n.nspname INTO v_pgss
    FROM pg_extension AS e
    JOIN pg_namespace AS n ON e.extnamespace = n.oid
    WHERE e.extname = 'pg_stat_statements';
    IF v_pgss IS NOT NULL AND 'pg_stat_statements' = ANY (
        string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')
    ) THEN
        FOR v_query IN EXECUTE format(
            $q$
            SELECT s.query, s.calls
            FROM %I.pg_stat_statements AS s
            WHERE
                s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
                AND s.query ~* '^\s*(CREATE|REINDEX|CLUSTER|VACUUM|ALTER)\M'
            $q$,
            v_pgss
        ) LOOP
            BEGIN
                FOR v_stmt IN
                    SELECT p.node_type, p.relations, p.concurrent, p.options
                    FROM @extschema@._parse_statements(v_query.query) AS p
                LOOP
                    CONTINUE WHEN NOT (
                        v_stmt.node_type IN ('IndexStmt', 'ReindexStmt', 'ClusterStmt')
                        OR (v_stmt.node_type = 'VacuumStmt' AND 'full' = ANY (v_stmt.options))
                        -- of ALTER TABLE, only the subcommands that read the whole table
                        OR (v_stmt.node_type = 'AlterTableStmt' AND v_query.query
                            ~* '\m(ADD\s+(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK)|VALIDATE)\M')
                    );
                    FOREACH v_rel IN ARRAY coalesce(v_stmt.relations, '{}') LOOP
                        v_ident := parse_ident(v_rel);
                        v_schemas := v_schemas || CASE WHEN cardinality(v_ident) = 2 THEN v_ident[1] END;
                        v_tables := v_tables || v_ident[cardinality(v_ident)];
                        v_scans := v_scans
                            || (v_query.calls * CASE WHEN v_stmt.concurrent THEN 2 ELSE 1 END)::numeric;
                        v_kinds := v_kinds || CASE
                            WHEN v_stmt.node_type IN ('VacuumStmt', 'ClusterStmt') THEN 'rewrite'
                            WHEN v_stmt.node_type = 'ReindexStmt' THEN 'reindex'
                            ELSE 'scan'
                        END;
                    END LOOP;
                END LOOP;
            EXCEPTION WHEN OTHERS THEN
                -- a normalized text (interval $1) need not parse again; it is no maintenance
                NULL;
            END;
        END LOOP;
    END IF;

    RETURN QUERY EXECUTE format(
        $q$
        WITH maintenance AS (
            SELECT * FROM unnest($2, $3, $4, $5) AS m (schema_name, table_name, scans, kind)
        ),

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
            -- qualified and unqualified mentions of one table add up (one row per table)
            LEFT JOIN LATERAL (
                SELECT sum(x.scans * CASE x.kind
                    WHEN 'rewrite' THEN 1 + (SELECT count(*) FROM pg_index AS i WHERE i.indrelid = s.relid)
                    WHEN 'reindex' THEN (SELECT count(*) FROM pg_index AS i WHERE i.indrelid = s.relid)
                    ELSE 1
                END) AS scans
                FROM maintenance AS x
                WHERE x.table_name = s.relname AND coalesce(x.schema_name, s.schemaname) = s.schemaname
            ) AS m ON TRUE
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
        $q$
    ) USING v_seq_rows, v_schemas, v_tables, v_scans, v_kinds;
END
$$;

COMMENT ON FUNCTION @extschema@._health_missing_index() IS
'wedopt: check_health() lint: big tables read mostly by sequential scans of queries (index builds not counted)';

GRANT EXECUTE ON FUNCTION @extschema@._health_missing_index() TO wedopt_monitor;
