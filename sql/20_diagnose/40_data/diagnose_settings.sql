-- Thresholds of the plan analyzer and query lint (wedopt.analyze_plan, wedopt.lint_query).
-- Columns: conservative (fewer, surer findings), moderate (default), aggressive.
SELECT @extschema@._define_setting(
    'diagnose.max_query_bytes', 'diagnose', 'integer', '1048576', '1048576', '1048576',
    'largest query text execute_explain_query / analyze_query / lint_query accept', 'bytes'
);
SELECT @extschema@._define_setting(
    'diagnose.max_plan_bytes', 'diagnose', 'integer', '52428800', '52428800', '52428800',
    'largest plan json analyze_plan accepts', 'bytes'
);
SELECT @extschema@._define_setting(
    'diagnose.big_table_rows', 'diagnose', 'integer', '1000000', '100000', '10000',
    'a table with at least this many rows (pg_class.reltuples, else rows read) is big: '
    'seq scans and unbounded SELECTs on it are findings', 'rows'
);
SELECT @extschema@._define_setting(
    'diagnose.removed_rows_share', 'diagnose', 'numeric', '0.9', '0.8', '0.5',
    'a scan whose filter removes at least this share of the rows it reads is a finding '
    '(seq scan: index candidate; index scan: index does not fit the filter)', 'fraction'
);
SELECT @extschema@._define_setting(
    'diagnose.removed_rows_min', 'diagnose', 'integer', '10000', '1000', '100',
    'fewest rows an index scan''s filter must remove before it is a finding', 'rows'
);
SELECT @extschema@._define_setting(
    'diagnose.misestimate_factor', 'diagnose', 'numeric', '100', '10', '10',
    'row estimate off by at least this factor (either way) is a finding; 10x, 100x and 1000x '
    'get rising severity', 'factor'
);
SELECT @extschema@._define_setting(
    'diagnose.misestimate_min_rows', 'diagnose', 'integer', '1000', '100', '50',
    'a misestimate counts only if the estimated or actual rows (over all loops) reach this', 'rows'
);
SELECT @extschema@._define_setting(
    'diagnose.nested_loop_min_loops', 'diagnose', 'integer', '10000', '1000', '100',
    'a nested loop whose inner side runs this many times and takes 30% of the time is a finding',
    'loops'
);
SELECT @extschema@._define_setting(
    'diagnose.heap_fetches_min', 'diagnose', 'integer', '10000', '1000', '100',
    'fewest heap fetches of an index-only scan before it is a finding', 'rows'
);
SELECT @extschema@._define_setting(
    'diagnose.heap_fetch_share', 'diagnose', 'numeric', '0.5', '0.2', '0.1',
    'share of an index-only scan''s rows that needed a heap fetch before it is a finding (VACUUM)',
    'fraction'
);
SELECT @extschema@._define_setting(
    'diagnose.jit_share', 'diagnose', 'numeric', '0.5', '0.2', '0.1',
    'JIT time at least this share of the execution time is a finding', 'fraction'
);
SELECT @extschema@._define_setting(
    'diagnose.large_offset', 'diagnose', 'integer', '10000', '1000', '500',
    'an OFFSET (rows read and discarded under a Limit) of at least this many rows is a finding', 'rows'
);
SELECT @extschema@._define_setting(
    'diagnose.repeated_loops', 'diagnose', 'integer', '10000', '1000', '100',
    'a SubPlan or CTE scan executed at least this many times is a finding', 'loops'
);
SELECT @extschema@._define_setting(
    'diagnose.planning_share', 'diagnose', 'numeric', '0.8', '0.5', '0.3',
    'planning time at least this share of planning + execution is a finding', 'fraction'
);
SELECT @extschema@._define_setting(
    'diagnose.planning_min_ms', 'diagnose', 'numeric', '50', '10', '5',
    'planning time must also reach this for the planning finding', 'ms'
);
SELECT @extschema@._define_setting(
    'diagnose.or_chain_length', 'diagnose', 'integer', '5', '3', '3',
    'lint: this many conditions joined by OR is a finding', 'conditions'
);
