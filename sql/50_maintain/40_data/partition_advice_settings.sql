-- Settings of the partitioning advice (doc/maintain.md "Partitioning advice").
SELECT @extschema@._define_setting(
    'partition.candidate_min_rows', 'maintain', 'integer', '100000000', '10000000', '1000000',
    'analyze_partitioning_candidates(): a plain table is a candidate from this many rows (or from '
    'partition.candidate_min_bytes)', 'rows'
);
SELECT @extschema@._define_setting(
    'partition.candidate_min_bytes', 'maintain', 'numeric', '107374182400', '10737418240', '1073741824',
    'analyze_partitioning_candidates(): a plain table is a candidate from this total size, indexes and '
    'TOAST included (or from partition.candidate_min_rows)', 'bytes'
);
SELECT @extschema@._define_setting(
    'partition.target_bytes', 'maintain', 'numeric', '10737418240', '5368709120', '1073741824',
    'analyze_partitioning_candidates(): the interval suggested is the longest (year, quarter, month, '
    'week, day) whose partition holds at most this many bytes and partition.target_rows rows', 'bytes'
);
SELECT @extschema@._define_setting(
    'partition.target_rows', 'maintain', 'integer', '200000000', '50000000', '10000000',
    'analyze_partitioning_candidates(): the interval suggested is the longest whose partition holds '
    'at most this many rows (and partition.target_bytes bytes)', 'rows'
);
