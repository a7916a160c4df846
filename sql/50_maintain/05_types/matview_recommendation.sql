-- One row of recommend_matviews() and of its PL/Python body.
CREATE TYPE @extschema@.matview_recommendation AS (
    queryid bigint,
    query text,
    calls bigint,
    total_exec_ms double precision,
    mean_exec_ms double precision,
    source_tables text [],
    source_writes bigint,
    writes_per_call double precision,
    calls_per_hour double precision,
    writes_per_hour double precision,
    proposed boolean,
    matview text,
    create_statement text,
    unique_index text,
    index_reason text,
    refresh_policy text,
    staleness_limit interval,
    register_statement text,
    verified boolean,
    reason text,
    sqlstate text
);

COMMENT ON TYPE @extschema@.matview_recommendation IS
'wedopt: one aggregate statement of pg_stat_statements judged by recommend_matviews(): its queryid, '
'text, calls and times, its source tables and their writes (per call, per hour), whether a view is '
'proposed, the CREATE MATERIALIZED VIEW, the unique index for REFRESH CONCURRENTLY (or why none), '
'the refresh policy and the register_matview() call, whether the server checked it, the reason; '
'for an error row its SQLSTATE';

REVOKE ALL ON TYPE @extschema@.matview_recommendation FROM public;
GRANT USAGE ON TYPE @extschema@.matview_recommendation TO wedopt_monitor;
