-- The text overload: an untyped literal resolves to it, so invalid json gets a wedopt error
-- with a HINT instead of the cast's error at the call site.
CREATE OR REPLACE FUNCTION @extschema@.analyze_plan(plan text)
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
STABLE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_plan json;
    v_max bigint;
BEGIN
    v_max := @extschema@.get_setting('diagnose.max_plan_bytes')::bigint;
    IF octet_length(plan) > v_max THEN
        RAISE EXCEPTION 'wedopt: the plan is % bytes, more than diagnose.max_plan_bytes (%)',
            octet_length(plan), v_max
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = 'Raise the limit with wedopt.set_setting(''diagnose.max_plan_bytes'', ...).';
    END IF;
    BEGIN
        v_plan := plan::json;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'wedopt: the plan is not valid json'
            USING ERRCODE = 'invalid_text_representation', DETAIL = SQLERRM,
                  HINT = 'Pass the output of EXPLAIN (FORMAT JSON) or of wedopt.execute_explain_query().';
    END;
    RETURN QUERY SELECT a.* FROM @extschema@.analyze_plan(v_plan) AS a;
END
$$;

COMMENT ON FUNCTION @extschema@.analyze_plan(text) IS
'wedopt: analyze_plan(json) for a plan given as text (checked to be json first)';

GRANT EXECUTE ON FUNCTION @extschema@.analyze_plan(text) TO wedopt_monitor;
