-- Runs the caller's SQL (through _auto_tune_measure): SECURITY INVOKER, search_path NOT pinned.
CREATE OR REPLACE FUNCTION @extschema@._auto_tune_measure_set(p_statements text[], p_executable text[])
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_result jsonb := '{}';
    v_sql text;
BEGIN
    FOREACH v_sql IN ARRAY coalesce(p_statements, '{}') LOOP
        IF NOT v_result OPERATOR(pg_catalog.?) v_sql THEN
            v_result := v_result OPERATOR(pg_catalog.||)
                pg_catalog.jsonb_build_object(v_sql, @extschema@._auto_tune_measure(v_sql, NULL, v_sql OPERATOR(pg_catalog.=) ANY (p_executable)));
        END IF;
    END LOOP;
    RETURN v_result;
END
$$;

COMMENT ON FUNCTION @extschema@._auto_tune_measure_set(text[], text[]) IS
'wedopt (internal): Runs the caller''s SQL. _auto_tune_measure() of each statement, as an object '
'statement -> figures; only the statements in p_executable may be executed';

GRANT EXECUTE ON FUNCTION @extschema@._auto_tune_measure_set(text[], text[]) TO wedopt_admin;
