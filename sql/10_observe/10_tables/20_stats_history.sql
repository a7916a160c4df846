-- History written by wedopt.snapshot_stats(); one partition per day, kept by
-- _ensure_time_partitions() with the retention of setting observe.history_retention.
CREATE TABLE @extschema@.database_stats_history (
    taken_at timestamptz NOT NULL PRIMARY KEY,
    xact_commit bigint,
    xact_rollback bigint,
    blks_read bigint,
    blks_hit bigint,
    tup_returned bigint,
    tup_fetched bigint,
    tup_inserted bigint,
    tup_updated bigint,
    tup_deleted bigint,
    deadlocks bigint,
    temp_bytes bigint,
    database_bytes bigint,
    connections integer,
    cache_hit_ratio numeric,
    index_hit_ratio numeric
) PARTITION BY RANGE (taken_at);

COMMENT ON TABLE @extschema@.database_stats_history IS
'wedopt: database-wide counters and cache ratios at each snapshot_stats(); '
'see the view wedopt.database_activity_rates';

CREATE TABLE @extschema@.table_stats_history (
    taken_at timestamptz NOT NULL,
    relid oid NOT NULL,
    schema_name text NOT NULL,
    table_name text NOT NULL,
    live_tuples bigint,
    dead_tuples bigint,
    total_bytes bigint,
    seq_scan bigint,
    seq_tup_read bigint,
    idx_scan bigint,
    n_tup_ins bigint,
    n_tup_upd bigint,
    n_tup_del bigint,
    PRIMARY KEY (taken_at, relid)
) PARTITION BY RANGE (taken_at);

COMMENT ON TABLE @extschema@.table_stats_history IS
'wedopt: per-table counters and sizes at each snapshot_stats(); see the view wedopt.table_activity_rates';

CREATE TABLE @extschema@.index_stats_history (
    taken_at timestamptz NOT NULL,
    indexrelid oid NOT NULL,
    schema_name text NOT NULL,
    table_name text NOT NULL,
    index_name text NOT NULL,
    index_bytes bigint,
    idx_scan bigint,
    idx_tup_read bigint,
    idx_tup_fetch bigint,
    PRIMARY KEY (taken_at, indexrelid)
) PARTITION BY RANGE (taken_at);

COMMENT ON TABLE @extschema@.index_stats_history IS
'wedopt: per-index usage and size at each snapshot_stats(); see the view wedopt.index_usage_history';

CREATE TABLE @extschema@.statement_stats_history (
    taken_at timestamptz NOT NULL,
    queryid bigint NOT NULL,
    userid oid NOT NULL,
    calls bigint,
    total_exec_ms double precision,
    rows_returned bigint,
    shared_blks_hit bigint,
    shared_blks_read bigint,
    query text,
    PRIMARY KEY (taken_at, queryid, userid)
) PARTITION BY RANGE (taken_at);

COMMENT ON TABLE @extschema@.statement_stats_history IS
'wedopt: the statements of this database taking most time (pg_stat_statements) at each '
'snapshot_stats(); see the view wedopt.statement_activity_rates';

GRANT SELECT ON @extschema@.database_stats_history TO wedopt_monitor;
GRANT SELECT ON @extschema@.table_stats_history TO wedopt_monitor;
GRANT SELECT ON @extschema@.index_stats_history TO wedopt_monitor;
GRANT SELECT ON @extschema@.statement_stats_history TO wedopt_monitor;
