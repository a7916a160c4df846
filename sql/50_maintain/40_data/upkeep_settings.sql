-- Settings of upkeep (doc/maintain.md "Upkeep"): what run_upkeep() judges worth an action.
SELECT @extschema@._define_setting(
    'upkeep.min_bloat_share', 'maintain', 'numeric', '0.5', '0.3', '0.2',
    'run_upkeep(): an index is reindexed when at least this share of it is bloat (get_index_bloat())', NULL
);
SELECT @extschema@._define_setting(
    'upkeep.min_bloat_bytes', 'maintain', 'integer', '104857600', '10485760', '1048576',
    'run_upkeep(): and when its bloat is at least this many bytes', 'bytes'
);
SELECT @extschema@._define_setting(
    'upkeep.min_dead_share', 'maintain', 'numeric', '0.3', '0.2', '0.1',
    'run_upkeep(): a table is vacuumed when at least this share of its tuples is dead '
    || '(get_table_vacuum_stats())', NULL
);
SELECT @extschema@._define_setting(
    'upkeep.min_dead_tuples', 'maintain', 'integer', '10000', '1000', '500',
    'run_upkeep(): and when it has at least this many dead tuples', NULL
);
SELECT @extschema@._define_setting(
    'upkeep.max_actions', 'maintain', 'integer', '5', '10', '20',
    'run_upkeep(): at most this many actions per run (the largest first); the rest wait for the next run', NULL
);
