CREATE OR REPLACE VIEW @extschema@.table_activity_rates AS
WITH d AS (
    SELECT
        h.*,
        lag(h.taken_at) OVER w AS prev_at,
        h.seq_scan - lag(h.seq_scan) OVER w AS d_seq,
        h.idx_scan - lag(h.idx_scan) OVER w AS d_idx,
        h.seq_tup_read - lag(h.seq_tup_read) OVER w AS d_seq_read,
        h.n_tup_ins + h.n_tup_upd + h.n_tup_del - lag(h.n_tup_ins + h.n_tup_upd + h.n_tup_del) OVER w AS d_written,
        h.total_bytes - lag(h.total_bytes) OVER w AS d_bytes
    FROM @extschema@.table_stats_history AS h
    WINDOW w AS (PARTITION BY h.relid ORDER BY h.taken_at)
)

SELECT
    d.schema_name,
    d.table_name,
    d.taken_at,
    d.prev_at AS previous_at,
    extract(EPOCH FROM d.taken_at - d.prev_at) AS seconds,
    -- A negative difference means the counters were reset in between: no rate then.
    round(nullif(greatest(d.d_seq, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3)
        AS seq_scans_per_s,
    round(nullif(greatest(d.d_idx, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3)
        AS idx_scans_per_s,
    round(nullif(greatest(d.d_seq_read, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3)
        AS seq_rows_read_per_s,
    round(nullif(greatest(d.d_written, -1), -1) / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0), 3)
        AS rows_written_per_s,
    d.d_bytes AS growth_bytes,
    round(86400 * d.d_bytes / nullif(extract(EPOCH FROM d.taken_at - d.prev_at), 0)) AS growth_bytes_per_day,
    d.total_bytes,
    d.live_tuples,
    d.dead_tuples
FROM d
WHERE d.prev_at IS NOT NULL;

COMMENT ON VIEW @extschema@.table_activity_rates IS
'wedopt: per table, between each two consecutive snapshot_stats(): sequential and index scans '
'per second, rows read by sequential scans and rows written per second, growth in bytes and '
'bytes per day';

GRANT SELECT ON @extschema@.table_activity_rates TO wedopt_monitor;
