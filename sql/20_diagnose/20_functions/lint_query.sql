-- search_path NOT pinned: the caller's table names must resolve (see _lint_query).
CREATE OR REPLACE FUNCTION @extschema@.lint_query(query text)
RETURNS TABLE (code text, severity integer, message text, suggestion text, evidence jsonb)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
AS $$
DECLARE
    v_max bigint;
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF query IS NULL OR pg_catalog.btrim(query, E' \t\r\n') OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'wedopt: the query is empty'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass one SQL statement.';
    END IF;
    v_max := @extschema@.get_setting('diagnose.max_query_bytes')::bigint;
    IF pg_catalog.octet_length(query) OPERATOR(pg_catalog.>) v_max THEN
        RAISE EXCEPTION 'wedopt: the query is % bytes, more than diagnose.max_query_bytes (%)',
            pg_catalog.octet_length(query), v_max
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = 'Lint a smaller statement, or raise the limit: '
                  'SELECT wedopt.set_setting(''diagnose.max_query_bytes'', ''...'').';
    END IF;
    RETURN QUERY SELECT l.* FROM @extschema@._lint_query(query) AS l;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS
        err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM @extschema@._raise_clean(err_state, err_message, err_detail, err_hint);
END
$$;

COMMENT ON FUNCTION @extschema@.lint_query(text) IS
'wedopt: anti-patterns in one SQL statement, with suggestions (no WHERE on UPDATE/DELETE or on a '
'big table, SELECT * in joins, leading-wildcard LIKE, functions on indexed columns, NOT IN '
'(subquery), OR chains, implicit casts, ORDER BY random(), large OFFSET). Runs the caller''s SQL '
'text through a parser only (sqlglot, postgres dialect), never executes it';

GRANT EXECUTE ON FUNCTION @extschema@.lint_query(text) TO wedopt_monitor;
