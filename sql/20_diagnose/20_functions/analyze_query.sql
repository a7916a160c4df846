-- Runs the caller's SQL: SECURITY INVOKER, search_path NOT pinned (see doc/security.md).
CREATE OR REPLACE FUNCTION @extschema@.analyze_query(
    query text,
    with_analyze boolean DEFAULT FALSE,
    statement_timeout interval DEFAULT '30s'
)
RETURNS TABLE (
    node_id integer,
    node_type text,
    relation text,
    code text,
    severity integer,
    message text,
    suggestion text,
    evidence jsonb
)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
BEGIN
    RETURN QUERY SELECT a.* FROM @extschema@.analyze_plan(
        @extschema@.execute_explain_query(query, with_analyze, statement_timeout)
    ) AS a;
END
$$;

COMMENT ON FUNCTION @extschema@.analyze_query(text, boolean, interval) IS
'wedopt: Runs the caller''s SQL through wedopt.execute_explain_query() (EXPLAIN, or EXPLAIN ANALYZE '
'for wedopt_admin, always rolled back) and returns wedopt.analyze_plan() of the plan';

GRANT EXECUTE ON FUNCTION @extschema@.analyze_query(text, boolean, interval) TO wedopt_monitor;
