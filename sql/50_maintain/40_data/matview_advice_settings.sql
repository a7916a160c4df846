-- Settings of the materialized-view advice (doc/maintain.md "Materialized-view advice").
SELECT @extschema@._define_setting(
    'matview.min_mean_ms', 'maintain', 'numeric', '100', '10', '1',
    'recommend_matviews(): a statement is heavy from this mean execution time (pg_stat_statements)', 'ms'
);
SELECT @extschema@._define_setting(
    'matview.max_writes_per_call', 'maintain', 'numeric', '0.1', '0.5', '2',
    'recommend_matviews(): its source tables change slowly while at most this many rows are written '
    '(n_tup_ins + n_tup_upd + n_tup_del) per call of the statement', NULL
);
SELECT @extschema@._define_setting(
    'matview.max_refresh_share', 'maintain', 'numeric', '0.05', '0.1', '0.2',
    'recommend_matviews(): refreshes may cost at most this share of the calls they replace (a refresh '
    'runs the statement once): source_changed within it, else a staleness limit that keeps to it', NULL
);
SELECT @extschema@._define_setting(
    'matview.max_statements', 'maintain', 'integer', '100', '100', '100',
    'recommend_matviews(): statements of pg_stat_statements examined, by total execution time', NULL
);
