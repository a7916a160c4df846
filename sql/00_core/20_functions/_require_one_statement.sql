-- The last check before wedopt EXECUTEs a text it built around a caller's statement: the
-- server's parser sees exactly one statement in it, of the expected node type. It cannot fail
-- when the caller's statement was checked first; it is there so that no later change can make
-- an EXECUTE run more than was decided.
CREATE OR REPLACE FUNCTION @extschema@._require_one_statement(p_sql text, p_node_type text)
RETURNS void
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_count integer;
    v_type text;
BEGIN
    SELECT pg_catalog.count(*)::integer, pg_catalog.min(p.node_type) INTO v_count, v_type
    FROM @extschema@._parse_statements(p_sql) AS p;
    IF v_count OPERATOR(pg_catalog.<>) 1 OR v_type IS DISTINCT FROM p_node_type THEN
        RAISE EXCEPTION 'wedopt: refusing to run a built statement: PostgreSQL''s parser sees % statement(s) (%), not one %',
            v_count, coalesce(v_type, 'none'), p_node_type
            USING ERRCODE = 'internal_error',
                  HINT = 'Nothing was run. This is a wedopt bug: report the text that led here.';
    END IF;
END
$$;

COMMENT ON FUNCTION @extschema@._require_one_statement(text, text) IS
'wedopt (internal): raise unless PostgreSQL''s parser sees exactly one statement of the given node '
'type (e.g. ExplainStmt) in a text wedopt built and is about to EXECUTE';

GRANT EXECUTE ON FUNCTION @extschema@._require_one_statement(text, text) TO wedopt_monitor;
