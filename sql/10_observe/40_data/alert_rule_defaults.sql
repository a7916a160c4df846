-- The shipped alert rules (the thresholds operators of booking platforms quote).
INSERT INTO @extschema@.alert_rule_default AS d (
    rule_name, metric, comparison, threshold, duration, level, description
) VALUES
(
    'cache_hit_ratio_low', 'cache_hit_ratio', '<', 95, '5 minutes', 'WARN',
    'buffer cache hit ratio of the database below 95 %'
),
('deadlocks', 'deadlocks_per_minute', '>', 5, '0', 'ERROR', 'more than 5 deadlocks per minute'),
('replication_lag', 'replication_lag_seconds', '>', 30, '1 minute', 'ERROR', 'a standby more than 30 s behind'),
(
    'connection_utilization', 'connection_utilization_pct', '>', 80, '1 minute', 'WARN',
    'more than 80 % of max_connections in use'
),
(
    'long_running_query', 'long_running_query_seconds', '>', 5, '0', 'WARN',
    'a query running longer than 5 s (interactive path)'
),
(
    'wraparound', 'xid_age_pct', '>', 50, '0', 'ERROR',
    'a database past 50 % of the transaction-ID wraparound limit'
),
('dead_tuples', 'dead_tuples', '>', 1000000, '10 minutes', 'WARN', 'a table with more than a million dead tuples')
ON CONFLICT (rule_name) DO UPDATE SET
    metric = excluded.metric,
    comparison = excluded.comparison,
    threshold = excluded.threshold,
    duration = excluded.duration,
    level = excluded.level,
    description = excluded.description;
