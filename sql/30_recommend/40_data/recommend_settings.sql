-- Settings of the index advisor (wedopt.recommend_indexes*, wedopt.recommend_index_drops).
-- Columns: conservative (fewer, surer recommendations), moderate (default), aggressive.
SELECT @extschema@._define_setting(
    'recommend.max_statements', 'recommend', 'integer', '50', '50', '100',
    'most statements one call advises: the queries array may not be longer, and without it the '
    'top statements of pg_stat_statements by total time are read', 'statements'
);
SELECT @extschema@._define_setting(
    'recommend.min_improvement_pct', 'recommend', 'numeric', '5', '2', '1',
    'an index (or one more column) is recommended only when it lowers the estimated cost of the '
    'statements it touches by at least this share', 'percent'
);
SELECT @extschema@._define_setting(
    'recommend.partial_max_share', 'recommend', 'numeric', '0.1', '0.2', '0.3',
    'a constant equality (status = ''Pending'') that keeps at most this share of the rows '
    '(pg_stats) makes a partial index candidate', 'fraction'
);
SELECT @extschema@._define_setting(
    'recommend.drop_max_slowdown_pct', 'recommend', 'numeric', '0', '1', '5',
    'recommend_index_drops(): a drop is safe when no workload statement''s estimated cost rises by '
    'more than this share without the index', 'percent'
);
