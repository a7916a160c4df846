-- Runs the caller's SQL (EXPLAIN only): SECURITY INVOKER, search_path NOT pinned (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@.recommend_indexes(query text)
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
    -- The one entry path of a caller's SQL text (empty, size, PostgreSQL's parser, one statement).
    PERFORM @extschema@._one_statement(
        query, 'Pass one SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE or WITH statement.'
    );
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
