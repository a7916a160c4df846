-- Thresholds of the observe area: figures, health lints, history.
-- Columns: conservative (flags less), moderate (the default level), aggressive (flags more).
SELECT @extschema@._define_setting(
    'observe.slow_query_mean_ms', 'observe', 'numeric', '50', '30', '20',
    'get_slow_queries(): default lower bound of a statement''s mean execution time', 'ms'
);
SELECT @extschema@._define_setting(
    'observe.long_query_seconds', 'observe', 'integer', '30', '5', '2',
    'a query running longer than this is long-running (interactive path: 5 s)', 's'
);
SELECT @extschema@._define_setting(
    'observe.long_transaction_seconds', 'observe', 'integer', '900', '300', '60',
    'a transaction open longer than this is long-running (also idle in transaction)', 's'
);
SELECT @extschema@._define_setting(
    'observe.lock_wait_seconds', 'observe', 'integer', '30', '5', '1',
    'check_health(): a backend waiting on a lock longer than this is a finding', 's'
);
SELECT @extschema@._define_setting(
    'observe.cache_hit_ratio_min', 'observe', 'numeric', '95', '98', '99',
    'check_health(): the database buffer cache hit ratio below this is a finding', 'percent'
);
SELECT @extschema@._define_setting(
    'observe.cache_min_blocks', 'observe', 'integer', '100000', '10000', '1000',
    'check_health(): the cache hit ratio is judged only after this many block accesses', 'blocks'
);
SELECT @extschema@._define_setting(
    'observe.unused_index_min_bytes', 'observe', 'integer', '10485760', '1048576', '65536',
    'check_health(): an index never scanned is reported from this size on', 'bytes'
);
SELECT @extschema@._define_setting(
    'observe.dead_tuple_min', 'observe', 'integer', '10000', '1000', '200',
    'check_health(): dead tuples are reported from this count on ...', 'tuples'
);
SELECT @extschema@._define_setting(
    'observe.dead_tuple_ratio_max', 'observe', 'numeric', '0.3', '0.2', '0.1',
    'check_health(): ... and when they are more than this fraction of live + dead tuples', 'fraction'
);
SELECT @extschema@._define_setting(
    'observe.bloat_ratio_max', 'observe', 'numeric', '0.5', '0.35', '0.2',
    'check_health(): estimated bloat above this fraction of the relation is a finding', 'fraction'
);
SELECT @extschema@._define_setting(
    'observe.bloat_min_bytes', 'observe', 'integer', '104857600', '10485760', '1048576',
    'check_health(): bloat is reported only from this many wasted bytes on', 'bytes'
);
SELECT @extschema@._define_setting(
    'observe.wraparound_warn_age', 'observe', 'integer', '1000000000', '500000000', '300000000',
    'check_health(): a transaction-ID age (database or table) above this is a WARN', 'transactions'
);
SELECT @extschema@._define_setting(
    'observe.wraparound_error_age', 'observe', 'integer', '1600000000', '1200000000', '1000000000',
    'check_health(): a transaction-ID age above this is an ERROR', 'transactions'
);
SELECT @extschema@._define_setting(
    'observe.sequence_warn_pct', 'observe', 'numeric', '90', '80', '70',
    'check_health(): a sequence (or the column it feeds) used above this percentage is a WARN', 'percent'
);
SELECT @extschema@._define_setting(
    'observe.sequence_error_pct', 'observe', 'numeric', '98', '95', '90',
    'check_health(): a sequence (or the column it feeds) used above this percentage is an ERROR', 'percent'
);
SELECT @extschema@._define_setting(
    'observe.seq_scan_min_rows', 'observe', 'integer', '1000000', '100000', '10000',
    'check_health(): a table this big read mostly by sequential scans is missing an index', 'rows'
);
SELECT @extschema@._define_setting(
    'observe.personal_data_tables', 'observe', 'text[]',
    '{client,guest,planner}', '{client,guest,planner}', '{client,guest,planner}',
    'check_health(): tables holding personal data (name or schema.name) that need row-level security',
    NULL
);
SELECT @extschema@._define_setting(
    'observe.history_retention', 'observe', 'interval', '90 days', '30 days', '14 days',
    'snapshot_stats(): history older than this is dropped (by whole day partitions)', NULL
);
SELECT @extschema@._define_setting(
    'observe.snapshot_statements', 'observe', 'integer', '100', '200', '500',
    'snapshot_stats(): how many statements (by total time) each snapshot keeps', 'statements'
);
SELECT @extschema@._define_setting(
    'observe.untrusted_roles', 'observe', 'text[]', '{PUBLIC,LOGIN}', '{PUBLIC,LOGIN}', '{PUBLIC,LOGIN}',
    'check_health() security lints: roles whose grants are findings; PUBLIC, LOGIN (every role that can '
    'log in and is neither superuser nor member of wedopt_admin or wedopt_monitor) or role names',
    NULL
);
