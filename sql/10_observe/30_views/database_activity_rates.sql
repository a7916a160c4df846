CREATE OR REPLACE VIEW @extschema@.database_activity_rates AS
WITH d AS (
    SELECT
        h.*,
        lag(h.taken_at) OVER w AS prev_at,
        h.xact_commit - lag(h.xact_commit) OVER w AS d_commit,
        h.xact_rollback - lag(h.xact_rollback) OVER w AS d_rollback,
        h.blks_hit - lag(h.blks_hit) OVER w AS d_hit,
        h.blks_read - lag(h.blks_read) OVER w AS d_read,
        h.tup_inserted + h.tup_updated + h.tup_deleted
        - lag(h.tup_inserted + h.tup_updated + h.tup_deleted) OVER w AS d_written,
        h.deadlocks - lag(h.deadlocks) OVER w AS d_deadlocks,
        h.database_bytes - lag(h.database_bytes) OVER w AS d_bytes
    FROM @extschema@.database_stats_history AS h
    WINDOW w AS (ORDER BY h.taken_at)
)

SELECT
    d.taken_at,
    d.prev_at AS previous_at,
    extract(EPOCH FROM d.taken_at - d.prev_at) AS seconds,
    -- A negative difference means the counters were reset in between: no rate then.
    round(nullif(greatest(d.d_commit, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3)
        AS commits_per_s,
    round(nullif(greatest(d.d_rollback, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3)
        AS rollbacks_per_s,
    round(nullif(greatest(d.d_written, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3)
        AS rows_written_per_s,
    round(
        60 * nullif(greatest(d.d_deadlocks, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3
    ) AS deadlocks_per_min,
    round(100.0 * d.d_hit / nullif(d.d_hit + d.d_read, 0), 2) AS cache_hit_ratio,
    round(86400 * d.d_bytes / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0)) AS growth_bytes_per_day,
    d.database_bytes,
    d.connections
FROM d
WHERE d.prev_at IS NOT NULL;

COMMENT ON VIEW @extschema@.database_activity_rates IS
'wedopt: between each two consecutive snapshot_stats(): commits, rollbacks and rows written per '
'second, deadlocks per minute, cache hit ratio of the interval, database growth per day';

GRANT SELECT ON @extschema@.database_activity_rates TO wedopt_monitor;
