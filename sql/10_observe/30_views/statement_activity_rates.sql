CREATE OR REPLACE VIEW @extschema@.statement_activity_rates AS
WITH d AS (
    SELECT
        h.*,
        lag(h.taken_at) OVER w AS prev_at,
        h.calls - lag(h.calls) OVER w AS d_calls,
        h.total_exec_ms - lag(h.total_exec_ms) OVER w AS d_ms
    FROM @extschema@.statement_stats_history AS h
    WINDOW w AS (PARTITION BY h.queryid, h.userid ORDER BY h.taken_at)
)

SELECT
    d.queryid,
    d.taken_at,
    d.prev_at AS previous_at,
    nullif(greatest(d.d_calls, -1), -1) AS calls,
    round((nullif(greatest(d.d_calls, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0))::numeric, 3)
        AS calls_per_s,
    round((d.d_ms / nullif(d.d_calls, 0))::numeric, 3) AS mean_ms,
    d.query
FROM d
WHERE d.prev_at IS NOT NULL;

COMMENT ON VIEW @extschema@.statement_activity_rates IS
'wedopt: per statement kept by snapshot_stats(), between two consecutive snapshots: calls, '
'calls per second and the mean execution time of that interval';

GRANT SELECT ON @extschema@.statement_activity_rates TO wedopt_monitor;
