-- Settings of auto_tune() (doc/act.md "auto_tune"). Columns: conservative, moderate (default), aggressive.
SELECT @extschema@._define_setting(
    'act.auto_tune_min_gain', 'act', 'numeric', '20', '10', '5',
    'auto_tune() keeps an index only when the measured time (or, for $n statements and DML, the '
    'plan cost) of the statements it helps drops by at least this share', 'percent'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_max_regression', 'act', 'numeric', '10', '20', '50',
    'auto_tune() drops an index that makes another workload statement on its table slower by more '
    'than this share (and by more than act.auto_tune_noise_ms)', 'percent'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_noise_ms', 'act', 'numeric', '1', '0.5', '0.5',
    'auto_tune(): a slowdown smaller than this is measurement noise, not a regression', 'ms'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_runs', 'act', 'integer', '7', '5', '3',
    'auto_tune(): timed executions per statement and per side (after one warm-up run); the median counts'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_statement_timeout', 'act', 'interval', '5 seconds', '10 seconds', '30 seconds',
    'auto_tune(): the longest one measured execution may take; a slower statement is not measured', 'interval'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_max_indexes', 'act', 'integer', '1', '3', '5',
    'auto_tune(): the most indexes one cycle creates'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_build_timeout', 'act', 'interval', '30 minutes', '30 minutes', '2 hours',
    'auto_tune() / rollback_action(): how long to wait for a queued CREATE or DROP INDEX CONCURRENTLY', 'interval'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_unused_grace', 'act', 'interval', '7 days', '14 days', '30 days',
    'auto_tune() drops an index it created when its idx_scan has not grown for this long', 'interval'
);
SELECT @extschema@._define_setting(
    'act.auto_tune_retry_after', 'act', 'interval', '90 days', '30 days', '7 days',
    'auto_tune() does not create again, for this long, an index it rolled back', 'interval'
);
