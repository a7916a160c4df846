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
