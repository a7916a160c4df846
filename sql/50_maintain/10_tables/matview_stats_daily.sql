-- wedopt's own materialized views: daily rollups (days in UTC) of the snapshot_stats() history,
-- so that a trend over months reads one row per day instead of every snapshot. Each carries a
-- unique index on plain columns, so refresh_matviews() refreshes them CONCURRENTLY; registered
-- with their own policy in 40_data/matview_builtin.sql. Counter deltas are the day's last
-- snapshot minus its first (a counter reset within the day gives no delta).
CREATE MATERIALIZED VIEW @extschema@.database_stats_daily AS
SELECT
    (h.taken_at AT TIME ZONE 'UTC')::date AS day,
    count(*) AS snapshots,
    min(h.taken_at) AS first_at,
    max(h.taken_at) AS last_at,
    nullif(greatest(max(h.xact_commit) - min(h.xact_commit), -1), -1) AS commits,
    nullif(greatest(max(h.xact_rollback) - min(h.xact_rollback), -1), -1) AS rollbacks,
    nullif(greatest(max(h.deadlocks) - min(h.deadlocks), -1), -1) AS deadlocks,
    nullif(greatest(max(h.temp_bytes) - min(h.temp_bytes), -1), -1) AS temp_bytes,
    max(h.database_bytes) AS max_database_bytes,
    max(h.connections) AS max_connections,
    min(h.cache_hit_ratio) AS min_cache_hit_ratio,
    round(avg(h.cache_hit_ratio), 2) AS avg_cache_hit_ratio
FROM @extschema@.database_stats_history AS h
GROUP BY (h.taken_at AT TIME ZONE 'UTC')::date
WITH NO DATA;

CREATE UNIQUE INDEX database_stats_daily_day ON @extschema@.database_stats_daily (day);

COMMENT ON MATERIALIZED VIEW @extschema@.database_stats_daily IS
'wedopt: one row per day (UTC) of database_stats_history: snapshots, commits, rollbacks, '
'deadlocks, temp bytes that day, peak size and connections, cache hit ratio; refreshed by '
'refresh_matviews() (its policy: matview_status())';

CREATE MATERIALIZED VIEW @extschema@.table_stats_daily AS
SELECT
    (h.taken_at AT TIME ZONE 'UTC')::date AS day,
    h.relid,
    max(h.schema_name) AS schema_name,
    max(h.table_name) AS table_name,
    count(*) AS snapshots,
    max(h.live_tuples) AS max_live_tuples,
    max(h.dead_tuples) AS max_dead_tuples,
    max(h.total_bytes) AS max_total_bytes,
    nullif(greatest(max(h.seq_scan) - min(h.seq_scan), -1), -1) AS seq_scans,
    nullif(greatest(max(h.idx_scan) - min(h.idx_scan), -1), -1) AS idx_scans,
    nullif(
        greatest(max(h.n_tup_ins + h.n_tup_upd + h.n_tup_del) - min(h.n_tup_ins + h.n_tup_upd + h.n_tup_del), -1),
        -1
    ) AS rows_written
FROM @extschema@.table_stats_history AS h
GROUP BY (h.taken_at AT TIME ZONE 'UTC')::date, h.relid
WITH NO DATA;

CREATE UNIQUE INDEX table_stats_daily_day_relid ON @extschema@.table_stats_daily (day, relid);

COMMENT ON MATERIALIZED VIEW @extschema@.table_stats_daily IS
'wedopt: one row per day (UTC) and table of table_stats_history: peak live and dead tuples and '
'size, sequential and index scans and rows written that day; refreshed by refresh_matviews()';

GRANT SELECT ON @extschema@.database_stats_daily TO wedopt_monitor;
GRANT SELECT ON @extschema@.table_stats_daily TO wedopt_monitor;
