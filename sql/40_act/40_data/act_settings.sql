-- Guard rails of the act area (doc/act.md). Columns: conservative, moderate (default), aggressive.
SELECT @extschema@._define_setting(
    'act.freeze_days', 'act', 'text[]', '{Friday,Saturday,Sunday}', '{Saturday}', '{Saturday}',
    'event days: no DDL on these days (in act.time_zone) unless an admin forces it with a reason; '
    'VACUUM and ANALYZE are not DDL and still run'
);
SELECT @extschema@._define_setting(
    'act.time_zone', 'act', 'text', 'UTC', 'UTC', 'UTC',
    'the time zone of the event days and of the maintenance window'
);
SELECT @extschema@._define_setting(
    'act.maintenance_window', 'act', 'text', '', '', '',
    'when DDL may run, as HH:MM-HH:MM in act.time_zone (may wrap midnight); empty: at any time'
);
SELECT @extschema@._define_setting(
    'act.index_cap', 'act', 'integer', '8', '10', '12',
    'CREATE INDEX is refused on a table that already has this many indexes'
);
SELECT @extschema@._define_setting(
    'act.disk_budget_bytes', 'act', 'numeric', '0', '0', '0',
    'the database''s disk budget for the storage guard; 0: no guard', 'bytes'
);
SELECT @extschema@._define_setting(
    'act.disk_budget_share', 'act', 'numeric', '0.7', '0.8', '0.9',
    'storage guard: no index that would take the database past this share of act.disk_budget_bytes '
    '(an index is estimated at its table''s size times act.index_size_ratio)'
);
SELECT @extschema@._define_setting(
    'act.index_size_ratio', 'act', 'numeric', '0.5', '0.3', '0.3',
    'storage guard: a new index is estimated at this share of its table''s size'
);
SELECT @extschema@._define_setting(
    'act.lock_timeout', 'act', 'interval', '1 second', '2 seconds', '5 seconds',
    'lock_timeout of every DDL wedopt runs, so that an action never stalls the booking path', 'interval'
);
SELECT @extschema@._define_setting(
    'act.lock_retries', 'act', 'integer', '3', '5', '8',
    'how many times a DDL that timed out on a lock is retried (with a doubling backoff)'
);
SELECT @extschema@._define_setting(
    'act.retry_backoff_ms', 'act', 'integer', '500', '200', '100',
    'the first wait before a retry; doubled each time, at most 10 s', 'ms'
);
SELECT @extschema@._define_setting(
    'act.dispatcher', 'act', 'text', 'worker', 'worker', 'worker',
    'who starts a queued statement: worker (a background worker at once, within 5 s of the commit) '
    'or cron (only the every-minute pg_cron job, wedopt._dispatch_pending())',
    NULL, '{worker,cron}'
);
SELECT @extschema@._define_setting(
    'act.auto_apply', 'act', 'text', 'none', 'small_tables', 'all',
    'what auto_tune() may apply by itself: none (only recommend), small_tables (indexes on tables under '
    'act.auto_apply_max_table_bytes), all', NULL, '{none,small_tables,all}'
);
SELECT @extschema@._define_setting(
    'act.auto_apply_max_table_bytes', 'act', 'numeric', '0', '1073741824', '1099511627776',
    'moderate auto_tune(): indexes only on tables smaller than this', 'bytes'
);

-- Booking surge (doc/act.md "Booking surge"): the insert rate of act.surge_tables against the same
-- time of day over the baseline; during a surge the thresholds below tighten and the freeze widens.
SELECT @extschema@._define_setting(
    'act.surge_tables', 'act', 'text[]', '{}', '{}', '{}',
    'tables whose insert rate detects a booking surge (schema.table, or a table name in any schema; '
    'a partitioned table counts its partitions); empty: no surge detection'
);
SELECT @extschema@._define_setting(
    'act.surge_factor', 'act', 'numeric', '1.5', '2', '3',
    'a surge is an insert rate over act.surge_window at least this many times the table''s baseline'
);
SELECT @extschema@._define_setting(
    'act.surge_window', 'act', 'interval', '1 hour', '1 hour', '1 hour',
    'the recent window whose insert rate is compared with the baseline', 'interval'
);
SELECT @extschema@._define_setting(
    'act.surge_baseline', 'act', 'interval', '56 days', '28 days', '14 days',
    'the baseline: the median rate of the same window on each earlier day of this period '
    '(needs observe.history_retention at least as long)', 'interval'
);
SELECT @extschema@._define_setting(
    'act.surge_min_baseline_windows', 'act', 'integer', '3', '7', '7',
    'fewer earlier days with snapshots than this: insufficient history, no surge'
);
SELECT @extschema@._define_setting(
    'act.surge_min_rows', 'act', 'integer', '50', '100', '200',
    'fewer inserts than this in the recent window is never a surge (noise)'
);
SELECT @extschema@._define_setting(
    'act.surge_index_cap', 'act', 'integer', '6', '8', '10',
    'during a surge the index cap is the lower of act.index_cap and this'
);
SELECT @extschema@._define_setting(
    'act.surge_disk_budget_share', 'act', 'numeric', '0.6', '0.7', '0.8',
    'during a surge the storage guard''s share is the lower of act.disk_budget_share and this'
);
SELECT @extschema@._define_setting(
    'act.surge_freeze_days', 'act', 'text[]',
    '{Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday}',
    '{Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday}',
    '{Friday,Saturday,Sunday}',
    'during a surge these days are event days too (added to act.freeze_days): no DDL unless forced'
);
