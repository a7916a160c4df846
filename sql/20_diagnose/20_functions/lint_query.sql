-- search_path NOT pinned: the caller's table names must resolve (see _lint_query).
CREATE OR REPLACE FUNCTION @extschema@.lint_query(query text)
RETURNS TABLE (code text, severity integer, message text, suggestion text, evidence jsonb)
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
AS $$
DECLARE
    v_stmt @extschema@.parsed_statement;
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    -- What the text is, PostgreSQL's own parser decides: lint takes every statement it accepts.
    v_stmt := @extschema@._one_statement(query, 'Pass one SQL statement.');
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
