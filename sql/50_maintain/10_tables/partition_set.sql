-- The registered partition sets: what wedopt.run_maintenance() keeps ready (doc/maintain.md).
CREATE TABLE @extschema@.partition_set (
    parent regclass PRIMARY KEY,
    control name NOT NULL,
    step interval NOT NULL CHECK (
        step IN (interval '1 day', interval '1 week', interval '1 month', interval '3 months', interval '1 year')
    ),
    premake integer NOT NULL CHECK (premake BETWEEN 0 AND 1000),
    retention interval CHECK (retention > interval '0'),
    retention_keep_table boolean NOT NULL DEFAULT TRUE,
    archive_schema name,
    default_policy text NOT NULL DEFAULT 'create' CHECK (default_policy IN ('create', 'none')),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_run_at timestamptz,
    last_run_ms numeric,
    last_created integer,
    last_removed integer,
    last_skipped integer,
    default_rows bigint,
    last_error text
);

COMMENT ON TABLE @extschema@.partition_set IS
'wedopt: time-range partition sets registered by create_partition_set(), kept by run_maintenance(); '
'read them through the view wedopt.partition_sets';

GRANT SELECT ON @extschema@.partition_set TO wedopt_monitor;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.partition_set TO wedopt_admin;
