-- Runs the caller's SQL (EXPLAIN only): SECURITY INVOKER, search_path NOT pinned (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@.recommend_indexes(query text)
RETURNS TABLE (
    kind text,
    statement text,
    table_name text,
    columns text[],
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
)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
#variable_conflict use_variable
DECLARE
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF query IS NULL OR pg_catalog.btrim(query, E' \t\r\n\f\v') OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'wedopt: the query is empty'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass one SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE or WITH statement.';
    END IF;
    RETURN QUERY SELECT r.* FROM @extschema@._recommend_indexes(ARRAY[query], NULL, NULL, TRUE) AS r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM @extschema@._raise_clean(err_state, err_message, err_detail, err_hint);
END
$$;

COMMENT ON FUNCTION @extschema@.recommend_indexes(text) IS
'wedopt: Runs the caller''s SQL (plans only, never executes it). '
'indexes for one statement, costed what-if with hypopg (see '
'recommend_indexes_for_workload); a statement that cannot be planned (does not parse, DDL, several '
'statements, unknown table, system catalogs only) is an error with its SQLSTATE and a HINT';

GRANT EXECUTE ON FUNCTION @extschema@.recommend_indexes(text) TO wedopt_monitor;
