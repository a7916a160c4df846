-- The one entry path of every diagnose function that takes a caller's SQL text (and of the
-- areas built on diagnose): the text is not empty, not over diagnose.max_query_bytes, and
-- PostgreSQL's own parser, under this session's settings, sees exactly one statement in it.
-- Returns that statement's row of wedopt._parse_statements(); nothing of the text runs.
-- p_hint says what the caller may pass (e.g. 'Pass one SELECT ... statement.').
CREATE OR REPLACE FUNCTION @extschema@._one_statement(p_sql text, p_hint text)
RETURNS @extschema@.parsed_statement
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_max bigint;
    v_all @extschema@.parsed_statement[];
    v_count integer;
BEGIN
    IF p_sql IS NULL OR pg_catalog.btrim(p_sql, E' \t\r\n') OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'wedopt: the query is empty'
            USING ERRCODE = 'invalid_parameter_value', HINT = p_hint;
    END IF;
    -- Refuse huge texts here, before they reach the parser.
    v_max := @extschema@.get_setting('diagnose.max_query_bytes')::bigint;
    IF pg_catalog.octet_length(p_sql) OPERATOR(pg_catalog.>) v_max THEN
        RAISE EXCEPTION 'wedopt: the query is % bytes, more than diagnose.max_query_bytes (%)',
            pg_catalog.octet_length(p_sql), v_max
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = 'Pass a smaller statement, or raise the limit: '
                  'SELECT wedopt.set_setting(''diagnose.max_query_bytes'', ''...'').';
    END IF;
    SELECT pg_catalog.array_agg(p ORDER BY p.stmt_no) INTO v_all
    FROM @extschema@._parse_statements_checked(p_sql, 'the query') AS p;
    v_count := coalesce(pg_catalog.cardinality(v_all), 0);
    IF v_count OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'wedopt: the query holds no statement, only comments or semicolons'
            USING ERRCODE = 'syntax_error', HINT = p_hint;
    END IF;
    IF v_count OPERATOR(pg_catalog.<>) 1 THEN
        RAISE EXCEPTION 'wedopt: exactly one statement is expected; PostgreSQL''s parser sees % in the text', v_count
            USING ERRCODE = 'syntax_error',
                  DETAIL = 'Nothing was run. A semicolon, or a quote or comment read otherwise than you meant, '
                  'ends the first statement.',
                  HINT = p_hint;
    END IF;
    RETURN v_all[1];
END
$$;

COMMENT ON FUNCTION @extschema@._one_statement(text, text) IS
'wedopt (internal): the one statement of a caller''s SQL text, as PostgreSQL''s parser reads it under '
'this session''s settings (a row of wedopt._parse_statements()); raises, with the given HINT, when the '
'text is empty, longer than diagnose.max_query_bytes, does not parse, or holds other than one statement';

GRANT EXECUTE ON FUNCTION @extschema@._one_statement(text, text) TO wedopt_monitor;
