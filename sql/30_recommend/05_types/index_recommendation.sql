-- One row of the index advisor: recommend_indexes(), recommend_indexes_for_workload() and their
-- PL/Python body return SETOF this type, so the row is written once.
CREATE TYPE @extschema@.index_recommendation AS (
    kind text,
    statement text,
    table_name text,
    columns text [],
    index_type text,
    estimated_bytes bigint,
    cost_before double precision,
    cost_after double precision,
    improvement_pct double precision,
    statements_helped jsonb,
    write_overhead jsonb,
    rationale text,
    sqlstate text,
    failed_query text
);

COMMENT ON TYPE @extschema@.index_recommendation IS
'wedopt: one row of the index advisor: kind (create, covered, error), the CREATE INDEX statement, '
'table, columns, index type, estimated bytes, cost before and after, improvement, the statements '
'it helps, its write overhead, a rationale; for an error row its SQLSTATE and the failed query';

REVOKE ALL ON TYPE @extschema@.index_recommendation FROM public;
GRANT USAGE ON TYPE @extschema@.index_recommendation TO wedopt_monitor;
