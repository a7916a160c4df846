-- Runs the caller's SQL (EXPLAIN only): SECURITY INVOKER, search_path NOT pinned (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@.recommend_indexes_for_workload(
    queries text[] DEFAULT NULL,
    max_indexes integer DEFAULT NULL,
    storage_budget_bytes bigint DEFAULT NULL
)
RETURNS SETOF @extschema@.index_recommendation
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF queries IS NOT NULL AND pg_catalog.cardinality(queries) OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'wedopt: the queries array is empty'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the statements to advise, or NULL for the top statements of pg_stat_statements.';
    END IF;
    IF max_indexes OPERATOR(pg_catalog.<) 0 OR storage_budget_bytes OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'wedopt: max_indexes and storage_budget_bytes must be zero or more'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass NULL for no limit.';
    END IF;
    RETURN QUERY SELECT r.* FROM @extschema@._recommend_indexes(queries, max_indexes, storage_budget_bytes, FALSE) AS r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM @extschema@._raise_clean(err_state, err_message, err_detail, err_hint);
END
$$;

COMMENT ON FUNCTION @extschema@.recommend_indexes_for_workload(text[], integer, bigint) IS
'wedopt: Runs the caller''s SQL (plans only, never executes it). '
'indexes for a workload (the statements given, or with NULL this database''s top '
'pg_stat_statements statements by total time, weighted by calls, and costed with pg_qualstats'' real '
'share of rows each filter keeps where that optional extension is created and preloaded), chosen greedily under the '
'index-count and storage budgets by benefit per byte (a new index or one more column on a chosen '
'one), costed what-if with hypopg; one row per index (kind create), per existing index that already '
'covers a candidate (covered) and per statement that cannot be planned (error, with its SQLSTATE). '
'Plans only (EXPLAIN, generic plans for $n), never executes the statements';

GRANT EXECUTE ON FUNCTION @extschema@.recommend_indexes_for_workload(text[], integer, bigint) TO wedopt_monitor;
