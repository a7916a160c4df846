-- search_path NOT pinned: the caller's table names must resolve (see _lint_query).
CREATE OR REPLACE FUNCTION @extschema@.lint_query(query text)
RETURNS TABLE (code text, severity integer, message text, suggestion text, evidence jsonb)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
AS $$
DECLARE
    v_max bigint;
    v_stmt record;
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
    -- What the text is, PostgreSQL's own parser decides: lint takes every statement it accepts.
    SELECT p.*, pg_catalog.count(*) OVER () AS n INTO v_stmt
    FROM @extschema@._parse_statements_checked(query, 'the query') AS p
    ORDER BY p.stmt_no
    LIMIT 1;
    IF v_stmt.n IS NULL THEN
        RAISE EXCEPTION 'wedopt: the query holds no statement, only comments or semicolons'
            USING ERRCODE = 'syntax_error', HINT = 'Pass one SQL statement.';
    END IF;
    IF v_stmt.n OPERATOR(pg_catalog.<>) 1 THEN
        RAISE EXCEPTION 'wedopt: exactly one statement is expected; PostgreSQL''s parser sees % in the text', v_stmt.n
            USING ERRCODE = 'syntax_error',
                  DETAIL = 'A semicolon, or a quote or comment read otherwise than you meant, ends the first statement.',
                  HINT = 'Pass a single statement (a trailing semicolon is fine).';
    END IF;
    RETURN QUERY SELECT l.* FROM @extschema@._lint_query(
        v_stmt.statement, v_stmt.node_type, v_stmt.command_tag, v_stmt.relations, v_stmt.options,
        v_stmt.inner_node_type
    ) AS l;
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
'(subquery), OR chains, implicit casts, ORDER BY random(), large OFFSET). Takes every statement '
'PostgreSQL''s parser accepts (it decides: exactly one statement); the expression rules read a '
'sqlglot tree, and a finding rules_not_applied says when that cannot be built. Runs the caller''s SQL '
'text through parsers only, never executes it';

GRANT EXECUTE ON FUNCTION @extschema@.lint_query(text) TO wedopt_monitor;
