CREATE OR REPLACE VIEW @extschema@.index_usage_history AS
SELECT
    h.schema_name,
    h.table_name,
    h.index_name,
    h.taken_at,
    h.idx_scan,
    h.index_bytes,
    h.idx_scan - lag(h.idx_scan) OVER w AS scans_since_previous,
    round(
        nullif(greatest(h.idx_scan - lag(h.idx_scan) OVER w, -1), -1)
        / nullif(extract(EPOCH FROM h.taken_at - lag(h.taken_at) OVER w), 0),
        3
    ) AS scans_per_s
FROM @extschema@.index_stats_history AS h
WINDOW w AS (PARTITION BY h.indexrelid ORDER BY h.taken_at);

COMMENT ON VIEW @extschema@.index_usage_history IS
'wedopt: index usage over time: at each snapshot_stats() the scan counter, the scans since the '
'previous snapshot and per second, and the size; an index whose scans_since_previous stays 0 is '
'not used by the current workload';

GRANT SELECT ON @extschema@.index_usage_history TO wedopt_monitor;
