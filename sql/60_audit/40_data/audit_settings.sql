SELECT @extschema@._define_setting(
    'audit.retention', 'audit', 'interval', '730 days', '365 days', '90 days',
    'how long audit rows are kept: maintain_audit_log() drops partitions that ended before this',
    'interval'
);
SELECT @extschema@._define_setting(
    'audit.partition_step', 'audit', 'interval', '1 month', '1 month', '1 month',
    'the time range of one wedopt.audit_log partition',
    'interval', '{1 day,1 week,1 month,3 months,1 year}'
);
SELECT @extschema@._define_setting(
    'audit.premake', 'audit', 'integer', '3', '3', '3',
    'how many wedopt.audit_log partitions maintain_audit_log() keeps ready ahead of the current one',
    'partitions'
);
SELECT @extschema@._define_setting(
    'audit.app_user_setting', 'audit', 'text', 'app.current_user_id', 'app.current_user_id',
    'app.current_user_id',
    'name of the session setting that holds the application''s user id (SET app.current_user_id = ...); '
    'read into audit_log.app_user_id; enable_audit() again after changing it',
    NULL
);
SELECT @extschema@._define_setting(
    'audit.record_index', 'audit', 'boolean', 'false', 'false', 'false',
    'keep a hash index on audit_log.record_id so that record_history() finds a row''s changes '
    'without scanning the log (costs each audit row an index entry); applied by maintain_audit_log()',
    NULL
);
SELECT @extschema@._define_setting(
    'audit.max_value_size', 'audit', 'integer', '1024', '1024', '1024',
    'a column value larger than this is logged as a marker {"wedopt_omitted", "bytes", "sha256"} '
    'instead of the value, so that audit never blocks a write; 0 logs every value whole; '
    'enable_audit() again after changing it',
    'kB'
);
