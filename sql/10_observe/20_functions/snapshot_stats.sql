CREATE OR REPLACE FUNCTION @extschema@.snapshot_stats()
RETURNS TABLE (
    taken_at timestamptz,
    tables integer,
    indexes integer,
    statements integer,
    partitions_created integer,
    partitions_dropped integer
)
LANGUAGE plpgsql
VOLATILE
-- DEFINER on purpose: it creates and drops the daily partitions of wedopt's own history
-- tables, which only their owner may do; it runs no caller input.
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_at timestamptz := clock_timestamp();
    v_retention interval := @extschema@.get_setting('observe.history_retention')::interval;
    v_keep integer := @extschema@.get_setting('observe.snapshot_statements')::integer;
    v_parent regclass;
    v_created integer := 0;
    v_dropped integer := 0;
    v_tables integer;
    v_indexes integer;
    v_statements integer := 0;
    v_pgss text;
BEGIN
    PERFORM @extschema@._require_primary('snapshot_stats()');
    FOREACH v_parent IN ARRAY ARRAY[
        '@extschema@.database_stats_history'::regclass, '@extschema@.table_stats_history'::regclass,
        '@extschema@.index_stats_history'::regclass, '@extschema@.statement_stats_history'::regclass
    ] LOOP
        SELECT
            v_created + count(*) FILTER (WHERE p.action = 'created'),
            v_dropped + count(*) FILTER (WHERE p.action = 'dropped')
        INTO v_created, v_dropped
        FROM @extschema@._ensure_time_partitions(v_parent, INTERVAL '1 day', 2, v_retention) AS p;
    END LOOP;

    INSERT INTO @extschema@.database_stats_history
    SELECT
        v_at, d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit, d.tup_returned, d.tup_fetched,
        d.tup_inserted, d.tup_updated, d.tup_deleted, d.deadlocks, d.temp_bytes,
        pg_database_size(d.datid), d.numbackends,
        (SELECT c.hit_ratio FROM @extschema@.get_cache_hit_ratio() AS c WHERE c.scope = 'database'),
        (SELECT c.hit_ratio FROM @extschema@.get_cache_hit_ratio() AS c WHERE c.scope = 'table indexes')
    FROM pg_stat_database AS d
    WHERE d.datname = current_database();

    INSERT INTO @extschema@.table_stats_history
    SELECT
        v_at, s.relid, s.schemaname, s.relname, s.n_live_tup, s.n_dead_tup,
        pg_total_relation_size(s.relid), s.seq_scan, s.seq_tup_read, s.idx_scan,
        s.n_tup_ins, s.n_tup_upd, s.n_tup_del
    FROM pg_stat_user_tables AS s
    WHERE s.schemaname <> '@extschema@';
    GET DIAGNOSTICS v_tables = ROW_COUNT;

    INSERT INTO @extschema@.index_stats_history
    SELECT
        v_at, s.indexrelid, s.schemaname, s.relname, s.indexrelname, pg_relation_size(s.indexrelid),
        s.idx_scan, s.idx_tup_read, s.idx_tup_fetch
    FROM pg_stat_user_indexes AS s
    WHERE s.schemaname <> '@extschema@';
    GET DIAGNOSTICS v_indexes = ROW_COUNT;

    -- pg_stat_statements is optional here: without it the snapshot simply has no statements.
    SELECT n.nspname INTO v_pgss
    FROM pg_extension AS e
    JOIN pg_namespace AS n ON e.extnamespace = n.oid
    WHERE e.extname = 'pg_stat_statements';
    IF v_pgss IS NOT NULL AND 'pg_stat_statements' = ANY (
        string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')
    ) THEN
        EXECUTE format(
            $q$
            INSERT INTO @extschema@.statement_stats_history
            SELECT $1, s.queryid, s.userid, sum(s.calls), sum(s.total_exec_time), sum(s.rows),
                sum(s.shared_blks_hit), sum(s.shared_blks_read), min(left(s.query, 2000))
            FROM %I.pg_stat_statements AS s
            WHERE
                s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
                AND s.queryid IS NOT NULL
            GROUP BY s.queryid, s.userid
            ORDER BY sum(s.total_exec_time) DESC
            LIMIT $2
            $q$,
            v_pgss
        ) USING v_at, v_keep;
        GET DIAGNOSTICS v_statements = ROW_COUNT;
    END IF;

    RAISE NOTICE 'wedopt: snapshot at %: % tables, % indexes, % statements', v_at, v_tables, v_indexes,
        v_statements;
    RETURN QUERY SELECT v_at, v_tables, v_indexes, v_statements, v_created, v_dropped;
END
$$;

COMMENT ON FUNCTION @extschema@.snapshot_stats() IS
'wedopt: store a snapshot of the figures that change over time (database counters and cache '
'ratios, per-table and per-index counters and sizes, the top statements of pg_stat_statements) '
'in the *_stats_history tables, and keep their daily partitions (retention: setting '
'observe.history_retention); rates between snapshots: views database_activity_rates, '
'table_activity_rates, index_usage_history, statement_activity_rates. Schedule it (pg_cron)';

GRANT EXECUTE ON FUNCTION @extschema@.snapshot_stats() TO wedopt_admin;
